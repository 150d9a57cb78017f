package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/testfix"
)

var pendingField = regexp.MustCompile(`name="pending" value="([0-9a-f]{64})"`)

// A clean dry run keeps the checked file: "Import" applies it without a
// second upload, once, and only for the administrator who checked it,
// within people.PendingTTL. With the box ticked, everyone new is invited.
func TestImportAppliesTheCheckedFileWithoutReupload(t *testing.T) {
	clk := &fakeClock{t: time.Now()}
	app := newAppAt(t, clk.now)
	adm := newAdmin(t, newClient(t, app))
	db := adm.db
	school := orgCodeOf(t, db, testfix.Org(t, db, "School", "school", "Hampden", 0))
	tag := testfix.Unique("pend")
	roster := "email,name,organization code,job roles\n" +
		"a." + tag + "@example.org,Ana Souza," + school + ",teacher\n" +
		"b." + tag + "@example.org,Bo Li," + school + ",teacher\n"

	r := adm.c.upload("/admin/import", map[string]string{"mode": "check"}, "roster.csv", []byte(roster))
	m := pendingField.FindStringSubmatch(r.Body)
	if r.Status != http.StatusOK || m == nil {
		t.Fatalf("dry run: %d, pending field found: %v\n%s", r.Status, m != nil, r.Body)
	}
	hash := m[1]
	mustContain(t, "dry run", r.Body, "roster.csv is ready to import", "Import roster.csv", `name="invite" value="yes" checked`)

	// Another administrator cannot apply it.
	other := newClient(t, app)
	newAdmin(t, other)
	if r := other.post("/admin/import", formOf("mode", "apply", "pending", hash, "invite", "yes")); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "no longer waiting") {
		t.Fatalf("another admin applied the file: %d", r.Status)
	}
	if n := countPeople(t, adm, tag); n != 0 {
		t.Fatalf("a refused apply wrote %d people", n)
	}

	// Its admin applies it with no file in the request.
	r = adm.c.post("/admin/import", formOf("mode", "apply", "pending", hash, "invite", "yes"))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("apply by hash: %d\n%s", r.Status, r.Body)
	}
	mustContain(t, "after import", adm.c.get(r.Location).Body, "2 created, 0 updated, 0 unchanged, 2 invitations sent")
	if n := countPeople(t, adm, tag); n != 2 {
		t.Fatalf("people after apply: %d", n)
	}
	for _, who := range []string{"a.", "b."} {
		if kind, _, text := outboxTo(t, db, who+tag+"@example.org"); kind != "invite" || !strings.Contains(text, "/password/set/") {
			t.Errorf("%s: no invitation (%s)", who, kind)
		}
	}
	var left int
	db.Get(&left, `SELECT count(*) FROM pending_imports WHERE encode(sha256, 'hex') = $1`, hash)
	if left != 0 {
		t.Fatal("the applied file is still kept")
	}
	// Applied once: the same hash again is refused.
	if r := adm.c.post("/admin/import", formOf("mode", "apply", "pending", hash)); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("second apply of the same hash: %d", r.Status)
	}

	// A checked file expires.
	late := strings.Replace(roster, "a."+tag, "c."+tag, 1)
	r = adm.c.upload("/admin/import", map[string]string{"mode": "check"}, "late.csv", []byte(late))
	m = pendingField.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("second dry run: %d", r.Status)
	}
	clk.advance(people.PendingTTL + time.Second)
	if r := adm.c.post("/admin/import", formOf("mode", "apply", "pending", m[1])); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("an expired file was applied: %d", r.Status)
	}
	var c int
	db.Get(&c, `SELECT count(*) FROM users WHERE email = $1`, "c."+tag+"@example.org")
	if c != 0 {
		t.Fatal("an expired file wrote a person")
	}
	// Made-up and malformed hashes are refused the same way.
	for _, h := range []string{strings.Repeat("0", 64), "zz", ""} {
		if r := adm.c.post("/admin/import", formOf("mode", "apply", "pending", h)); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("pending %q: %d", h, r.Status)
		}
	}
}

func formOf(kv ...string) map[string][]string {
	f := map[string][]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		f[kv[i]] = []string{kv[i+1]}
	}
	return f
}

func countPeople(t *testing.T, adm adminFixture, tag string) int {
	var n int
	if err := adm.db.Get(&n, `SELECT count(*) FROM users WHERE email LIKE $1`, "%."+tag+"@%"); err != nil {
		t.Fatal(err)
	}
	return n
}

