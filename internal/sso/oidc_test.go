package sso_test

import (
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"

	"github.com/waymark/waymark/internal/sso"
	"github.com/waymark/waymark/internal/testfix"
)

// op is a real OpenID Provider (mockoidc) on its own listener, issuing
// RS256-signed tokens with its key, published at its JWKS endpoint.
type op struct {
	*mockoidc.MockOIDC
	mu     sync.Mutex
	nonces []string // nonces of the authorization requests, in order
}

func newOP(t testing.TB) *op {
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	o := &op{MockOIDC: m}
	m.AddMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/authorize") {
				o.mu.Lock()
				o.nonces = append(o.nonces, r.URL.Query().Get("nonce"))
				o.mu.Unlock()
			}
			next.ServeHTTP(w, r)
		})
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(ln, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown() })
	return o
}

// tampered is a user whose ID token claims the test changes before the OP
// signs them: still a really signed token, with a claim that is wrong.
type tampered struct {
	*mockoidc.MockUser
	edit func(*mockoidc.IDTokenClaims)
}

func (u tampered) Claims(scope []string, c *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	u.edit(c)
	return u.MockUser.Claims(scope, c)
}

// agency is a provider over op serving the district's lowellpd.test domain.
func (w *waymark) oidcProvider(o *op, edit func(*sso.Input)) int64 {
	in := sso.Input{Name: "Lowell Police (Entra ID) " + testfix.Unique(""), Protocol: sso.OIDC, Issuer: o.Issuer(),
		ClientID: o.ClientID, Secret: o.ClientSecret, Domains: []string{testfix.Unique("lowell") + ".test"},
		RequireEmailVerified: true, JIT: true, RolesClaim: "groups", Scopes: "groups", DefaultOrgCode: w.code(w.school),
		RoleMap: map[string][]string{"Teachers": {"teacher"}}}
	if edit != nil {
		edit(&in)
	}
	return w.provider(in)
}

func (w *waymark) domainOf(id int64) string {
	var d string
	if err := w.db.Get(&d, `SELECT domain FROM sso_domains WHERE provider_id = $1 LIMIT 1`, id); err != nil {
		w.t.Fatal(err)
	}
	return d
}

// A person new to Waymark signs in with email first: the sign-in page
// sends them to the OP, the OP back with a code, and Waymark creates them
// just in time in the default organization with the role their group
// maps to — and assigns their training at once. A second sign-in is
// matched by subject, and the session is new each time.
func TestOIDCSignInEndToEnd(t *testing.T) {
	w := newWaymark(t)
	o := newOP(t)
	id := w.oidcProvider(o, nil)
	email := "jit." + testfix.Unique("") + "@" + w.domainOf(id)
	user := &mockoidc.MockUser{Subject: testfix.Unique("sub-"), Email: email, EmailVerified: true, Groups: []string{"Teachers"}}
	o.QueueUser(user)

	b := newBrowser(t)
	p := b.signInWithEmail(w, email, "")
	if p.Status != 200 || p.URL.Path != "/my" {
		t.Fatalf("sign-in ended on %s (%d), want /my:\n%s\nlog: %s", p.URL, p.Status, p.Body, w.logs)
	}
	uid, org, roles := w.userByEmail(email)
	if org != w.school || strings.Join(roles, ",") != "teacher" {
		t.Fatalf("created in org %d with roles %v; want the default org %d and teacher", org, roles, w.school)
	}
	var assigned int
	w.db.Get(&assigned, `SELECT count(*) FROM assignments WHERE user_id = $1`, uid)
	if assigned == 0 {
		t.Fatal("the person created just in time has no assignment: learning.Reconcile did not run")
	}
	var audited int
	w.db.Get(&audited, `SELECT count(*) FROM audit_log WHERE action = 'user.create' AND entity_id = $1`, id64(uid))
	if audited != 1 {
		t.Fatalf("user.create audited %d times", audited)
	}
	first := sessionCookie(b, w)

	// Sign out, then in again: the subject is linked now.
	p = b.submitTo(b.get(w.base+"/my"), "/logout", url.Values{})
	if p.URL.Path != "/sso/signed-out" || !strings.Contains(p.Body, "signed out") {
		t.Fatalf("sign-out ended on %s:\n%s", p.URL, p.Body)
	}
	o.QueueUser(user)
	p = b.signInWithEmail(w, email, "")
	if p.URL.Path != "/my" {
		t.Fatalf("second sign-in ended on %s", p.URL)
	}
	if second := sessionCookie(b, w); second == "" || second == first {
		t.Fatal("the second sign-in did not get a new session id")
	}
	var users int
	w.db.Get(&users, `SELECT count(*) FROM users WHERE lower(email) = lower($1)`, email)
	if users != 1 {
		t.Fatalf("%d users with the email after two sign-ins", users)
	}
}

