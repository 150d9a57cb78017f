package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
)

// baseURL is newApp's BASE_URL (the default).
const baseURL = "http://localhost:3000"

var setLink = regexp.MustCompile(regexp.QuoteMeta(baseURL) + `(/password/set/[A-Za-z0-9_-]{43})`)

// outboxTo returns the newest message queued for an address.
func outboxTo(t *testing.T, db *sqlx.DB, to string) (kind, subject, text string) {
	t.Helper()
	err := db.QueryRow(`SELECT kind, subject, text_body FROM email_outbox WHERE lower(to_addr) = lower($1) ORDER BY id DESC LIMIT 1`, to).
		Scan(&kind, &subject, &text)
	if err != nil {
		t.Fatalf("no email to %s: %v", to, err)
	}
	return kind, subject, text
}

// linkIn returns the site path of the set-password link in an email.
func linkIn(t *testing.T, text string) string {
	t.Helper()
	m := setLink.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no %s/password/set/ link in:\n%s", baseURL, text)
	}
	return m[1]
}

// userID reads the id behind an email.
func userID(t *testing.T, db *sqlx.DB, email string) int64 {
	t.Helper()
	var id int64
	if err := db.Get(&id, `SELECT id FROM users WHERE lower(email) = lower($1)`, email); err != nil {
		t.Fatalf("no user %s: %v", email, err)
	}
	return id
}

