package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/certificate"
	"github.com/waymark/waymark/internal/pdf/pdftest"
	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
)

// certPerson is a fixture person with one completion.
type certPerson struct {
	ID           int64
	Email        string
	Name         string
	CompletionID int64
	Code         string // stored form
}

// certFixture creates a person in org with one completion of a new course
// and issues its certificate.
func certFixture(t *testing.T, db *sqlx.DB, org int64, name string, completed time.Time, expires *time.Time) certPerson {
	t.Helper()
	p := certPerson{Name: name}
	p.ID, p.Email = testfix.User(t, db, org, testfix.UserSpec{Name: name, Roles: []string{"teacher"}})
	course, version := testfix.CourseVersion(t, db, testfix.CourseSpec{Title: "School staff recognizing risk", Code: "M9", Version: "1.4", Minutes: 75})
	p.CompletionID = testfix.Completion(t, db, testfix.CompletionSpec{UserID: p.ID, CourseID: course, VersionID: version,
		Score: 88, CompletedAt: completed, ExpiresAt: expires})
	svc, err := certificate.New(db, certificate.Options{BaseURL: "http://localhost:3000"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := svc.ForCompletion(context.Background(), p.CompletionID)
	if err != nil {
		t.Fatal(err)
	}
	p.Code = d.Code
	return p
}

func TestVerifyPages(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	org := testfix.Org(t, db, "Quincy Public Schools", "school_district", "Norfolk", 0)
	now := time.Now()
	valid := certFixture(t, db, org, "Nguyễn Thị Minh Khai", now.AddDate(0, -1, 0), nil)
	expired := certFixture(t, db, org, "João Conceição", now.AddDate(-2, 0, 0), ptrTime(now.AddDate(0, 0, -3)))
	revoked := certFixture(t, db, org, "Jean-Baptiste Désir", now.AddDate(0, -2, 0), ptrTime(now.AddDate(1, 0, 0)))
	if _, err := db.Exec(`UPDATE certificates SET revoked_at = now(), revoked_reason = 'Completed under another person''s account.' WHERE code = $1`, revoked.Code); err != nil {
		t.Fatal(err)
	}
	unknown, _ := certificate.NewCode()
	c := newClient(t, app)
	tests := []struct {
		name   string
		path   string
		status int
		want   []string
		absent []string
	}{
		{"valid", "/verify/" + certificate.Format(valid.Code), 200,
			[]string{"Valid: this certificate is genuine and current.", "Nguyễn Thị Minh Khai", "School staff recognizing risk", "1.4", "Does not expire", certificate.Format(valid.Code)},
			[]string{valid.Email, "Revoked", "/my/certificates/" + strconv.FormatInt(valid.CompletionID, 10)}},
		{"lower case and spaces", "/verify/" + url.PathEscape(strings.ToLower(valid.Code[:8]+" "+valid.Code[8:])), 200,
			[]string{"Valid:", "Nguyễn Thị Minh Khai"}, nil},
		{"expired", "/verify/" + expired.Code, 200,
			[]string{"Expired: this certificate is genuine, but the training it records has expired", "João Conceição", bostonDate(now.AddDate(0, 0, -3))},
			[]string{expired.Email, "Valid:"}},
		{"revoked", "/verify/" + revoked.Code, 200,
			[]string{"Revoked on " + bostonDate(now) + ": Completed under another person&#39;s account.", "Jean-Baptiste Désir"},
			[]string{revoked.Email, "Valid:"}},
		{"unknown", "/verify/" + certificate.Format(unknown), 404, []string{"No certificate found", "No certificate has this code"}, []string{unknown}},
		{"malformed", "/verify/" + url.PathEscape("' OR 1=1 --"), 404, []string{"No certificate found"}, nil},
		{"form", "/verify", 200, []string{"<h1>Check a certificate</h1>", `<label for="code">`}, nil},
		{"form with a bad code", "/verify?code=HELLO", 422, []string{"That is not a certificate code", `aria-invalid="true"`}, nil},
		{"form with an empty code", "/verify?code=", 422, []string{"Enter the 16-character code"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.get(tt.path)
			if r.Status != tt.status {
				t.Fatalf("status %d, want %d\n%s", r.Status, tt.status, r.Body)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.Body, w) {
					t.Errorf("body lacks %q", w)
				}
			}
			for _, w := range tt.absent {
				if strings.Contains(r.Body, w) {
					t.Errorf("body has %q", w)
				}
			}
			if !strings.Contains(r.Header.Get("X-Robots-Tag"), "noindex") {
				t.Error("verification page may be indexed")
			}
		})
	}
	// Unknown and malformed codes get the very same page.
	if a, b := c.get("/verify/"+unknown).Body, c.get("/verify/not-a-code").Body; a != b {
		t.Error("unknown and malformed codes are answered differently")
	}
	r := c.get("/verify?code=" + url.QueryEscape(strings.ToLower(valid.Code)))
	if r.Status != http.StatusSeeOther || r.Location != "/verify/"+certificate.Format(valid.Code) {
		t.Fatalf("form with a good code: %d → %q", r.Status, r.Location)
	}
}

func TestVerifyIsRateLimitedPerClient(t *testing.T) {
	app := newApp(t)
	c := newClient(t, app)
	code, _ := certificate.NewCode()
	for i := 0; i < 30; i++ {
		if r := c.get("/verify/" + code); r.Status != 404 {
			t.Fatalf("request %d: status %d", i+1, r.Status)
		}
	}
	if r := c.get("/verify/" + code); r.Status != http.StatusTooManyRequests {
		t.Fatalf("request 31 in a minute: status %d, want 429", r.Status)
	}
	if r := c.get("/verify"); r.Status != http.StatusTooManyRequests {
		t.Fatalf("the form shares the limit: status %d", r.Status)
	}
	if r := c.get("/courses"); r.Status != 200 {
		t.Fatalf("other pages are not limited: status %d", r.Status)
	}
}

func TestCertificateDownloadsAreScoped(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	district := testfix.Org(t, db, testfix.Unique("District "), "school_district", "Norfolk", 0)
	school := testfix.Org(t, db, testfix.Unique("School "), "school", "Norfolk", district)
	elsewhere := testfix.Org(t, db, testfix.Unique("Elsewhere "), "school_district", "Essex", 0)
	now := time.Now()
	mine := certFixture(t, db, school, "王小明", now.AddDate(0, -1, 0), nil)
	theirs := certFixture(t, db, elsewhere, "Ana Pereira", now.AddDate(0, -1, 0), nil)
	_, managerEmail := testfix.User(t, db, district, testfix.UserSpec{Name: "Principal", Scopes: []int64{district}})

	learner := newClient(t, app)
	learner.login(mine.Email, testfix.Password)
	manager := newClient(t, app)
	manager.login(managerEmail, testfix.Password)
	anon := newClient(t, app)

	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	tests := []struct {
		name   string
		c      *client
		path   string
		status int
		text   []string // found in the PDF
	}{
		{"own certificate", learner, "/my/certificates/" + id(mine.CompletionID) + ".pdf", 200, []string{"王小明", certificate.Format(mine.Code), "School staff recognizing risk"}},
		{"own transcript", learner, "/my/transcript.pdf", 200, []string{"Training transcript", "王小明", certificate.Format(mine.Code)}},
		{"someone else's certificate", learner, "/my/certificates/" + id(theirs.CompletionID) + ".pdf", 404, nil},
		{"no such completion", learner, "/my/certificates/999999999.pdf", 404, nil},
		{"not a number", learner, "/my/certificates/abc.pdf", 404, nil},
		{"learner is no manager", learner, "/manage/people/" + id(mine.ID) + "/transcript.pdf", 403, nil},
		{"manager, person in scope", manager, "/manage/people/" + id(mine.ID) + "/certificates/" + id(mine.CompletionID) + ".pdf", 200, []string{"王小明"}},
		{"manager, transcript in scope", manager, "/manage/people/" + id(mine.ID) + "/transcript.pdf", 200, []string{"王小明"}},
		{"manager, person out of scope", manager, "/manage/people/" + id(theirs.ID) + "/certificates/" + id(theirs.CompletionID) + ".pdf", 404, nil},
		{"manager, transcript out of scope", manager, "/manage/people/" + id(theirs.ID) + "/transcript.pdf", 404, nil},
		{"manager, completion of another person", manager, "/manage/people/" + id(mine.ID) + "/certificates/" + id(theirs.CompletionID) + ".pdf", 404, nil},
		{"signed out", anon, "/my/certificates/" + id(mine.CompletionID) + ".pdf", 303, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.c.get(tt.path)
			if r.Status != tt.status {
				t.Fatalf("status %d, want %d", r.Status, tt.status)
			}
			if tt.status != 200 {
				if strings.HasPrefix(r.Body, "%PDF") {
					t.Fatal("a refused request returned a PDF")
				}
				return
			}
			if r.Header.Get("Content-Type") != "application/pdf" || !strings.Contains(r.Header.Get("Cache-Control"), "no-store") {
				t.Errorf("headers: %v", r.Header)
			}
			text := pdftest.Text(t, []byte(r.Body))
			for _, w := range tt.text {
				if !strings.Contains(text, w) {
					t.Errorf("PDF lacks %q", w)
				}
			}
		})
	}
}