func id64(n int64) string { return strconv.FormatInt(n, 10) }

func sessionCookie(b *browser, w *waymark) string {
	u, _ := url.Parse(w.base)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "waymark_session" {
			return c.Value
		}
	}
	return ""
}

var callbackPath = regexp.MustCompile(`^/sso/[0-9]+/callback$`)

// stopAtCallback starts a sign-in and stops before the OP's redirect back,
// returning the callback URL the OP sent.
func stopAtCallback(t *testing.T, w *waymark, b *browser, email string) *url.URL {
	t.Helper()
	b.stopAt = callbackPath
	b.signInWithEmail(w, email, "")
	b.stopAt = nil
	if b.stopped == nil {
		t.Fatal("the OP did not redirect back to the callback")
	}
	u := b.stopped
	b.stopped = nil
	return u
}

// refused asserts that a callback ended on the refusal page, signed in
// nobody, and logged why.
func refused(t *testing.T, w *waymark, b *browser, p page, why string) {
	t.Helper()
	if p.Status != http.StatusForbidden || !strings.Contains(p.Body, "Sign-in did not work") {
		t.Fatalf("%s: got %s %d, want the refusal page:\n%s", why, p.URL, p.Status, p.Body)
	}
	if sessionCookie(b, w) != "" {
		t.Fatalf("%s: a session cookie was set", why)
	}
	last := ""
	for _, l := range strings.Split(w.logs.String(), "\n") {
		if strings.Contains(l, "sign-in refused") {
			last = l
		}
	}
	if !strings.Contains(last, why) {
		t.Fatalf("the last refusal logged does not say %q: %s", why, last)
	}
}