func mustContain(t *testing.T, what, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// upload posts a multipart form with one file, like a browser's upload.
func (c *client) upload(path string, fields map[string]string, filename string, content []byte) response {
	c.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("csrf", c.csrf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if filename != "" {
		fw, _ := w.CreateFormFile("file", filename)
		fw.Write(content)
	}
	w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := c.app.Test(req, -1)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, ck := range resp.Cookies() {
		c.cookies[ck.Name] = ck.Value
	}
	return response{Status: resp.StatusCode, Body: string(b), Header: resp.Header, Location: resp.Header.Get("Location")}
}

// adminFixture is a signed-in administrator in a program office.
type adminFixture struct {
	c      *client
	db     *sqlx.DB
	id     int64
	office int64
}

func newAdmin(t *testing.T, c *client) adminFixture {
	db := testdb.DB(t)
	office := testfix.Org(t, db, "Program office", "state_agency", "Suffolk", 0)
	id, email := testfix.User(t, db, office, testfix.UserSpec{Name: "Dana Whitfield", Admin: true, Roles: []string{"teacher"}})
	c.login(email, testfix.Password)
	c.get("/admin")
	return adminFixture{c: c, db: db, id: id, office: office}
}

func orgCodeOf(t *testing.T, db *sqlx.DB, id int64) string {
	var code string
	if err := db.Get(&code, `SELECT code FROM organizations WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	return code
}

func TestAdminAddsInvitesEditsAndDeactivatesAPerson(t *testing.T) {
	app := newApp(t)
	adm := newAdmin(t, newClient(t, app))
	db := adm.db
	school := testfix.Org(t, db, "Springfield Central High School", "school", "Hampden", 0)
	code := orgCodeOf(t, db, school)
	email := testfix.Unique("emily.chen.") + "@example.org"

	r := adm.c.get("/admin/users/new")
	mustContain(t, "new person form", r.Body, "<h1>Add a person</h1>", `name="roles" value="teacher"`, `<label for="org">`)
	r = adm.c.post("/admin/users", url.Values{"name": {""}, "email": {"not-an-email"}, "org": {"NOPE"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", r.Status)
	}
	mustContain(t, "422 page", r.Body, "Please check the form", `id="email-error"`, `aria-describedby="org-hint org-error"`,
		"Choose at least one job role.", `No organization has the code &#34;NOPE&#34;.`)

	r = adm.c.post("/admin/users", url.Values{"name": {"Emily Chen"}, "email": {email}, "org": {strings.ToLower(code)}, "roles": {"teacher"}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/admin/users/") {
		t.Fatalf("create: %d %s\n%s", r.Status, r.Location, r.Body)
	}
	id := userID(t, db, email)
	kind, subject, text := outboxTo(t, db, email)
	if kind != "invite" || subject != "You are invited to Waymark" || !strings.Contains(text, "Springfield Central High School") {
		t.Fatalf("invitation: %s %q\n%s", kind, subject, text)
	}
	page := adm.c.get(r.Location)
	mustContain(t, "person page", page.Body, "an invitation to choose a password is on its way", "invited, has not chosen a password yet",
		"Send a new invitation")

	// The invited person follows the link and is signed in.
	person := newClient(t, app)
	link := linkIn(t, text)
	mustContain(t, "set-password form", person.get(link).Body, "Welcome to Waymark, Emily Chen", `autocomplete="new-password"`)
	r = person.post(link, url.Values{"password": {"a long and private passphrase"}, "confirm": {"a long and private passphrase"}})
	if r.Status != http.StatusSeeOther || r.Location != "/my" {
		t.Fatalf("set password: %d %s", r.Status, r.Location)
	}
	if !strings.Contains(person.get("/courses").Body, "Sign out") {
		t.Fatal("not signed in after choosing a password")
	}

	// The admin adds a role, makes them a facilitator and a manager of the school.
	r = adm.c.post(fmt.Sprint("/admin/users/", id), url.Values{"name": {"Emily Chen-Li"}, "email": {email}, "org": {code},
		"roles": {"teacher", "prevention-facilitator"}, "facilitator": {"yes"}, "scopes": {code}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("update: %d\n%s", r.Status, r.Body)
	}
	list := adm.c.get("/admin/users?q=" + url.QueryEscape("chen-li") + "&org=" + code)
	mustContain(t, "people list", list.Body, "Emily Chen-Li", "Prevention facilitator", "Manager", "Facilitator", "1 person")
	if strings.Contains(adm.c.get("/admin/users?q=chen-li&role=teacher&status=deactivated").Body, "Emily Chen-Li") {
		t.Fatal("the deactivated filter shows an active person")
	}

	// Deactivation signs them out and blocks sign-in; records stay.
	r = adm.c.post(fmt.Sprint("/admin/users/", id, "/deactivate"), nil)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", r.Status)
	}
	if r := person.get("/my"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
		t.Fatalf("a deactivated person's session still works: %d %s", r.Status, r.Location)
	}
	gone := newClient(t, app)
	gone.get("/login")
	if r := gone.post("/login", url.Values{"email": {email}, "password": {"a long and private passphrase"}}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a deactivated person signed in: %d", r.Status)
	}
	var roles int
	db.Get(&roles, `SELECT count(*) FROM user_roles WHERE user_id = $1`, id)
	if roles != 2 {
		t.Fatalf("roles after deactivation: %d", roles)
	}
	if r := adm.c.post(fmt.Sprint("/admin/users/", id, "/reactivate"), nil); r.Status != http.StatusSeeOther {
		t.Fatalf("reactivate: %d", r.Status)
	}
	// An admin cannot deactivate themselves.
	if r := adm.c.post(fmt.Sprint("/admin/users/", adm.id, "/deactivate"), nil); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "cannot deactivate your own account") {
		t.Fatalf("self-deactivation: %d", r.Status)
	}

	// Every change is in the audit log with before and after.
	audit := adm.c.get("/admin/audit?person=" + url.QueryEscape(email))
	mustContain(t, "audit page", audit.Body, "Person added", "Person changed", "Person deactivated", "Person reactivated",
		"Password set by emailed link", "Emily Chen-Li", "Dana Whitfield", "<caption>Changes</caption>")
	if !regexp.MustCompile(`name <span class="tag">changed</span></th><td>Emily Chen</td><td>Emily Chen-Li</td>`).MatchString(audit.Body) {
		t.Error("the audit page does not show the name's before and after")
	}
}

func TestAdminOrganizationTree(t *testing.T) {
	app := newApp(t)
	adm := newAdmin(t, newClient(t, app))
	db := adm.db
	district := strings.ToUpper(testfix.Unique("SPS-"))
	school := strings.ToUpper(testfix.Unique("SPS-CENTRAL-"))
	other := strings.ToUpper(testfix.Unique("WORC-"))

	if r := adm.c.post("/admin/orgs", url.Values{"name": {""}, "code": {"bad code"}, "type": {"castle"}}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad org form: %d", r.Status)
	} else {
		mustContain(t, "422 org form", r.Body, "Enter the organization&#39;s name.", "Use 1 to 32 capital letters", "Choose the kind of organization.")
	}
	for _, o := range []url.Values{
		{"name": {"Springfield Public Schools"}, "code": {district}, "type": {"school_district"}, "county": {"Hampden"}},
		{"name": {"Central High School"}, "code": {strings.ToLower(school)}, "type": {"school"}, "county": {"Hampden"}, "parent": {district}},
		{"name": {"Worcester Public Schools"}, "code": {other}, "type": {"school_district"}, "county": {"Worcester"}},
	} {
		if r := adm.c.post("/admin/orgs", o); r.Status != http.StatusSeeOther {
			t.Fatalf("create %v: %d\n%s", o, r.Status, r.Body)
		}
	}
	if r := adm.c.post("/admin/orgs", url.Values{"name": {"Again"}, "code": {district}, "type": {"other"}}); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "Another organization already uses this code.") {
		t.Fatalf("duplicate code: %d", r.Status)
	}
	list := adm.c.get("/admin/orgs?type=school&county=Hampden&q=central")
	mustContain(t, "filtered list", list.Body, `class="org-depth-1"`, "Central High School", "Springfield Public Schools › Central High School")
	tree := adm.c.get("/admin/orgs?under=" + district)
	if i, j := strings.Index(tree.Body, "Springfield Public Schools</a>"), strings.Index(tree.Body, "Central High School</a>"); i < 0 || j < i {
		t.Fatal("the tree does not list the school under its district")
	}

	// Move the school to the other district.
	schoolID := orgIDByCode(t, db, school)
	r := adm.c.post(fmt.Sprint("/admin/orgs/", schoolID), url.Values{"name": {"Central High School"}, "code": {school}, "type": {"school"},
		"county": {"Hampden"}, "parent": {other}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("move: %d\n%s", r.Status, r.Body)
	}
	if in, _ := store.NewOrgs(db).InSubtree(context.Background(), schoolID, []int64{orgIDByCode(t, db, other)}); !in {
		t.Fatal("the school did not move")
	}
	// A district with a school under it cannot be deactivated; an empty one can.
	if r := adm.c.post(fmt.Sprint("/admin/orgs/", orgIDByCode(t, db, other), "/deactivate"), nil); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "Move or deactivate them first") {
		t.Fatalf("deactivating a district with a school: %d", r.Status)
	}
	if r := adm.c.post(fmt.Sprint("/admin/orgs/", orgIDByCode(t, db, district), "/deactivate"), nil); r.Status != http.StatusSeeOther {
		t.Fatalf("deactivating an empty district: %d", r.Status)
	}
	if strings.Contains(adm.c.get("/admin/orgs?q="+district).Body, "Springfield Public Schools</a>") {
		t.Fatal("the active list shows a deactivated organization")
	}
	mustContain(t, "deactivated list", adm.c.get("/admin/orgs?status=deactivated&q="+district).Body, "Springfield Public Schools</a>")
	audit := adm.c.get("/admin/audit?org=" + other)
	mustContain(t, "audit by organization", audit.Body, "Organization added", "Organization changed", "Worcester Public Schools")
}

func orgIDByCode(t *testing.T, db *sqlx.DB, code string) int64 {
	var id int64
	if err := db.Get(&id, `SELECT id FROM organizations WHERE code = $1`, code); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestRosterUploadDryRunThenApply(t *testing.T) {
	app := newApp(t)
	adm := newAdmin(t, newClient(t, app))
	db := adm.db
	school := orgCodeOf(t, db, testfix.Org(t, db, "School", "school", "Hampden", 0))
	tag := testfix.Unique("up")
	good := "\ufeffemail,name,organization code,job roles\n" +
		"a." + tag + "@example.org,\"Souza, Ana\"," + school + ",teacher\n" +
		"b." + tag + "@example.org,Bo Li," + school + ",teacher;prevention-facilitator\n"
	bad := good + "c." + tag + "@example.org,Cy," + school + ",astronaut\nnot-an-email,Dee," + school + ",teacher\n"

	adm.c.get("/admin/import")
	r := adm.c.upload("/admin/import", map[string]string{"mode": "apply"}, "roster.csv", []byte(bad))
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad roster: %d", r.Status)
	}
	mustContain(t, "problem list", r.Body, "2 problems in roster.csv: nothing was imported", `<td class="num">4</td><td>unknown job role &#34;astronaut&#34;`,
		`<td class="num">5</td><td>&#34;not-an-email&#34; is not an email address</td>`)
	var n int
	db.Get(&n, `SELECT count(*) FROM users WHERE email LIKE $1`, "%."+tag+"@%")
	if n != 0 {
		t.Fatalf("a roster with problems wrote %d people", n)
	}
	r = adm.c.upload("/admin/import", map[string]string{"mode": "check"}, "roster.csv", []byte(good))
	if r.Status != http.StatusOK {
		t.Fatalf("dry run: %d", r.Status)
	}
	mustContain(t, "dry run", r.Body, "roster.csv is ready to import", "2 created, 0 updated, 0 unchanged", "Nothing has been changed yet")
	r = adm.c.upload("/admin/import", map[string]string{"mode": "apply"}, "roster.csv", []byte(good))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("apply: %d\n%s", r.Status, r.Body)
	}
	mustContain(t, "after import", adm.c.get(r.Location).Body, "2 created, 0 updated, 0 unchanged", "Souza, Ana")
	r = adm.c.upload("/admin/import", map[string]string{"mode": "apply"}, "roster.csv", []byte(good))
	mustContain(t, "second import", adm.c.get(r.Location).Body, "0 created, 0 updated, 2 unchanged")
	if r := adm.c.upload("/admin/import", map[string]string{"mode": "check"}, "", nil); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("no file: %d", r.Status)
	}
	mustContain(t, "audit", adm.c.get("/admin/audit?person="+url.QueryEscape("a."+tag+"@example.org")).Body, "Person added by roster import")
}

