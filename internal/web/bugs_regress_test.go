package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
)

// jarBrowser keeps cookies the way a browser does, by domain and path
// (net/http/cookiejar), where client keeps one value per name.
type jarBrowser struct {
	t    *testing.T
	app  *fiber.App
	jar  *cookiejar.Jar
	csrf string
}

func newJarBrowser(t *testing.T, app *fiber.App) *jarBrowser {
	jar, _ := cookiejar.New(nil)
	return &jarBrowser{t: t, app: app, jar: jar}
}

func (b *jarBrowser) do(method, path string, form url.Values) (int, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		if form.Get("csrf") == "" {
			form.Set("csrf", b.csrf)
		}
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, baseURL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, ck := range b.jar.Cookies(req.URL) {
		req.AddCookie(ck)
	}
	resp, err := b.app.Test(req, -1)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	b.jar.SetCookies(req.URL, resp.Cookies())
	page, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindStringSubmatch(string(page)); m != nil {
		b.csrf = m[1]
	}
	return resp.StatusCode, string(page)
}

// The status message is shown once, on the page after the change, and
// then never again — also when that page is under a deeper path (a
// cookie cleared without Path=/ only hid it on that directory).
func TestFlashClearsOnPagesUnderANonRootPath(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	office := testfix.Org(t, db, "Program office", "state_agency", "Suffolk", 0)
	_, email := testfix.User(t, db, office, testfix.UserSpec{Name: "Dana Whitfield", Admin: true, Roles: []string{"teacher"}})
	b := newJarBrowser(t, app)
	b.do(http.MethodGet, "/login", nil)
	if st, _ := b.do(http.MethodPost, "/login", url.Values{"email": {email}, "password": {testfix.Password}}); st != http.StatusSeeOther {
		t.Fatalf("login: %d", st)
	}
	b.do(http.MethodGet, "/admin/orgs/new", nil)
	code := strings.ToUpper(testfix.Unique("FL"))
	st, _ := b.do(http.MethodPost, "/admin/orgs", url.Values{"code": {code}, "name": {"Flash Test District"}, "type": {"school_district"}, "county": {"Hampden"}})
	if st != http.StatusSeeOther {
		t.Fatalf("create organization: %d", st)
	}
	const msg = "The organization was added."
	if _, page := b.do(http.MethodGet, "/admin/orgs/"+orgIDString(t, code), nil); !strings.Contains(page, msg) {
		t.Fatal("the page after the change does not show the status message")
	}
	for _, path := range []string{"/admin/orgs", "/admin/users", "/my"} {
		if _, page := b.do(http.MethodGet, path, nil); strings.Contains(page, msg) {
			t.Errorf("%s shows the status message again", path)
		}
	}
}

func orgIDString(t *testing.T, code string) string {
	var id string
	if err := testdb.DB(t).Get(&id, `SELECT id::text FROM organizations WHERE code = $1`, code); err != nil {
		t.Fatal(err)
	}
	return id
}

// Browsers ask for /favicon.ico on every page load, whatever the page says.
func TestFaviconIsServedAndLinked(t *testing.T) {
	app := newApp(t)
	st, body, h := get(t, app, "/favicon.ico")
	if st != http.StatusOK || !strings.HasPrefix(body, "\x00\x00\x01\x00") || !strings.Contains(h.Get("Content-Type"), "icon") {
		t.Fatalf("/favicon.ico: %d %q %q", st, h.Get("Content-Type"), body[:min(len(body), 8)])
	}
	_, home, _ := get(t, app, "/")
	if !regexp.MustCompile(`<link rel="icon" href="/favicon.ico"`).MatchString(home) {
		t.Error("the layout does not link the icon")
	}
}

