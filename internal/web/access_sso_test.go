package web_test

import (
	"net/url"
	"testing"

	"github.com/waymark/waymark/internal/testfix"
)

// The sso area's rows of the access table (access_test.go): its admin
// pages are for state administrators; its sign-in routes are public (each
// in publicRoutes with why that is safe).
func init() {
	accessRoutes = append(accessRoutes, ssoAccessRoutes()...)
	for route, why := range map[string]string{
		"GET /sso/:id":          "the \"Sign in with …\" page of an active provider: its name and a link",
		"GET /sso/:id/start":    "starts a sign-in at the provider; changes nothing but a one-use flow row",
		"GET /sso/:id/callback": "OIDC redirect back: only a signed ID token for this browser's state signs anyone in",
		"POST /sso/:id/acs":     "SAML response: only a signed, unreplayed assertion answering this browser's request signs anyone in",
		"GET /sso/:id/metadata": "the SP's public metadata: entity id, ACS URL and certificate",
		"GET /sso/signed-out":   "after sign-out: the caller's own provider's sign-out link",
	} {
		publicRoutes[route] = why
	}
}

func ssoAccessRoutes() []accessRoute {
	var providerID int64 // set by setup for the row being walked
	setup := func(t *testing.T, f *accessFixture) {
		err := f.DB.Get(&providerID, `INSERT INTO sso_providers (name, protocol, issuer, client_id, root_org_id)
			VALUES ($1, 'oidc', 'https://idp.example.org', 'client', $2) RETURNING id`, "IdP of "+f.SubjectName, f.SubjectOrg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.DB.Exec(`INSERT INTO sso_domains (provider_id, domain) VALUES ($1, $2)`,
			providerID, testfix.Unique("d")+".example.org"); err != nil {
			t.Fatal(err)
		}
	}
	marker := func(f *accessFixture) string { return "IdP of " + f.SubjectName }
	return []accessRoute{
		{name: "identity providers", method: "GET", want: adminOnly, setup: setup, marker: marker,
			path: func(*accessFixture) string { return "/admin/sso" }},
		{name: "add identity provider form", method: "GET", want: adminOnly,
			marker: func(*accessFixture) string { return "<h1>Add an identity provider</h1>" },
			path:   func(*accessFixture) string { return "/admin/sso/new" }},
		{name: "identity provider", method: "GET", want: adminOnly, setup: setup, marker: marker,
			path: func(*accessFixture) string { return "/admin/sso/" + id(providerID) }},
		{name: "add identity provider", method: "POST", want: adminOnly,
			path: func(*accessFixture) string { return "/admin/sso" },
			form: func(f *accessFixture) url.Values {
				return url.Values{"name": {testfix.Unique("IdP ")}, "protocol": {"oidc"}, "issuer": {"https://idp.example.org"},
					"client_id": {"c"}, "secret": {"s"}, "root_org": {f.SubjectCode}}
			}},
		{name: "edit identity provider", method: "POST", want: adminOnly, setup: setup,
			path: func(*accessFixture) string { return "/admin/sso/" + id(providerID) },
			form: func(f *accessFixture) url.Values {
				return url.Values{"name": {"IdP of " + f.SubjectName}, "protocol": {"oidc"}, "issuer": {"https://idp.example.org"},
					"client_id": {"c"}, "secret": {"s"}, "root_org": {f.SubjectCode}, "jit": {"yes"}}
			}},
		{name: "approve an email domain", method: "POST", want: adminOnly, setup: setup,
			path: func(*accessFixture) string { return "/admin/sso/" + id(providerID) + "/approve" },
			form: func(f *accessFixture) url.Values {
				var d string
				if err := f.DB.Get(&d, `SELECT domain FROM sso_domains WHERE provider_id = $1`, providerID); err != nil {
					panic(err)
				}
				return url.Values{"domain": {d}}
			}},
	}
}