func TestPasswordResetNeverRevealsAccountsAndSignsIn(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	org := testfix.Org(t, db, "Org", "other", "Suffolk", 0)
	_, email := testfix.User(t, db, org, testfix.UserSpec{Name: "Kevin Sullivan", Roles: []string{"teacher"}})
	elsewhere := newClient(t, app)
	elsewhere.login(email, testfix.Password)

	c := newClient(t, app)
	mustContain(t, "login page", c.get("/login").Body, `href="/password/forgot"`)
	c.get("/password/forgot")
	if r := c.post("/password/forgot", url.Values{"email": {""}}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("empty email: %d", r.Status)
	}
	unknown := c.post("/password/forgot", url.Values{"email": {testfix.Unique("nobody") + "@example.org"}})
	known := c.post("/password/forgot", url.Values{"email": {strings.ToUpper(email)}})
	if unknown.Status != 200 || known.Status != 200 || stripCSRF(unknown.Body) != stripCSRF(known.Body) {
		t.Fatal("the answer differs between an unknown and a known address")
	}
	kind, subject, text := outboxTo(t, db, email)
	if kind != "reset" || subject != "Reset your Waymark password" {
		t.Fatalf("reset email: %s %q", kind, subject)
	}
	link := linkIn(t, text)
	form := c.get(link)
	mustContain(t, "reset form", form.Body, "Choose a new password")
	if form.Header.Get("Cache-Control") != "no-store" || form.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("link page headers: %v", form.Header)
	}
	if r := c.post(link, url.Values{"password": {"short"}, "confirm": {"short"}}); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "Use at least 12 characters") {
		t.Fatalf("short password: %d", r.Status)
	}
	r := c.post(link, url.Values{"password": {"another long passphrase"}, "confirm": {"another long passphrase"}})
	if r.Status != http.StatusSeeOther || r.Location != "/my" {
		t.Fatalf("reset: %d %s", r.Status, r.Location)
	}
	if !strings.Contains(c.get("/courses").Body, "Sign out") {
		t.Fatal("not signed in after the reset")
	}
	if strings.Contains(elsewhere.get("/courses").Body, "Sign out") {
		t.Fatal("the session elsewhere survived the reset")
	}
	again := newClient(t, app)
	if r := again.get(link); r.Status != http.StatusNotFound || !strings.Contains(r.Body, "This link no longer works") {
		t.Fatalf("used link: %d", r.Status)
	}
	again.get("/login")
	if r := again.post(link, url.Values{"password": {"a third passphrase here"}, "confirm": {"a third passphrase here"}}); r.Status != http.StatusNotFound {
		t.Fatalf("second use of the link: %d", r.Status)
	}
	again.login(email, "another long passphrase")
}

