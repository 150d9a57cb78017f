package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
)

func TestSignInAndOut(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	org := testfix.Org(t, db, "Springfield Public Schools", "school_district", "Hampden", 0)
	_, email := testfix.User(t, db, org, testfix.UserSpec{Name: "Ana Souza", Roles: []string{"teacher"}})

	c := newClient(t, app)
	c.get("/login")
	r := c.post("/login", url.Values{"email": {strings.ToUpper(email)}, "password": {testfix.Password}, "next": {"/courses"}})
	if r.Status != 303 || r.Location != "/courses" {
		t.Fatalf("sign-in: %d → %q", r.Status, r.Location)
	}
	if ck := r.Header.Get("Set-Cookie"); !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") {
		t.Fatalf("session cookie flags: %s", ck)
	}
	if page := c.get("/courses"); !strings.Contains(page.Body, "Sign out") {
		t.Fatal("signed-in page does not offer sign-out")
	}
	if r := c.post("/logout", nil); r.Status != 303 {
		t.Fatalf("sign-out: %d", r.Status)
	}
	if page := c.get("/courses"); strings.Contains(page.Body, "Sign out") {
		t.Fatal("still signed in after sign-out")
	}
}

func TestSessionIDIsNewAtEachSignIn(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	org := testfix.Org(t, db, "Org", "other", "Suffolk", 0)
	_, email := testfix.User(t, db, org, testfix.UserSpec{})
	c := newClient(t, app)
	c.login(email, testfix.Password)
	first := c.cookies["waymark_session"]
	c2 := newClient(t, app)
	c2.cookies["waymark_session"] = "planted-by-an-attacker"
	c2.login(email, testfix.Password)
	if c2.cookies["waymark_session"] == "planted-by-an-attacker" || c2.cookies["waymark_session"] == first {
		t.Fatal("sign-in kept a session id it did not create")
	}
}

func TestWrongPasswordAndUnknownEmailLookTheSame(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	org := testfix.Org(t, db, "Org", "other", "Suffolk", 0)
	_, email := testfix.User(t, db, org, testfix.UserSpec{})
	c := newClient(t, app)
	c.get("/login")
	wrong := c.post("/login", url.Values{"email": {email}, "password": {"not the password"}})
	c.get("/login")
	unknown := c.post("/login", url.Values{"email": {testfix.Unique("nobody") + "@example.org"}, "password": {"not the password"}})
	if wrong.Status != 422 || unknown.Status != 422 {
		t.Fatalf("statuses %d, %d; want 422", wrong.Status, unknown.Status)
	}
	msg := "The email or password is not right"
	if !strings.Contains(wrong.Body, msg) || !strings.Contains(unknown.Body, msg) {
		t.Fatal("the two failures do not give the same message")
	}
	if strings.Contains(wrong.Body, testfix.Password) {
		t.Fatal("page echoes a password")
	}
}

func TestSignInIsThrottledPerAccount(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	org := testfix.Org(t, db, "Org", "other", "Suffolk", 0)
	_, email := testfix.User(t, db, org, testfix.UserSpec{})
	c := newClient(t, app)
	for i := 0; i < 5; i++ {
		c.get("/login")
		if r := c.post("/login", url.Values{"email": {email}, "password": {"guess"}}); r.Status != 422 {
			t.Fatalf("attempt %d: %d", i+1, r.Status)
		}
	}
	c.get("/login")
	r := c.post("/login", url.Values{"email": {email}, "password": {testfix.Password}})
	if r.Status != 429 || !strings.Contains(r.Body, "Too many sign-in attempts") {
		t.Fatalf("sixth attempt with the right password: %d", r.Status)
	}
}

func TestStateChangesNeedCSRFToken(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	org := testfix.Org(t, db, "Org", "other", "Suffolk", 0)
	_, email := testfix.User(t, db, org, testfix.UserSpec{})
	c := newClient(t, app)
	c.get("/login")
	if r := c.post("/login", url.Values{"email": {email}, "password": {testfix.Password}, "csrf": {"forged"}}); r.Status != 403 {
		t.Fatalf("sign-in with a forged token: %d", r.Status)
	}
	c.login(email, testfix.Password)
	if r := c.do("POST", "/logout", url.Values{}); r.Status != 403 {
		t.Fatalf("sign-out without a token: %d", r.Status)
	}
	if r := c.post("/logout", nil); r.Status != 303 {
		t.Fatalf("sign-out with the token: %d", r.Status)
	}
}

// TestSignInFieldErrors leaves both fields empty: the form comes back
// with an error summary linking to each field and each field marked.
func TestSignInFieldErrors(t *testing.T) {
	app := newApp(t)
	c := newClient(t, app)
	c.get("/login")
	r := c.post("/login", url.Values{"email": {""}, "password": {""}})
	if r.Status != 422 {
		t.Fatalf("status %d, want 422", r.Status)
	}
	for _, want := range []string{`<div class="error-summary" role="alert">`, `<a href="#email">Enter your email address.</a>`,
		`<a href="#password">Enter your password.</a>`, `aria-describedby="email-hint email-error"`, `aria-describedby="password-error"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}
