package sso_test

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/waymark/waymark/internal/sso"
	"github.com/waymark/waymark/internal/testfix"
)

// A provider that claims a domain it was not approved for gets nobody
// from it: the sign-in page does not route the domain to it, and when it
// vouches for an address there anyway, Waymark neither links the person
// who has that address nor creates one.
func TestUnapprovedDomainIsNotRoutedOrTrusted(t *testing.T) {
	w := newWaymark(t)
	o := newOP(t)
	id := w.oidcProvider(o, nil)
	agency := "agency" + testfix.Unique("") + ".test"
	if _, err := w.svc.SaveProvider(context.Background(), w.admin, id, inputOf(t, w, id, func(in *sso.Input) {
		in.Domains = append(in.Domains, agency) // claimed, never approved
	})); err != nil {
		t.Fatal(err)
	}
	_, email := testfix.User(t, w.db, w.school, testfix.UserSpec{Name: "Agency Person"})
	email = strings.Replace(email, "@example.org", "@"+agency, 1)
	w.db.Exec(`UPDATE users SET email = $1 WHERE id = (SELECT max(id) FROM users)`, email)

	b := newBrowser(t)
	p := b.signInWithEmail(w, email, "")
	if p.URL.Path != "/login" || !strings.Contains(p.Body, "Enter your password") {
		t.Fatalf("an unapproved domain was routed: ended on %s", p.URL)
	}
	if got := b.signInWithEmail(w, email, testfix.Password); got.URL.Path != "/my" {
		t.Fatalf("password sign-in for an unapproved domain ended on %s", got.URL)
	}

	// The provider vouches for the address (the sign-in started from its
	// approved domain's route).
	o.QueueUser(&mockoidc.MockUser{Subject: testfix.Unique("s"), Email: email, EmailVerified: true})
	b = newBrowser(t)
	refused(t, w, b, b.get(w.base+"/sso/"+id64(id)+"/start"), "email domain not approved for this provider")
	var links int
	w.db.Get(&links, `SELECT count(*) FROM sso_links WHERE provider_id = $1`, id)
	if links != 0 {
		t.Fatalf("%d links made for an unapproved domain", links)
	}
}