// Every response to a signed-in person may hold personal data: none is
// kept by the browser or a proxy.
func TestSignedInResponsesAreNotStored(t *testing.T) {
	app := newApp(t)
	c := newClient(t, app)
	adm := newAdmin(t, c)
	paths := []string{"/my", "/admin", "/admin/users", fmt.Sprint("/admin/users/", adm.id), "/admin/import", "/admin/audit",
		"/manage", "/courses", "/"}
	for _, p := range paths {
		r := c.get(p)
		if got := r.Header.Get("Cache-Control"); !strings.Contains(got, "no-store") {
			t.Errorf("%s (%d) for a signed-in person: Cache-Control %q, want no-store", p, r.Status, got)
		}
	}
	// Anonymous public pages may be kept.
	if _, _, h := get(t, app, "/courses"); strings.Contains(h.Get("Cache-Control"), "no-store") {
		t.Errorf("the public catalog is no-store for anonymous visitors")
	}
}

var (
	labelFor   = regexp.MustCompile(`<label for="([a-z_]+)">`)
	describeBy = regexp.MustCompile(`(?s)<(?:input|textarea|select)[^>]*\bid="([a-z_]+)"[^>]*>`)
)

// formOn cuts the first form with a given action fragment out of a page.
func formOn(t *testing.T, page, action string) string {
	t.Helper()
	i := strings.Index(page, `action="`+action)
	if i < 0 {
		t.Fatalf("no form posting to %s", action)
	}
	j := strings.Index(page[i:], "</form>")
	return page[i : i+j]
}

// Every field of the session-log form has its hint on its own line
// between the label and the field, tied to the field with
// aria-describedby (and the field's error too, when there is one).
func TestSessionLogHintsAreTiedToTheirFields(t *testing.T) {
	app := newApp(t)
	f := newPrevFixture(t)
	c := newClient(t, app)
	c.login(f.prepared, testfix.Password)
	class := f.createClass(t, c, "Grade 6 health", "20")
	bad := logForm("99")
	bad.Set("minutes", "0")
	r := c.post(class+"/sessions/1/log", bad)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid log: %d", r.Status)
	}
	for name, page := range map[string]string{"log form": c.get(class + "/sessions/1/log").Body, "log form with errors": r.Body} {
		form := formOn(t, page, "/prevention/classes/")
		fields := labelFor.FindAllStringSubmatchIndex(form, -1)
		if len(fields) < 5 {
			t.Fatalf("%s: %d labelled fields", name, len(fields))
		}
		controls := map[string]string{}
		for _, m := range describeBy.FindAllStringSubmatch(form, -1) {
			controls[m[1]] = m[0]
		}
		for _, m := range fields {
			id := form[m[2]:m[3]]
			ctl, ok := controls[id]
			if !ok {
				t.Errorf("%s: label for %q has no field", name, id)
				continue
			}
			hint := `<span class="hint" id="` + id + `-hint">`
			hi, ci := strings.Index(form, hint), strings.Index(form, ctl)
			if hi < m[1] || hi > ci {
				t.Errorf("%s: %s has no hint between its label and its field", name, id)
			}
			if !regexp.MustCompile(`aria-describedby="[^"]*\b` + id + `-hint\b`).MatchString(ctl) {
				t.Errorf("%s: %s is not described by its hint: %s", name, id, ctl)
			}
			if strings.Contains(form, `id="`+id+`-error"`) && !regexp.MustCompile(`aria-describedby="[^"]*\b`+id+`-error\b`).MatchString(ctl) {
				t.Errorf("%s: %s is not described by its error", name, id)
			}
		}
	}
}

// A facilitator whose preparation is not passed sees why they cannot log
// yet, not a "Log session" link that leads nowhere.
func TestClassPageOffersLoggingOnlyWhenEligible(t *testing.T) {
	app := newApp(t)
	f := newPrevFixture(t)
	for _, who := range []struct {
		email    string
		eligible bool
	}{{f.unprepared, false}, {f.prepared, true}} {
		c := newClient(t, app)
		c.login(who.email, testfix.Password)
		class := f.createClass(t, c, "Grade 7 advisory", "20")
		page := c.get(class).Body
		hasLink := strings.Contains(page, class+"/sessions/1/log")
		if hasLink != who.eligible {
			t.Errorf("%s: a log link on the class page: %v, want %v", who.email, hasLink, who.eligible)
		}
		if !who.eligible && !strings.Contains(page, "Logging opens once your preparation course is passed") {
			t.Errorf("the unprepared facilitator is not told why they cannot log")
		}
	}
}