var csrfValue = regexp.MustCompile(`name="csrf" value="[^"]*"`)

func stripCSRF(s string) string { return csrfValue.ReplaceAllString(s, "") }

// fakeClock is a clock the test moves.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeClock) now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.t }
func (f *fakeClock) advance(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	f.mu.Unlock()
}

func TestInvitationLinkExpiresAfter72Hours(t *testing.T) {
	clk := &fakeClock{t: time.Now()}
	app := newAppAt(t, clk.now)
	adm := newAdmin(t, newClient(t, app))
	code := orgCodeOf(t, adm.db, adm.office)
	var links []string
	for i := 0; i < 2; i++ {
		email := testfix.Unique("late") + "@example.org"
		if r := adm.c.post("/admin/users", url.Values{"name": {"Late Person"}, "email": {email}, "org": {code}, "roles": {"teacher"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("create: %d", r.Status)
		}
		_, _, text := outboxTo(t, adm.db, email)
		links = append(links, linkIn(t, text))
	}
	clk.advance(71 * time.Hour)
	c := newClient(t, app)
	if r := c.get(links[0]); r.Status != http.StatusOK {
		t.Fatalf("link at 71 hours: %d", r.Status)
	}
	if r := c.post(links[0], url.Values{"password": {"chosen in time, 71h"}, "confirm": {"chosen in time, 71h"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("use at 71 hours: %d", r.Status)
	}
	clk.advance(time.Hour + time.Second)
	late := newClient(t, app)
	if r := late.get(links[1]); r.Status != http.StatusNotFound || !strings.Contains(r.Body, "72 hours") {
		t.Fatalf("link after 72 hours: %d", r.Status)
	}
}

func TestAdminHomeLinksEveryAdminArea(t *testing.T) {
	app := newApp(t)
	adm := newAdmin(t, newClient(t, app))
	r := adm.c.get("/admin")
	if r.Status != http.StatusOK {
		t.Fatalf("admin home: %d", r.Status)
	}
	mustContain(t, "admin home", r.Body, "<h1>Administration</h1>", `href="/admin/users"`, `href="/admin/orgs"`, `href="/admin/import"`,
		`href="/admin/audit"`)
	for _, rt := range app.GetRoutes(true) {
		p := strings.TrimSuffix(rt.Path, "/")
		if rt.Method == http.MethodGet && strings.HasPrefix(p, "/admin/") && strings.Count(p, "/") == 2 && !strings.Contains(p, ":") {
			if !strings.Contains(r.Body, `href="`+p+`"`) {
				t.Errorf("the admin home does not link %s", p)
			}
		}
	}
	// Every card says what its section is: a title (not its path) and a
	// description.
	cards := regexp.MustCompile(`<h2><a href="(/admin/[^"]+)">([^<]+)</a></h2>\s*(<p>)?`).FindAllStringSubmatch(r.Body, -1)
	if len(cards) < 9 {
		t.Errorf("%d cards on the admin home", len(cards))
	}
	for _, m := range cards {
		if m[2] == strings.TrimPrefix(m[1], "/admin/") || m[3] == "" {
			t.Errorf("the card for %s has no title or no description: %q", m[1], m[0])
		}
	}
}

func TestAuditFiltersByDateAndPages(t *testing.T) {
	app := newApp(t)
	adm := newAdmin(t, newClient(t, app))
	db := adm.db
	subject, _ := testfix.User(t, db, adm.office, testfix.UserSpec{Name: "Paged Person"})
	ctx := context.Background()
	for i := 0; i < 55; i++ {
		if err := store.Audit(ctx, db, store.AuditEntry{ActorID: &adm.id, Action: "user.update", Entity: "user", EntityID: strconv.FormatInt(subject, 10),
			OrgID: &adm.office, Before: map[string]any{"name": fmt.Sprint("n", i)}, After: map[string]any{"name": fmt.Sprint("n", i+1)}}); err != nil {
			t.Fatal(err)
		}
	}
	first := adm.c.get(fmt.Sprint("/admin/audit?person=", subject))
	if got := strings.Count(first.Body, "Person changed</a>"); got != 50 {
		t.Fatalf("first page shows %d entries", got)
	}
	next := regexp.MustCompile(`href="(/admin/audit\?[^"]*before=[^"]*)" rel="next"`).FindStringSubmatch(first.Body)
	if next == nil {
		t.Fatal("no link to older entries")
	}
	older := adm.c.get(strings.ReplaceAll(next[1], "&amp;", "&"))
	if got := strings.Count(older.Body, "Person changed</a>"); got != 5 {
		t.Fatalf("second page shows %d entries", got)
	}
	et, _ := time.LoadLocation("America/New_York")
	today := time.Now().In(et).Format("2006-01-02")
	tomorrow := time.Now().In(et).AddDate(0, 0, 1).Format("2006-01-02")
	if r := adm.c.get(fmt.Sprint("/admin/audit?person=", subject, "&from=", tomorrow)); strings.Contains(r.Body, "Person changed</a>") {
		t.Fatal("a future start date shows entries")
	}
	if r := adm.c.get(fmt.Sprint("/admin/audit?person=", subject, "&to=", tomorrow, "&from=", today)); !strings.Contains(r.Body, "Person changed</a>") {
		t.Fatal("today's entries are missing")
	}
	if r := adm.c.get("/admin/audit?from=yesterday"); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad date: %d", r.Status)
	}
}

// Admin changes to a person's job roles reach their assignments in the
// same transaction (the people service's hook is the learning service).
func TestRoleChangesFollowThroughToAssignments(t *testing.T) {
	app := newApp(t)
	adm := newAdmin(t, newClient(t, app))
	db := adm.db
	var courseID int64
	if err := db.Get(&courseID, `SELECT id FROM courses WHERE slug = 'sample-course'`); err != nil {
		t.Fatal(err)
	}
	db.Exec(`INSERT INTO requirements (role_code, course_id, due_days) VALUES ('teacher', $1, 30) ON CONFLICT DO NOTHING`, courseID)
	code := orgCodeOf(t, db, adm.office)
	email := testfix.Unique("assigned") + "@example.org"
	if r := adm.c.post("/admin/users", url.Values{"name": {"Assigned Person"}, "email": {email}, "org": {code}, "roles": {"teacher"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("create: %d", r.Status)
	}
	id := userID(t, db, email)
	status := func() string {
		var s string
		db.Get(&s, `SELECT COALESCE(string_agg(status, ','), 'none') FROM assignments WHERE user_id = $1 AND course_id = $2`, id, courseID)
		return s
	}
	if got := status(); got != "open" {
		t.Fatalf("assignment after adding a teacher: %s", got)
	}
	if r := adm.c.post(fmt.Sprint("/admin/users/", id), url.Values{"name": {"Assigned Person"}, "email": {email}, "org": {code},
		"roles": {"prevention-facilitator"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("update: %d", r.Status)
	}
	if got := status(); got != "withdrawn" {
		t.Fatalf("assignment after removing the role: %s", got)
	}
}
