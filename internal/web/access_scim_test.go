package web_test

import (
	"net/url"
	"testing"

	"github.com/waymark/waymark/internal/auth"
	"github.com/waymark/waymark/internal/testfix"
)

// The SCIM area's rows of the access table: its admin pages are for
// administrators only. The SCIM API itself takes a client's bearer token,
// not a session, so it is listed with scimBearerRoutes below and its
// token scope is tested in internal/scim (a token outside its subtree gets
// 403/404 and writes nothing; a revoked or missing token 401).
func init() {
	accessRoutes = append(accessRoutes, scimAccessRoutes()...)
	for k, v := range scimBearerRoutes {
		publicRoutes[k] = v
	}
}

const scimBearer = "a SCIM bearer-token route: no session; the client's token (hashed in scim_clients) is the credential, " +
	"limited to its organization subtree (internal/scim TestTokenScope, TestSCIMRefusesSessionCookies)"

// scimBearerRoutes are the SCIM API's routes.
var scimBearerRoutes = map[string]string{
	"GET /scim/v2/ServiceProviderConfig": scimBearer, "GET /scim/v2/ResourceTypes": scimBearer, "GET /scim/v2/Schemas": scimBearer,
	"GET /scim/v2/Users": scimBearer, "POST /scim/v2/Users": scimBearer, "GET /scim/v2/Users/:id": scimBearer,
	"PUT /scim/v2/Users/:id": scimBearer, "PATCH /scim/v2/Users/:id": scimBearer, "DELETE /scim/v2/Users/:id": scimBearer,
	"GET /scim/v2/Groups": scimBearer, "POST /scim/v2/Groups": scimBearer, "GET /scim/v2/Groups/:id": scimBearer,
	"PUT /scim/v2/Groups/:id": scimBearer, "PATCH /scim/v2/Groups/:id": scimBearer, "DELETE /scim/v2/Groups/:id": scimBearer,
}

func scimAccessRoutes() []accessRoute {
	var clientID int64 // set by setup for the row being walked
	var clientName string
	client := func(t *testing.T, f *accessFixture) {
		_, hash := auth.NewToken()
		clientName = testfix.Unique("Access client ")
		if err := f.DB.Get(&clientID, `INSERT INTO scim_clients (name, token_hash, root_org_id) VALUES ($1, $2, $3) RETURNING id`,
			clientName, hash, f.District); err != nil {
			t.Fatal(err)
		}
	}
	withMapping := func(t *testing.T, f *accessFixture) {
		client(t, f)
		if _, err := f.DB.Exec(`INSERT INTO scim_group_roles (client_id, display_name, role_code) VALUES ($1, 'Teachers', 'teacher')`, clientID); err != nil {
			t.Fatal(err)
		}
	}
	return []accessRoute{
		{name: "SCIM clients", method: "GET", want: adminOnly, setup: client,
			marker: func(*accessFixture) string { return clientName },
			path:   func(*accessFixture) string { return "/admin/scim" }},
		{name: "create a SCIM client", method: "POST", want: adminOnly,
			path: func(*accessFixture) string { return "/admin/scim/clients" },
			form: func(f *accessFixture) url.Values {
				return url.Values{"name": {testfix.Unique("New client ")}, "org": {f.SubjectCode}}
			}},
		{name: "SCIM client", method: "GET", want: adminOnly, setup: client,
			marker: func(*accessFixture) string { return clientName },
			path:   func(*accessFixture) string { return "/admin/scim/clients/" + id(clientID) }},
		{name: "revoke a SCIM client", method: "POST", want: adminOnly, setup: client,
			path: func(*accessFixture) string { return "/admin/scim/clients/" + id(clientID) + "/revoke" }},
		{name: "map a SCIM group", method: "POST", want: adminOnly, setup: client,
			path: func(*accessFixture) string { return "/admin/scim/clients/" + id(clientID) + "/mappings" },
			form: func(*accessFixture) url.Values { return url.Values{"group": {"Teachers"}, "role": {"teacher"}} }},
		{name: "unmap a SCIM group", method: "POST", want: adminOnly, setup: withMapping,
			path: func(*accessFixture) string { return "/admin/scim/clients/" + id(clientID) + "/mappings/delete" },
			form: func(*accessFixture) url.Values { return url.Values{"group": {"Teachers"}} }},
	}
}