func TestOIDCRefusesBadStateAndTokens(t *testing.T) {
	w := newWaymark(t)
	o := newOP(t)
	id := w.oidcProvider(o, nil)
	domain := w.domainOf(id)
	person := func() *mockoidc.MockUser {
		return &mockoidc.MockUser{Subject: testfix.Unique("sub-"), Email: testfix.Unique("p") + "@" + domain, EmailVerified: true,
			Groups: []string{"Teachers"}}
	}

	t.Run("missing state", func(t *testing.T) {
		b := newBrowser(t)
		o.QueueUser(person())
		cb := stopAtCallback(t, w, b, "x@"+domain)
		q := cb.Query()
		q.Del("state")
		cb.RawQuery = q.Encode()
		refused(t, w, b, b.get(cb.String()), "state missing")
	})
	t.Run("wrong state", func(t *testing.T) {
		b := newBrowser(t)
		o.QueueUser(person())
		cb := stopAtCallback(t, w, b, "x@"+domain)
		q := cb.Query()
		q.Set("state", q.Get("state")+"x")
		cb.RawQuery = q.Encode()
		refused(t, w, b, b.get(cb.String()), "state missing or not this browser's")
	})
	t.Run("state of another browser", func(t *testing.T) {
		victim, attacker := newBrowser(t), newBrowser(t)
		o.QueueUser(person())
		cb := stopAtCallback(t, w, attacker, "x@"+domain)
		victim.get(w.base + "/login")
		refused(t, w, victim, victim.get(cb.String()), "state missing or not this browser's")
	})
	t.Run("callback replayed", func(t *testing.T) {
		b := newBrowser(t)
		o.QueueUser(person())
		cb := stopAtCallback(t, w, b, "x@"+domain)
		if p := b.get(cb.String()); p.URL.Path != "/my" {
			t.Fatalf("first use of the callback ended on %s", p.URL)
		}
		// The same state again, with the flow cookie put back.
		u, _ := url.Parse(w.base)
		b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "waymark_sso_flow", Value: cb.Query().Get("state"), Path: "/"},
			{Name: "waymark_session", Value: "", Path: "/", MaxAge: -1}})
		refused(t, w, b, b.get(cb.String()), "unknown or used state")
	})
	t.Run("replayed nonce", func(t *testing.T) {
		b := newBrowser(t)
		o.QueueUser(person())
		stopAtCallback(t, w, b, "x@"+domain) // a first flow, abandoned: its nonce is known
		o.mu.Lock()
		old := o.nonces[len(o.nonces)-1]
		o.mu.Unlock()
		o.QueueUser(tampered{person(), func(c *mockoidc.IDTokenClaims) { c.Nonce = old }})
		refused(t, w, b, b.signInWithEmail(w, "x@"+domain, ""), "nonce is not this flow's")
	})
	t.Run("wrong audience", func(t *testing.T) {
		b := newBrowser(t)
		o.QueueUser(tampered{person(), func(c *mockoidc.IDTokenClaims) { c.Audience = jwt.ClaimStrings{"another-client"} }})
		refused(t, w, b, b.signInWithEmail(w, "x@"+domain, ""), "expected audience")
	})
	t.Run("expired", func(t *testing.T) {
		b := newBrowser(t)
		o.QueueUser(tampered{person(), func(c *mockoidc.IDTokenClaims) {
			c.IssuedAt = jwt.NewNumericDate(time.Now().Add(-time.Hour))
			c.NotBefore = c.IssuedAt
			c.ExpiresAt = jwt.NewNumericDate(time.Now().Add(-sso.ClockSkew - time.Minute))
		}})
		refused(t, w, b, b.signInWithEmail(w, "x@"+domain, ""), "token is expired")
	})
	t.Run("expired within the clock skew", func(t *testing.T) {
		b := newBrowser(t)
		o.QueueUser(tampered{person(), func(c *mockoidc.IDTokenClaims) {
			c.ExpiresAt = jwt.NewNumericDate(time.Now().Add(-sso.ClockSkew / 2))
		}})
		if p := b.signInWithEmail(w, "x@"+domain, ""); p.URL.Path != "/my" {
			t.Fatalf("a token expired less than the skew ago was refused: %s\n%s", p.URL, w.logs)
		}
	})
	t.Run("not yet valid", func(t *testing.T) {
		b := newBrowser(t)
		o.QueueUser(tampered{person(), func(c *mockoidc.IDTokenClaims) {
			c.NotBefore = jwt.NewNumericDate(time.Now().Add(10 * time.Minute))
			c.IssuedAt = c.NotBefore
		}})
		refused(t, w, b, b.signInWithEmail(w, "x@"+domain, ""), "before the nbf")
	})
	t.Run("issued in the future", func(t *testing.T) {
		b := newBrowser(t)
		o.QueueUser(tampered{person(), func(c *mockoidc.IDTokenClaims) { c.IssuedAt = jwt.NewNumericDate(time.Now().Add(time.Hour)) }})
		refused(t, w, b, b.signInWithEmail(w, "x@"+domain, ""), "issued in the future")
	})
	t.Run("wrong issuer", func(t *testing.T) {
		b := newBrowser(t)
		o.QueueUser(tampered{person(), func(c *mockoidc.IDTokenClaims) { c.Issuer = "https://evil.example" }})
		refused(t, w, b, b.signInWithEmail(w, "x@"+domain, ""), "id token issued by a different provider")
	})
	t.Run("email not verified", func(t *testing.T) {
		b := newBrowser(t)
		u := person()
		u.EmailVerified = false
		o.QueueUser(u)
		refused(t, w, b, b.signInWithEmail(w, "x@"+domain, ""), "email not verified")
	})
}