// inputOf is the stored provider as the admin form would send it back.
func inputOf(t *testing.T, w *waymark, id int64, edit func(*sso.Input)) sso.Input {
	p, err := w.svc.Provider(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	in := sso.Input{Name: p.Name, Protocol: p.Protocol, Issuer: p.Issuer, ClientID: p.ClientID, Scopes: p.Scopes,
		MetadataURL: p.MetadataURL, MetadataXML: p.MetadataXML, IDPInitiated: p.IDPInitiated, RootOrgCode: p.RootOrgCode,
		OrgClaim: p.OrgClaim, RolesClaim: p.RolesClaim, DefaultOrgCode: p.DefaultOrgCode, DefaultRole: p.DefaultRole,
		RequireEmailVerified: p.RequireEmailVerified, JIT: p.JIT, PasswordOff: p.PasswordOff, EndSessionURL: p.EndSessionURL,
		RoleMap: p.RoleMap}
	for _, d := range p.Domains {
		in.Domains = append(in.Domains, d.Domain)
	}
	edit(&in)
	return in
}

// A person created just in time must land in the provider's subtree: an
// organization claim naming another district is refused, and nobody is
// created.
func TestJITOutsideSubtreeRefused(t *testing.T) {
	w := newWaymark(t)
	o := newOP(t)
	id := w.oidcProvider(o, func(in *sso.Input) { in.OrgClaim = "preferred_username" })
	email := "out." + testfix.Unique("") + "@" + w.domainOf(id)
	o.QueueUser(&mockoidc.MockUser{Subject: testfix.Unique("s"), Email: email, EmailVerified: true,
		PreferredUsername: w.code(w.other), Groups: []string{"Teachers"}})
	b := newBrowser(t)
	refused(t, w, b, b.signInWithEmail(w, email, ""), "organization outside the provider's subtree")
	var n int
	w.db.Get(&n, `SELECT count(*) FROM users WHERE lower(email) = lower($1)`, email)
	if n != 0 {
		t.Fatal("a person was created outside the subtree")
	}

	// The same claim naming the school inside the subtree is accepted.
	email2 := "in." + testfix.Unique("") + "@" + w.domainOf(id)
	o.QueueUser(&mockoidc.MockUser{Subject: testfix.Unique("s"), Email: email2, EmailVerified: true,
		PreferredUsername: w.code(w.school), Groups: []string{"Teachers"}})
	if p := newBrowser(t).signInWithEmail(w, email2, ""); p.URL.Path != "/my" {
		t.Fatalf("JIT inside the subtree ended on %s\n%s", p.URL, w.logs)
	}
}

// An existing person is linked by verified email the first time and by
// subject after that; with passwords off for the domain, the password
// form no longer signs them in.
func TestLinkByEmailThenSubjectAndPasswordOff(t *testing.T) {
	w := newWaymark(t)
	o := newOP(t)
	id := w.oidcProvider(o, func(in *sso.Input) { in.JIT = false; in.PasswordOff = true; in.EndSessionURL = o.Issuer() + "/logout" })
	uid, email := testfix.User(t, w.db, w.school, testfix.UserSpec{Name: "Existing Teacher", Roles: []string{"teacher"}})
	email = strings.Replace(email, "@example.org", "@"+w.domainOf(id), 1)
	w.db.Exec(`UPDATE users SET email = $1 WHERE id = $2`, email, uid)

	b := newBrowser(t)
	p := b.signInWithEmail(w, email, testfix.Password)
	if strings.HasPrefix(p.URL.String(), w.base+"/my") {
		t.Fatal("password sign-in worked with passwords off")
	}
	sub := testfix.Unique("s")
	o.QueueUser(&mockoidc.MockUser{Subject: sub, Email: email, EmailVerified: true})
	if p := b.signInWithEmail(w, email, ""); p.URL.Path != "/my" || w.signedInAs(b) != uid {
		t.Fatalf("linking by email ended on %s\n%s", p.URL, w.logs)
	}
	var linked int64
	w.db.Get(&linked, `SELECT user_id FROM sso_links WHERE provider_id = $1 AND subject = $2`, id, sub)
	if linked != uid {
		t.Fatalf("linked to %d, want %d", linked, uid)
	}

	// Sign-out ends the Waymark session and offers the provider's.
	p = b.submitTo(b.get(w.base+"/my"), "/logout", url.Values{})
	if !strings.Contains(p.Body, "Sign out of ") || !strings.Contains(p.Body, o.Issuer()+"/logout?") {
		t.Fatalf("signed-out page does not offer the provider's sign-out:\n%s", p.Body)
	}
	if r := b.get(w.base + "/my"); r.URL.Path != "/login" {
		t.Fatalf("after sign-out /my ended on %s", r.URL)
	}

	// Next time the subject alone finds them, whatever the email says.
	o.QueueUser(&mockoidc.MockUser{Subject: sub, Email: "renamed@" + w.domainOf(id), EmailVerified: true})
	if p := b.signInWithEmail(w, email, ""); p.URL.Path != "/my" || w.signedInAs(b) != uid {
		t.Fatalf("matching by subject ended on %s\n%s", p.URL, w.logs)
	}
}

// State administrators configure a provider through the admin pages: the
// secret is stored sealed, never shown again, never logged, and every
// change and approval is in the audit log.
func TestAdminConfiguresProviderAndSecretStaysSecret(t *testing.T) {
	w := newWaymark(t)
	o := newOP(t)
	_, adminEmail := testfix.User(t, w.db, w.state, testfix.UserSpec{Name: "Second Admin", Admin: true})
	b := newBrowser(t)
	if p := b.signInWithEmail(w, adminEmail, testfix.Password); p.URL.Path != "/my" {
		t.Fatalf("admin sign-in ended on %s", p.URL)
	}
	domain := testfix.Unique("formdomain") + ".test"
	secret := o.ClientSecret
	p := b.submitTo(b.get(w.base+"/admin/sso/new"), "/admin/sso", url.Values{"name": {"Form IdP " + testfix.Unique("")}, "protocol": {"oidc"},
		"issuer": {o.Issuer()}, "client_id": {o.ClientID}, "secret": {secret}, "root_org": {w.code(w.district)},
		"domains": {domain}, "default_org": {w.code(w.school)}, "role_map": {"Teachers = teacher"}, "jit": {"yes"}, "roles_claim": {"groups"}, "scopes": {"groups"},
		"require_email_verified": {"yes"}})
	if p.Status != 200 || !strings.HasPrefix(p.URL.Path, "/admin/sso/") || !strings.Contains(p.Body, "waiting for approval") {
		t.Fatalf("saving the provider ended on %s (%d):\n%s", p.URL, p.Status, p.Body)
	}
	if strings.Contains(p.Body, secret) {
		t.Fatal("the provider page shows the secret")
	}
	if !strings.Contains(p.Body, "/callback") {
		t.Fatal("the provider page does not show the redirect URI")
	}
	if r := newBrowser(t).signInWithEmail(w, "x@"+domain, ""); r.URL.Path != "/login" {
		t.Fatalf("a domain waiting for approval was routed to %s", r.URL)
	}
	p = b.submitTo(p, "/approve", nil)
	if !strings.Contains(p.Body, domain+": approved") {
		t.Fatalf("approval did not show:\n%s", p.Body)
	}
	var sealed []byte
	w.db.Get(&sealed, `SELECT secret_sealed FROM sso_providers WHERE client_id = $1 ORDER BY id DESC LIMIT 1`, o.ClientID)
	if len(sealed) == 0 || bytes.Contains(sealed, []byte(secret)) {
		t.Fatal("the secret is not stored sealed")
	}
	var audit string
	w.db.Get(&audit, `SELECT string_agg(action || ' ' || coalesce(after::text, ''), E'\n') FROM audit_log WHERE action LIKE 'sso.%'`)
	if !strings.Contains(audit, "sso.provider.create") || !strings.Contains(audit, "sso.domain.approve") || strings.Contains(audit, secret) {
		t.Fatalf("audit log: %s", audit)
	}
	if strings.Contains(w.logs.String(), secret) {
		t.Fatal("the secret is in the log")
	}
	// The configured provider signs a new person in, just in time.
	o.QueueUser(&mockoidc.MockUser{Subject: testfix.Unique("s"), Email: "new@" + domain, EmailVerified: true, Groups: []string{"Teachers"}})
	if r := newBrowser(t).signInWithEmail(w, "new@"+domain, ""); r.URL.Path != "/my" {
		t.Fatalf("sign-in with the provider configured by the form ended on %s\n%s\n%s", r.URL, r.Body, w.logs)
	}
}
