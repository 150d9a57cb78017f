package e2e_test

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/sso"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testfix"
)

// testSSOSignIn signs a new patrol officer in with their agency's OpenID
// Provider (a real one, mockoidc, on its own port) in Chromium: email
// first on the sign-in page, straight to the provider and back, created
// just in time with the provider's default role and their training.
func testSSOSignIn(t *testing.T, e *env) {
	ctx := context.Background()
	o, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Start(ln, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { o.Shutdown() })

	root := testfix.Org(t, e.db, testfix.Unique("Lowell Police "), "police_department", "Middlesex", 0)
	var code string
	e.db.Get(&code, `SELECT code FROM organizations WHERE id = $1`, root)
	admin, _ := testfix.User(t, e.db, root, testfix.UserSpec{Name: "SSO Admin", Admin: true})
	st, err := store.New(e.db)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := sso.New(e.db, st, people.New(e.db, st, people.Options{}), sso.Options{Key: e.ssoKey, BaseURL: e.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	domain := testfix.Unique("lowellpd") + ".test"
	id, err := svc.SaveProvider(ctx, admin, 0, sso.Input{Name: "Lowell Police (Entra ID)", Protocol: sso.OIDC, Issuer: o.Issuer(),
		ClientID: o.ClientID, Secret: o.ClientSecret, RootOrgCode: code, DefaultOrgCode: code, DefaultRole: "patrol-officer",
		Domains: []string{domain}, JIT: true, RequireEmailVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.ApproveDomain(ctx, admin, id, domain); err != nil {
		t.Fatal(err)
	}
	email := "officer@" + domain
	o.QueueUser(&mockoidc.MockUser{Subject: testfix.Unique("sub-"), Email: email, EmailVerified: true})

	p := e.newTab(t)
	p.open("/login")
	p.fill("#email", email)
	p.submit(`main form button[type=submit]`)
	if got := p.text("main a.button"); got != "Sign in with Lowell Police (Entra ID)" {
		t.Fatalf("the sign-in page for the agency's email offers %q", got)
	}
	p.submit("main a.button")
	if p.path() != "/my" {
		t.Fatalf("the agency sign-in ended on %s", p.location())
	}
	if !strings.Contains(p.mainText(), "My training") {
		t.Errorf("/my after the agency sign-in: %q", p.mainText())
	}
	var assigned int
	e.db.Get(&assigned, `SELECT count(*) FROM assignments a JOIN users u ON u.id = a.user_id WHERE u.email = $1`, email)
	if assigned == 0 {
		t.Error("the officer created at sign-in has no training assigned")
	}
	p.screenshot("signed in with the agency's identity provider")
}
