package certificate_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/certificate"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testfix"
)

func TestOnCompletedIssuesOnceAndQueuesOneEmail(t *testing.T) {
	s, db := newService(t)
	ctx := context.Background()
	l := newLearner(t, db, learnerSpec{Name: "Nguyễn Thị Minh Khai"})
	var codes []string
	for i := 0; i < 2; i++ {
		err := store.InTx(ctx, db, func(tx *sqlx.Tx) error {
			if err := s.OnCompleted(ctx, tx, l.CompletionID); err != nil {
				return err
			}
			code, err := s.Issue(ctx, tx, l.CompletionID)
			codes = append(codes, code)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if codes[0] != codes[1] || len(codes[0]) != certificate.CodeLen {
		t.Fatalf("codes %q: issuing again must return the same code", codes)
	}
	var n int
	db.GetContext(ctx, &n, `SELECT count(*) FROM certificates WHERE completion_id = $1`, l.CompletionID)
	if n != 1 {
		t.Fatalf("%d certificates for one completion", n)
	}
	var mails []struct {
		To      string `db:"to_addr"`
		Subject string `db:"subject"`
		Text    string `db:"text_body"`
		HTML    string `db:"html_body"`
		Key     string `db:"dedupe_key"`
	}
	err := db.SelectContext(ctx, &mails, `SELECT to_addr, subject, text_body, html_body, dedupe_key FROM email_outbox WHERE user_id = $1`, l.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if len(mails) != 1 {
		t.Fatalf("%d emails queued, want 1", len(mails))
	}
	m := mails[0]
	download := baseURL + "/my/certificates/" + strconv.FormatInt(l.CompletionID, 10) + ".pdf"
	verify := baseURL + "/verify/" + certificate.Format(codes[0])
	for _, want := range []string{download, verify, l.CourseTitle, "Nguyễn Thị Minh Khai", "1-888-373-7888"} {
		if !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want) {
			t.Errorf("email lacks %q", want)
		}
	}
	if m.To != l.Email || !strings.Contains(m.Subject, l.CourseTitle) || m.Key != "certificate-ready:"+strconv.FormatInt(l.CompletionID, 10) {
		t.Errorf("email to %q, subject %q, key %q", m.To, m.Subject, m.Key)
	}
}

func TestIssueUnknownCompletion(t *testing.T) {
	s, db := newService(t)
	ctx := context.Background()
	err := store.InTx(ctx, db, func(tx *sqlx.Tx) error {
		_, err := s.Issue(ctx, tx, 1<<40)
		return err
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("issue for a missing completion: %v", err)
	}
}

func TestVerify(t *testing.T) {
	s, db := newService(t)
	ctx := context.Background()
	valid := newLearner(t, db, learnerSpec{Name: "João Conceição", Version: "2.1", ExpiresAt: ptr(now.AddDate(1, 0, 0))})
	forever := newLearner(t, db, learnerSpec{Name: "Jean-Baptiste Désir"})
	expired := newLearner(t, db, learnerSpec{Name: "王小明", CompletedAt: now.AddDate(-2, 0, 0), ExpiresAt: ptr(now.AddDate(0, 0, -1))})
	revoked := newLearner(t, db, learnerSpec{Name: "Wòch Lapè", ExpiresAt: ptr(now.AddDate(1, 0, 0))})
	admin, _ := testfix.User(t, db, revoked.OrgID, testfix.UserSpec{Admin: true})
	code := func(l learner) string {
		d, err := s.ForCompletion(ctx, l.CompletionID)
		if err != nil {
			t.Fatal(err)
		}
		return d.Code
	}
	revokedCode := code(revoked)
	revokedCert, _ := s.ForCompletion(ctx, revoked.CompletionID)
	if err := s.Revoke(ctx, admin, revokedCert.ID, "  Completed under another person's account.  "); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		input  string
		status certificate.Status
		l      learner
	}{
		{"valid", strings.ToLower(certificate.Format(code(valid))), certificate.Valid, valid},
		{"never expires", code(forever), certificate.Valid, forever},
		{"expired", certificate.Format(code(expired)), certificate.Expired, expired},
		{"revoked", revokedCode, certificate.Revoked, revoked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := s.Verify(ctx, tt.input)
			if err != nil {
				t.Fatal(err)
			}
			if v.Status != tt.status || v.Name != tt.l.Name || v.CourseTitle != tt.l.CourseTitle {
				t.Fatalf("got %+v", v)
			}
			if tt.status == certificate.Revoked {
				if v.RevokedAt == nil || v.RevokedReason != "Completed under another person's account." {
					t.Fatalf("revocation not shown: %+v", v)
				}
			} else if v.RevokedAt != nil || v.RevokedReason != "" {
				t.Fatalf("revocation shown on a %s certificate", tt.status)
			}
		})
	}
	if v, _ := s.Verify(ctx, code(valid)); v.CourseVersion != "2.1" || v.ExpiresAt == nil {
		t.Errorf("version or expiry missing: %+v", v)
	}
	unknown, _ := certificate.NewCode()
	if _, err := s.Verify(ctx, unknown); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown code: %v, want ErrNotFound", err)
	}
	if _, err := s.Verify(ctx, "not a code"); !errors.Is(err, certificate.ErrMalformed) {
		t.Errorf("malformed code: %v, want ErrMalformed", err)
	}
}

func TestRevokeIsAuditedAndNeedsAReason(t *testing.T) {
	s, db := newService(t)
	ctx := context.Background()
	l := newLearner(t, db, learnerSpec{Name: "Ana Pereira"})
	admin, _ := testfix.User(t, db, l.OrgID, testfix.UserSpec{Admin: true})
	d, err := s.ForCompletion(ctx, l.CompletionID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Revoke(ctx, admin, d.ID, " \n "); !errors.Is(err, certificate.ErrReasonRequired) {
		t.Fatalf("blank reason: %v", err)
	}
	if err := s.Revoke(ctx, admin, d.ID, "Issued in error"); err != nil {
		t.Fatal(err)
	}
	if err := s.Revoke(ctx, admin, d.ID, "Again"); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second revoke: %v, want ErrConflict", err)
	}
	var a struct {
		Actor  int64  `db:"actor_id"`
		Org    int64  `db:"org_id"`
		Before []byte `db:"before"`
		After  []byte `db:"after"`
	}
	err = db.GetContext(ctx, &a, `SELECT actor_id, org_id, before, after FROM audit_log
		WHERE action = 'certificate.revoke' AND entity_id = $1`, strconv.FormatInt(d.ID, 10))
	if err != nil {
		t.Fatalf("no audit entry: %v", err)
	}
	var before, after map[string]any
	json.Unmarshal(a.Before, &before)
	json.Unmarshal(a.After, &after)
	if a.Actor != admin || a.Org != l.OrgID || before["revoked"] != false || after["revoked"] != true || after["reason"] != "Issued in error" {
		t.Fatalf("audit entry %+v %v %v", a, before, after)
	}
	got, _ := s.ByID(ctx, d.ID)
	if got.RevokedAt == nil || !got.RevokedAt.Equal(now) || got.RevokedReason != "Issued in error" {
		t.Fatalf("certificate after revoke: %+v", got)
	}
}

func TestEachInSubtreeKeepsToTheSubtreeAndPeriod(t *testing.T) {
	s, db := newService(t)
	ctx := context.Background()
	root := testfix.Org(t, db, testfix.Unique("District "), "school_district", "Suffolk", 0)
	school := testfix.Org(t, db, testfix.Unique("School "), "school", "Suffolk", root)
	other := testfix.Org(t, db, testfix.Unique("Other district "), "school_district", "Essex", 0)
	in1 := newLearner(t, db, learnerSpec{Name: "In Root", OrgID: root})
	in2 := newLearner(t, db, learnerSpec{Name: "In School", OrgID: school})
	newLearner(t, db, learnerSpec{Name: "Too Early", OrgID: school, CompletedAt: now.AddDate(-1, 0, 0)})
	newLearner(t, db, learnerSpec{Name: "Other Subtree", OrgID: other})
	var got []string
	f := store.SubtreeFilter{OrgID: root, From: now.AddDate(0, -3, 0), To: now}
	err := s.EachInSubtree(ctx, f, func(d store.CertificateDetails) error {
		got = append(got, d.PersonName)
		if len(d.Code) != certificate.CodeLen {
			t.Errorf("certificate without code: %+v", d)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := in1.Name + "," + in2.Name; strings.Join(got, ",") != want {
		t.Fatalf("subtree certificates = %q, want %s", got, want)
	}
}

func TestWriteZIPStreamsEveryCertificateInOrder(t *testing.T) {
	s, db := newService(t)
	ctx := context.Background()
	root := testfix.Org(t, db, testfix.Unique("Agency "), "state_agency", "Suffolk", 0)
	var want []string
	for i := 0; i < 7; i++ {
		l := newLearner(t, db, learnerSpec{Name: "Person " + strconv.Itoa(i), OrgID: root})
		d, err := s.ForCompletion(ctx, l.CompletionID)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, certificate.ZIPEntryName(d, boston))
	}
	var buf bytes.Buffer
	flushes := 0
	n, err := s.WriteZIP(ctx, &buf, store.SubtreeFilter{OrgID: root, From: now.AddDate(-1, 0, 0), To: now},
		func() error { flushes++; return nil })
	if err != nil || n != 7 || flushes != 7 {
		t.Fatalf("WriteZIP = %d, %v (%d flushes)", n, err, flushes)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range zr.File {
		got = append(got, f.Name)
		rc, _ := f.Open()
		head := make([]byte, 5)
		io.ReadFull(rc, head)
		rc.Close()
		if string(head) != "%PDF-" {
			t.Errorf("%s is not a PDF", f.Name)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("entries\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestWriteZIPOfAnEmptyPeriod(t *testing.T) {
	s, db := newService(t)
	root := testfix.Org(t, db, testfix.Unique("Empty "), "state_agency", "Suffolk", 0)
	var buf bytes.Buffer
	n, err := s.WriteZIP(context.Background(), &buf, store.SubtreeFilter{OrgID: root, From: now.AddDate(-1, 0, 0), To: now}, nil)
	if err != nil || n != 0 {
		t.Fatalf("WriteZIP = %d, %v", n, err)
	}
	if zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len())); err != nil || len(zr.File) != 0 {
		t.Fatalf("empty archive: %v", err)
	}
}

func TestOrgChoicesListEachOrganizationOnce(t *testing.T) {
	s, db := newService(t)
	ctx := context.Background()
	district := testfix.Org(t, db, testfix.Unique("District "), "school_district", "Suffolk", 0)
	school := testfix.Org(t, db, testfix.Unique("School "), "school", "Suffolk", district)
	other := testfix.Org(t, db, testfix.Unique("Other "), "school_district", "Essex", 0)
	got, err := s.OrgChoices(ctx, []int64{district, school}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != district || got[1].ID != school || got[1].Depth != 1 {
		t.Fatalf("manager choices: %+v", got)
	}
	all, err := s.OrgChoices(ctx, []int64{district}, true)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]int{}
	for _, o := range all {
		seen[o.ID]++
	}
	if seen[district] != 1 || seen[school] != 1 || seen[other] != 1 {
		t.Fatalf("admin choices count district %d, school %d, other %d", seen[district], seen[school], seen[other])
	}
}