// A mistyped organization code or job role gets the nearest known one.
func TestImportSuggestsTheNearestCode(t *testing.T) {
	app := newApp(t)
	adm := newAdmin(t, newClient(t, app))
	db := adm.db
	code := "SPFLD-CENTRAL-HS-" + strings.ToUpper(testfix.Unique(""))
	if _, err := db.Exec(`UPDATE organizations SET code = $1 WHERE id = $2`, code, testfix.Org(t, db, "Central High", "school", "Hampden", 0)); err != nil {
		t.Fatal(err)
	}
	typo := strings.Replace(code, "CENTRAL", "CENTRL", 1)
	roster := "email,name,organization code,job roles\n" +
		testfix.Unique("s") + "@example.org,Ana Souza," + typo + ",teachr\n" +
		testfix.Unique("s") + "@example.org,Bo Li,NOTHING-LIKE-IT,teacher\n"
	r := adm.c.upload("/admin/import", map[string]string{"mode": "check"}, "typos.csv", []byte(roster))
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("typos: %d", r.Status)
	}
	mustContain(t, "problems", r.Body, fmt.Sprintf("unknown organization code &#34;%s&#34; (did you mean %s?)", typo, code),
		"unknown job role &#34;teachr&#34; (did you mean teacher?)", "unknown organization code &#34;NOTHING-LIKE-IT&#34;</td>")
	if pendingField.MatchString(r.Body) {
		t.Error("a file with problems is offered for import")
	}
}

// The template's header and example row pass a dry run as they are.
func TestImportTemplateParsesBackThroughTheImporter(t *testing.T) {
	app := newApp(t)
	adm := newAdmin(t, newClient(t, app))
	r := adm.c.get("/admin/import/template.csv")
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("template: %d %q %q", r.Status, r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"))
	}
	lines := strings.Split(strings.TrimSpace(r.Body), "\n")
	if len(lines) != 2 || lines[0] != "email,name,organization code,job roles,manager scope" {
		t.Fatalf("template lines:\n%s", r.Body)
	}
	roster, err := people.ReadRoster(bytes.NewReader([]byte(r.Body)), nil)
	if err != nil || len(roster.Problems) > 0 || len(roster.Rows) != 1 || !roster.HasScopes {
		t.Fatalf("the template does not read back: %v %v %+v", err, roster.Problems, roster.Rows)
	}
	check := adm.c.upload("/admin/import", map[string]string{"mode": "check"}, "template.csv", []byte(r.Body))
	if check.Status != http.StatusOK {
		t.Fatalf("the template's dry run: %d\n%s", check.Status, check.Body)
	}
	mustContain(t, "template dry run", check.Body, "template.csv is ready to import", "1 created")
	mustContain(t, "import page", adm.c.get("/admin/import").Body, `href="/admin/import/template.csv"`)
}

// Resending invitations reaches everyone under the organization who has
// not signed in, only them, with a new link each, and is audited.
func TestResendInvitationsToASubtree(t *testing.T) {
	app := newApp(t)
	adm := newAdmin(t, newClient(t, app))
	db := adm.db
	district := testfix.Org(t, db, "District", "school_district", "Hampden", 0)
	school := testfix.Org(t, db, "School", "school", "Hampden", district)
	elsewhere := testfix.Org(t, db, "Elsewhere", "school", "Hampden", 0)
	newcomer, newcomerEmail := testfix.User(t, db, school, testfix.UserSpec{Name: "Never Signed In", Roles: []string{"teacher"}})
	_, signedInEmail := testfix.User(t, db, school, testfix.UserSpec{Name: "Has Signed In", Roles: []string{"teacher"}})
	outside, outsideEmail := testfix.User(t, db, elsewhere, testfix.UserSpec{Name: "Outside", Roles: []string{"teacher"}})
	db.MustExec(`UPDATE users SET password_hash = '' WHERE id = ANY($1)`, "{"+fmt.Sprint(newcomer)+","+fmt.Sprint(outside)+"}")

	adm.c.get(fmt.Sprint("/admin/orgs/", district))
	for round := 1; round <= 2; round++ {
		r := adm.c.post(fmt.Sprint("/admin/orgs/", district, "/invite"), nil)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("resend: %d\n%s", r.Status, r.Body)
		}
		mustContain(t, "org page", adm.c.get(r.Location).Body, "1 invitation was sent.")
		var sent int
		db.Get(&sent, `SELECT count(*) FROM email_outbox WHERE kind = 'invite' AND lower(to_addr) = lower($1)`, newcomerEmail)
		if sent != round {
			t.Fatalf("round %d: %d invitations to the newcomer", round, sent)
		}
	}
	for _, email := range []string{signedInEmail, outsideEmail} {
		var n int
		db.Get(&n, `SELECT count(*) FROM email_outbox WHERE lower(to_addr) = lower($1)`, email)
		if n != 0 {
			t.Errorf("%s got %d emails", email, n)
		}
	}
	var live int
	db.Get(&live, `SELECT count(*) FROM auth_tokens WHERE user_id = $1 AND used_at IS NULL AND expires_at > now()`, newcomer)
	if live != 1 {
		t.Errorf("live invitation links after two resends: %d, want 1", live)
	}
	mustContain(t, "audit", adm.c.get("/admin/audit?org="+orgCodeOf(t, db, district)).Body, "Invitations resent to an organization")
}
