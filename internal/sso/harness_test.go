package sso_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"html"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/auth"
	"github.com/waymark/waymark/internal/config"
	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/sso"
	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
	"github.com/waymark/waymark/internal/web"
	"github.com/waymark/waymark/internal/wiring"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// waymark is the whole app as `waymark serve` builds it (internal/wiring),
// on a real listener, over the package database.
type waymark struct {
	t        testing.TB
	db       *sqlx.DB
	base     string       // http://127.0.0.1:port
	svc      *sso.Service // configures providers, as the admin pages do
	logs     *strings.Builder
	state    int64 // the state agency
	district int64 // the provider's subtree
	school   int64 // a school in it
	other    int64 // another district, outside it
	admin    int64
}

// newWaymark starts the app; learning assigns the sample course to
// teachers, so a person created just in time gets it at once.
func newWaymark(t testing.TB) *waymark {
	t.Helper()
	db := testdb.DB(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	key := make([]byte, 32)
	rand.Read(key)
	settings := map[string]string{"DATABASE_URL": testdb.URL(t), "BASE_URL": base, "SSO_SECRET_KEY": base64.StdEncoding.EncodeToString(key)}
	cfg, err := config.Load(func(k string) string { return settings[k] })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st := testfix.Stores(t, db)
	cat := testfix.Sample(t, db, st)
	if _, err := db.Exec(`INSERT INTO requirements (role_code, course_id, due_days)
		SELECT 'teacher', id, 30 FROM courses WHERE slug = 'sample-course' ON CONFLICT DO NOTHING`); err != nil {
		t.Fatal(err)
	}
	logs := &strings.Builder{}
	deps, err := wiring.New(ctx, wiring.Base{Config: cfg, DB: db, Log: slog.New(slog.NewTextHandler(logs, nil)),
		Stores: st, Catalog: cat, Roles: testfix.SampleRoles})
	if err != nil {
		t.Fatal(err)
	}
	app, err := web.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() { app.Shutdown() })
	svc, err := sso.New(db, st, people.New(db, st, people.Options{}), sso.Options{Key: key, BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	w := &waymark{t: t, db: db, base: base, svc: svc, logs: logs}
	w.state = testfix.Org(t, db, "State agency", "state_agency", "", 0)
	w.district = testfix.Org(t, db, "Lowell district", "school_district", "Middlesex", w.state)
	w.school = testfix.Org(t, db, "Lowell High", "school", "Middlesex", w.district)
	w.other = testfix.Org(t, db, "Other district", "school_district", "Suffolk", w.state)
	w.admin, _ = testfix.User(t, db, w.state, testfix.UserSpec{Name: "State Admin", Admin: true})
	return w
}

// code is an organization's code.
func (w *waymark) code(org int64) string {
	var c string
	if err := w.db.Get(&c, `SELECT code FROM organizations WHERE id = $1`, org); err != nil {
		w.t.Fatal(err)
	}
	return c
}

// provider saves a provider and approves its domain.
func (w *waymark) provider(in sso.Input) int64 {
	w.t.Helper()
	ctx := context.Background()
	if in.RootOrgCode == "" {
		in.RootOrgCode = w.code(w.district)
	}
	id, err := w.svc.SaveProvider(ctx, w.admin, 0, in)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, d := range in.Domains {
		if err := w.svc.ApproveDomain(ctx, w.admin, id, d); err != nil {
			w.t.Fatal(err)
		}
	}
	return id
}

// browser is an HTTP client with a cookie jar that follows redirects, as
// a person's browser does. stopAt, when set, stops before a request whose
// path matches and leaves it in stopped.
type browser struct {
	t       testing.TB
	c       *http.Client
	stopAt  *regexp.Regexp
	stopped *url.URL
}

func newBrowser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	b := &browser{t: t}
	b.c = &http.Client{Jar: jar, Timeout: 20 * time.Second, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if b.stopAt != nil && b.stopAt.MatchString(req.URL.Path) {
			b.stopped = req.URL
			return http.ErrUseLastResponse
		}
		if len(via) > 10 {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	return b
}

// page is what the browser ended on.
type page struct {
	URL    *url.URL
	Status int
	Body   string
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return page{URL: resp.Request.URL, Status: resp.StatusCode, Body: string(body)}
}

func (b *browser) get(u string) page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	return b.do(req)
}

func (b *browser) post(u string, form url.Values) page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var (
	formRE  = regexp.MustCompile(`(?s)<form[^>]*method="post"[^>]*action="([^"]*)"[^>]*>(.*?)</form>`)
	inputRE = regexp.MustCompile(`<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"[^>]*>`)
	checkRE = regexp.MustCompile(`type="(checkbox|radio)"`)
)

// submit fills the first post form of p with its hidden values and set,
// and submits it.
func (b *browser) submit(p page, set url.Values) page { b.t.Helper(); return b.submitTo(p, "", set) }

// submitTo is submit for the first post form whose action contains action.
func (b *browser) submitTo(p page, action string, set url.Values) page {
	b.t.Helper()
	var m []string
	for _, f := range formRE.FindAllStringSubmatch(p.Body, -1) {
		if strings.Contains(f[1], action) {
			m = f
			break
		}
	}
	if m == nil {
		b.t.Fatalf("no form to %q on %s (%d):\n%s", action, p.URL, p.Status, p.Body)
	}
	form := url.Values{}
	for _, in := range inputRE.FindAllStringSubmatch(m[2], -1) {
		if box := checkRE.MatchString(in[0]); box && !strings.Contains(in[0], " checked") {
			continue // an unchecked box or radio sends nothing
		}
		form.Set(html.UnescapeString(in[1]), html.UnescapeString(in[2]))
	}
	for k, v := range set {
		form[k] = v
	}
	to, err := p.URL.Parse(html.UnescapeString(m[1]))
	if err != nil {
		b.t.Fatal(err)
	}
	return b.post(to.String(), form)
}

var continueRE = regexp.MustCompile(`<a class="button" href="([^"]*/start[^"]*)">Sign in with ([^<]*)</a>`)

// signInWithEmail uses the sign-in page's email-first form and, when it
// leads to the "Sign in with …" page, follows its link, as a person would.
func (b *browser) signInWithEmail(w *waymark, email, password string) page {
	b.t.Helper()
	p := b.submitTo(b.get(w.base+"/login?next=/my"), "/login", url.Values{"email": {email}, "password": {password}})
	if m := continueRE.FindStringSubmatch(p.Body); m != nil && p.URL.Path != "/login" {
		to, _ := p.URL.Parse(html.UnescapeString(m[1]))
		return b.get(to.String())
	}
	return p
}

// keypair is a key and self-signed certificate for the SAML IdP.
func keypair(t testing.TB, cn string) (*rsa.PrivateKey, *x509.Certificate) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return key, cert
}

// signedIn reports who the app says is signed in, from /my.
func (w *waymark) userByEmail(email string) (id, org int64, roles []string) {
	w.t.Helper()
	err := w.db.QueryRow(`SELECT id, org_id FROM users WHERE lower(email) = lower($1)`, email).Scan(&id, &org)
	if err != nil {
		w.t.Fatalf("no user %s: %v", email, err)
	}
	if err := w.db.Select(&roles, `SELECT role_code FROM user_roles WHERE user_id = $1 ORDER BY 1`, id); err != nil {
		w.t.Fatal(err)
	}
	return id, org, roles
}

func htmlUnescape(s string) string { return html.UnescapeString(s) }

// signedInAs is the person behind the browser's session cookie (0: none).
func (w *waymark) signedInAs(b *browser) int64 {
	w.t.Helper()
	token := sessionCookie(b, w)
	if token == "" {
		return 0
	}
	var id int64
	w.db.Get(&id, `SELECT user_id FROM sessions WHERE token_hash = $1`, auth.HashToken(token))
	return id
}