func TestMyCertificatesPage(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	org := testfix.Org(t, db, testfix.Unique("School "), "school", "Norfolk", 0)
	p := certFixture(t, db, org, "Wòch Lapè", time.Now().AddDate(0, -1, 0), nil)
	c := newClient(t, app)
	c.login(p.Email, testfix.Password)
	r := c.get("/my/certificates")
	for _, w := range []string{"<h1>My certificates</h1>", "School staff recognizing risk", certificate.Format(p.Code),
		"/my/certificates/" + strconv.FormatInt(p.CompletionID, 10) + ".pdf", "/my/transcript.pdf", "Valid", "<caption>"} {
		if !strings.Contains(r.Body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

func TestCertificatesZIPHoldsExactlyTheSubtree(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	district := testfix.Org(t, db, testfix.Unique("District "), "school_district", "Norfolk", 0)
	school := testfix.Org(t, db, testfix.Unique("School "), "school", "Norfolk", district)
	sibling := testfix.Org(t, db, testfix.Unique("Sibling district "), "school_district", "Norfolk", 0)
	in := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	want := []certPerson{
		certFixture(t, db, district, "Nguyễn Thị Minh Khai", in, nil),
		certFixture(t, db, school, "Jean-Baptiste Désir", in.AddDate(0, 0, 5), nil),
		certFixture(t, db, school, "王小明", time.Date(2026, 3, 31, 23, 30, 0, 0, time.UTC), nil), // March 31, Boston time
	}
	certFixture(t, db, school, "Too Late", time.Date(2026, 4, 1, 16, 0, 0, 0, time.UTC), nil)
	certFixture(t, db, school, "Too Early", time.Date(2026, 2, 28, 16, 0, 0, 0, time.UTC), nil)
	certFixture(t, db, sibling, "Other Subtree", in, nil)
	_, managerEmail := testfix.User(t, db, district, testfix.UserSpec{Scopes: []int64{district}})
	_, otherEmail := testfix.User(t, db, sibling, testfix.UserSpec{Scopes: []int64{sibling}})

	m := newClient(t, app)
	m.login(managerEmail, testfix.Password)
	form := m.get("/manage/certificates")
	if form.Status != 200 || !strings.Contains(form.Body, `value="`+strconv.FormatInt(school, 10)+`"`) || strings.Contains(form.Body, `value="`+strconv.FormatInt(sibling, 10)+`"`) {
		t.Fatalf("download form: %d, offers the wrong organizations", form.Status)
	}
	q := fmt.Sprintf("/manage/certificates.zip?org=%d&from=2026-03-01&to=2026-03-31", district)
	r := m.get(q)
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("zip: status %d, type %q\n%s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	zr, err := zip.NewReader(bytes.NewReader([]byte(r.Body)), int64(len(r.Body)))
	if err != nil {
		t.Fatal(err)
	}
	var got, wantNames []string
	for _, f := range zr.File {
		got = append(got, f.Name)
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		text := pdftest.Text(t, b)
		if !strings.Contains(f.Name, ".pdf") || !strings.Contains(text, "Certificate of Completion") {
			t.Errorf("%s is not a certificate", f.Name)
		}
	}
	for _, p := range want {
		for _, g := range got {
			if strings.Contains(g, certificate.Format(p.Code)) {
				wantNames = append(wantNames, g)
			}
		}
	}
	sort.Strings(got)
	sort.Strings(wantNames)
	if len(got) != len(want) || strings.Join(got, "\n") != strings.Join(wantNames, "\n") {
		t.Fatalf("zip holds\n%s\nwant the certificates of %d people in the subtree and period", strings.Join(got, "\n"), len(want))
	}
	if !strings.Contains(strings.Join(got, " "), "Nguyễn_Thị_Minh_Khai_M9_") {
		t.Errorf("entry names: %q", got)
	}

	// A manager of another subtree cannot download this one.
	o := newClient(t, app)
	o.login(otherEmail, testfix.Password)
	if r := o.get(q); r.Status != 404 {
		t.Fatalf("zip of another subtree: status %d, want 404", r.Status)
	}
	if r := m.get(fmt.Sprintf("/manage/certificates.zip?org=%d&from=2026-03-31&to=2026-03-01", district)); r.Status != 422 || !strings.Contains(r.Body, "on or after the first day") {
		t.Fatalf("reversed period: status %d", r.Status)
	}
	if r := m.get(fmt.Sprintf("/manage/certificates.zip?org=%d&from=March&to=2026-03-01", district)); r.Status != 422 || !strings.Contains(r.Body, `id="from-error"`) {
		t.Fatalf("bad date: status %d", r.Status)
	}
}

func TestAdminRevokesWithAReason(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	org := testfix.Org(t, db, testfix.Unique("Court "), "court", "Suffolk", 0)
	p := certFixture(t, db, org, testfix.Unique("Maria Revoke "), time.Now().AddDate(0, -1, 0), nil)
	_, adminEmail := testfix.User(t, db, org, testfix.UserSpec{Admin: true})
	admin := newClient(t, app)
	admin.login(adminEmail, testfix.Password)

	var certID int64
	if err := db.Get(&certID, `SELECT id FROM certificates WHERE code = $1`, p.Code); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{strings.ToLower(certificate.Format(p.Code)), p.Name[len(p.Name)-8:], p.Email} {
		r := admin.get("/admin/certificates?q=" + url.QueryEscape(q))
		if r.Status != 200 || !strings.Contains(r.Body, fmt.Sprintf(`/admin/certificates/%d"`, certID)) {
			t.Fatalf("search %q did not find the certificate: %d", q, r.Status)
		}
	}
	page := admin.get(fmt.Sprintf("/admin/certificates/%d", certID))
	if page.Status != 200 || !strings.Contains(page.Body, "Revoke this certificate") {
		t.Fatalf("certificate page: %d", page.Status)
	}
	path := fmt.Sprintf("/admin/certificates/%d/revoke", certID)
	r := admin.post(path, url.Values{"reason": {"   "}})
	if r.Status != 422 || !strings.Contains(r.Body, `id="reason-error"`) || !strings.Contains(r.Body, `aria-describedby="reason-error"`) {
		t.Fatalf("blank reason: status %d", r.Status)
	}
	learner := newClient(t, app)
	learner.login(p.Email, testfix.Password)
	learner.get("/my/certificates")
	if r := learner.post(path, url.Values{"reason": {"mine now"}}); r.Status != 403 {
		t.Fatalf("a learner revoking: status %d, want 403", r.Status)
	}
	r = admin.post(path, url.Values{"reason": {"Earned under another person's account."}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("revoke: status %d\n%s", r.Status, r.Body)
	}
	var audits int
	db.Get(&audits, `SELECT count(*) FROM audit_log WHERE action = 'certificate.revoke' AND entity_id = $1 AND after->>'reason' = $2`,
		strconv.FormatInt(certID, 10), "Earned under another person's account.")
	if audits != 1 {
		t.Fatalf("%d audit entries for the revocation", audits)
	}
	v := newClient(t, app).get("/verify/" + p.Code)
	if !strings.Contains(v.Body, "Revoked on "+bostonDate(time.Now())+": Earned under another person&#39;s account.") {
		t.Fatalf("verify page after revocation:\n%s", v.Body)
	}
	if r := admin.post(path, url.Values{"reason": {"again"}}); r.Status != http.StatusConflict {
		t.Fatalf("second revoke: status %d, want 409", r.Status)
	}
}

func ptrTime(t time.Time) *time.Time { return &t }

// bostonDate is how pages print a date: in Massachusetts time.
func bostonDate(t time.Time) string {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(err)
	}
	return t.In(loc).Format("Jan 2, 2006")
}

// TestPassingIssuesTheCertificateAndQueuesItsEmail: the learning
// service's completion hook issues the code and queues one email in the
// transaction that records the completion.
func TestPassingIssuesTheCertificateAndQueuesItsEmail(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	org := testfix.Org(t, db, testfix.Unique("Hook school "), "school", "Suffolk", 0)
	userID, email := testfix.User(t, db, org, testfix.UserSpec{Name: "Jean-Baptiste Désir", Roles: []string{"teacher"}})
	c := newClient(t, app)
	c.login(email, testfix.Password)
	c.get("/courses/sample-course")
	c.post("/courses/sample-course/start", nil)
	c.get("/my/courses/sample-course/lessons/1")
	c.get("/my/courses/sample-course/lessons/2")
	r := c.get("/my/courses/sample-course/check")
	m := tokenField.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no final check offered: %d", r.Status)
	}
	if r = c.post("/my/courses/sample-course/check", url.Values{"token": {m[1]}, "q-q1": {"0"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("passing submission: %d", r.Status)
	}
	var cert struct {
		CompletionID int64  `db:"completion_id"`
		Code         string `db:"code"`
	}
	err := db.Get(&cert, `SELECT ce.completion_id, ce.code FROM certificates ce JOIN completions cm ON cm.id = ce.completion_id WHERE cm.user_id = $1`, userID)
	if err != nil {
		t.Fatalf("no certificate issued on completion: %v", err)
	}
	var mails []string
	db.Select(&mails, `SELECT text_body FROM email_outbox WHERE user_id = $1 AND kind = 'certificate.ready'`, userID)
	if len(mails) != 1 || !strings.Contains(mails[0], "/verify/"+certificate.Format(cert.Code)) ||
		!strings.Contains(mails[0], "/my/certificates/"+strconv.FormatInt(cert.CompletionID, 10)+".pdf") {
		t.Fatalf("certificate emails: %q", mails)
	}
	pdf := c.get("/my/certificates/" + strconv.FormatInt(cert.CompletionID, 10) + ".pdf")
	if pdf.Status != 200 || !strings.Contains(pdftest.Text(t, []byte(pdf.Body)), certificate.Format(cert.Code)) {
		t.Fatalf("download after passing: %d", pdf.Status)
	}
}
