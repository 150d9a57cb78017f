package web_test

// The access test walks every route that shows or changes a person's data
// as each kind of viewer and checks that forbidden access gets 403 or 404
// (anonymous visitors: a redirect to /login, or 401 on a POST), never the
// data, and changes nothing.
//
// TO ADD YOUR AREA'S ROUTES, append rows to accessRoutes below: one row per
// route, with the outcome expected for each viewer (use one of the preset
// outcome rows such as adminOnly, or spell out the six). Each row gets a
// fresh subject: a person (f.Subject) in a school (f.SubjectOrg) under a
// district (f.District) that managerRight manages; managerOther manages
// another district. Build the path (and form, for POST) from the fixture;
// if your route needs more data about the subject (an assignment, a
// certificate…), add a setup func to the row. By default the subject's
// name and email are the data: an allowed GET must show them, a denied
// request must never show them, and a denied request must not change the
// subject's record. TestEveryRouteHasAnAccessRow (access_routes_test.go)
// fails for a registered route with no row here and no entry in its
// publicRoutes or ownRoutes lists.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
)

// outcome is what a viewer should get from a route.
type outcome int

const (
	deny  outcome = iota // 403/404 (anonymous: redirect to /login or 401); never the data; nothing changes
	allow                // a GET shows the data (200); a POST is accepted (2xx, 303 or 422)
)

// viewer kinds, in the order each row is walked (allowed changes last).
const (
	anon = iota
	learner
	facilitator
	managerOther
	managerRight
	admin
	viewerKinds
)

var viewerNames = [viewerKinds]string{"anonymous", "learner", "facilitator", "manager of another subtree", "manager of the subtree", "admin"}

// Preset outcome rows: anonymous, learner, facilitator, manager of another
// subtree, manager of the subject's subtree, admin.
var (
	adminOnly     = [viewerKinds]outcome{deny, deny, deny, deny, deny, allow}
	managers      = [viewerKinds]outcome{deny, deny, deny, allow, allow, allow}
	managersOfIt  = [viewerKinds]outcome{deny, deny, deny, deny, allow, allow}
	everySignedIn = [viewerKinds]outcome{deny, allow, allow, allow, allow, allow}
)

// accessFixture is the data one row walks.
type accessFixture struct {
	DB           *sqlx.DB
	Root         int64 // the state agency above everything
	District     int64 // managed by managerRight
	OtherDist    int64 // managed by managerOther
	SubjectOrg   int64 // a school in District
	Subject      int64 // a learner in SubjectOrg
	SubjectName  string
	SubjectEmail string
	SubjectCode  string // SubjectOrg's code
}

// accessRoute is one row of the table.
type accessRoute struct {
	name   string
	method string // GET or POST
	path   func(f *accessFixture) string
	form   func(f *accessFixture) url.Values // POST only; the CSRF token is added
	want   [viewerKinds]outcome
	// marker is data that an allowed GET must show and a denied request
	// must never show; nil means the subject's name (and email never).
	marker func(f *accessFixture) string
	setup  func(t *testing.T, f *accessFixture)
}

func id(v int64) string { return fmt.Sprint(v) }

// accessRoutes is the table. Append your area's routes here.
var accessRoutes = []accessRoute{
	// People area: administration.
	{name: "admin home", method: "GET", path: func(f *accessFixture) string { return "/admin" }, want: adminOnly,
		marker: func(*accessFixture) string { return "<h1>Administration</h1>" }},
	{name: "people list", method: "GET", path: func(f *accessFixture) string { return "/admin/users?q=" + url.QueryEscape(f.SubjectEmail) }, want: adminOnly},
	{name: "people list by organization", method: "GET", path: func(f *accessFixture) string { return "/admin/users?org=" + f.SubjectCode }, want: adminOnly},
	{name: "person page", method: "GET", path: func(f *accessFixture) string { return "/admin/users/" + id(f.Subject) }, want: adminOnly},
	{name: "add person form", method: "GET", path: func(f *accessFixture) string { return "/admin/users/new" }, want: adminOnly,
		marker: func(*accessFixture) string { return "<h1>Add a person</h1>" }},
	{name: "add person", method: "POST", path: func(f *accessFixture) string { return "/admin/users" }, want: adminOnly,
		form: func(f *accessFixture) url.Values {
			return url.Values{"name": {"New Person"}, "email": {testfix.Unique("new") + "@example.org"}, "org": {f.SubjectCode}, "roles": {"teacher"}}
		}},
	{name: "edit person", method: "POST", path: func(f *accessFixture) string { return "/admin/users/" + id(f.Subject) }, want: adminOnly,
		form: func(f *accessFixture) url.Values {
			return url.Values{"name": {f.SubjectName}, "email": {f.SubjectEmail}, "org": {f.SubjectCode}, "roles": {"teacher"}, "admin": {"yes"}}
		}},
	{name: "deactivate person", method: "POST", path: func(f *accessFixture) string { return "/admin/users/" + id(f.Subject) + "/deactivate" }, want: adminOnly},
	{name: "reactivate person", method: "POST", path: func(f *accessFixture) string { return "/admin/users/" + id(f.Subject) + "/reactivate" }, want: adminOnly,
		setup: func(t *testing.T, f *accessFixture) {
			if _, err := f.DB.Exec(`UPDATE users SET deactivated_at = now() WHERE id = $1`, f.Subject); err != nil {
				t.Fatal(err)
			}
		}},
	{name: "invite person", method: "POST", path: func(f *accessFixture) string { return "/admin/users/" + id(f.Subject) + "/invite" }, want: adminOnly},
	{name: "organization list", method: "GET", path: func(f *accessFixture) string { return "/admin/orgs?under=" + f.SubjectCode }, want: adminOnly,
		marker: func(f *accessFixture) string { return f.SubjectCode }},
	{name: "organization page", method: "GET", path: func(f *accessFixture) string { return "/admin/orgs/" + id(f.SubjectOrg) }, want: adminOnly,
		marker: func(f *accessFixture) string { return f.SubjectCode }},
	{name: "add organization", method: "POST", path: func(f *accessFixture) string { return "/admin/orgs" }, want: adminOnly,
		form: func(f *accessFixture) url.Values {
			return url.Values{"name": {"New unit"}, "code": {strings.ToUpper(testfix.Unique("NEW-"))}, "type": {"other"}, "parent": {f.SubjectCode}}
		}},
	{name: "edit organization", method: "POST", path: func(f *accessFixture) string { return "/admin/orgs/" + id(f.SubjectOrg) }, want: adminOnly,
		form: func(f *accessFixture) url.Values {
			return url.Values{"name": {"Renamed school"}, "code": {f.SubjectCode}, "type": {"school"}, "county": {"Hampden"}}
		}},
	{name: "deactivate organization", method: "POST", path: func(f *accessFixture) string { return "/admin/orgs/" + id(f.SubjectOrg) + "/deactivate" }, want: adminOnly},
	{name: "reactivate organization", method: "POST", path: func(f *accessFixture) string { return "/admin/orgs/" + id(f.SubjectOrg) + "/reactivate" }, want: adminOnly,
		setup: func(t *testing.T, f *accessFixture) {
			if _, err := f.DB.Exec(`UPDATE organizations SET deactivated_at = now() WHERE id = $1`, f.SubjectOrg); err != nil {
				t.Fatal(err)
			}
		}},
	{name: "add organization form", method: "GET", path: func(f *accessFixture) string { return "/admin/orgs/new" }, want: adminOnly,
		marker: func(*accessFixture) string { return "<h1>Add an organization</h1>" }},
	{name: "import form", method: "GET", path: func(f *accessFixture) string { return "/admin/import" }, want: adminOnly,
		marker: func(*accessFixture) string { return "<h1>Import a roster</h1>" }},
	{name: "import upload", method: "POST", path: func(f *accessFixture) string { return "/admin/import" }, want: adminOnly},
	{name: "import template", method: "GET", path: func(f *accessFixture) string { return "/admin/import/template.csv" }, want: adminOnly,
		marker: func(*accessFixture) string { return "email,name,organization code,job roles,manager scope" }},
	{name: "resend invitations to a subtree", method: "POST", path: func(f *accessFixture) string { return "/admin/orgs/" + id(f.District) + "/invite" },
		want: adminOnly, setup: func(t *testing.T, f *accessFixture) {
			// The subject has not signed in yet: an allowed request invites them (a new link), a denied one must not.
			if _, err := f.DB.Exec(`UPDATE users SET password_hash = '' WHERE id = $1`, f.Subject); err != nil {
				t.Fatal(err)
			}
		}},
	{name: "audit log by person", method: "GET", path: func(f *accessFixture) string { return "/admin/audit?person=" + url.QueryEscape(f.SubjectEmail) },
		want: adminOnly, setup: func(t *testing.T, f *accessFixture) {
			err := store.Audit(context.Background(), f.DB, store.AuditEntry{Action: "user.update", Entity: "user", EntityID: id(f.Subject),
				OrgID: &f.SubjectOrg, Before: map[string]string{"name": "Before"}, After: map[string]string{"name": f.SubjectName}})
			if err != nil {
				t.Fatal(err)
			}
		}},
	{name: "audit log by organization", method: "GET", path: func(f *accessFixture) string { return "/admin/audit?org=" + f.SubjectCode },
		want: adminOnly, marker: func(f *accessFixture) string { return "Organization changed" }, setup: func(t *testing.T, f *accessFixture) {
			err := store.Audit(context.Background(), f.DB, store.AuditEntry{Action: "org.update", Entity: "organization", EntityID: id(f.SubjectOrg),
				OrgID: &f.SubjectOrg, After: map[string]string{"name": f.SubjectName}})
			if err != nil {
				t.Fatal(err)
			}
		}},
}

// accessViewers signs in one person of each kind.
func accessViewers(t *testing.T, db *sqlx.DB, newC func() *client) (root, district, other int64, clients [viewerKinds]*client) {
	root = testfix.Org(t, db, "Program office", "state_agency", "Suffolk", 0)
	district = testfix.Org(t, db, "Springfield Public Schools", "school_district", "Hampden", 0)
	other = testfix.Org(t, db, "Worcester Public Schools", "school_district", "Worcester", 0)
	school := testfix.Org(t, db, "Central High", "school", "Hampden", district)
	specs := [viewerKinds]struct {
		org  int64
		spec testfix.UserSpec
	}{
		learner:      {school, testfix.UserSpec{Name: "Viewer Learner", Roles: []string{"teacher"}}},
		facilitator:  {school, testfix.UserSpec{Name: "Viewer Facilitator", Roles: []string{"teacher"}, Facilitator: true}},
		managerOther: {other, testfix.UserSpec{Name: "Viewer Other Manager", Roles: []string{"teacher"}, Scopes: []int64{other}}},
		managerRight: {district, testfix.UserSpec{Name: "Viewer Right Manager", Roles: []string{"teacher"}, Scopes: []int64{district}}},
		admin:        {root, testfix.UserSpec{Name: "Viewer Admin", Roles: []string{"teacher"}, Admin: true}},
	}
	for k := range clients {
		c := newC()
		if k == anon {
			c.get("/login") // the anonymous CSRF token, so POSTs reach the access checks
		} else {
			_, email := testfix.User(t, db, specs[k].org, specs[k].spec)
			c.login(email, testfix.Password)
			c.get("/courses") // the session's CSRF token
		}
		clients[k] = c
	}
	return root, district, other, clients
}

// snapshot is the subject's record, to show a denied request changed nothing.
func snapshot(t *testing.T, f *accessFixture) string {
	var s string
	err := f.DB.Get(&s, `SELECT concat_ws('|', u.name, u.email, u.org_id, u.is_admin, u.is_facilitator, u.deactivated_at, u.password_hash,
			(SELECT string_agg(role_code, ',' ORDER BY role_code) FROM user_roles WHERE user_id = u.id),
			(SELECT string_agg(org_id::text, ',' ORDER BY org_id) FROM manager_scopes WHERE user_id = u.id),
			o.name, o.code, o.parent_id, o.deactivated_at,
			(SELECT count(*) FROM organizations), (SELECT count(*) FROM users), (SELECT count(*) FROM auth_tokens WHERE user_id = u.id))
		FROM users u JOIN organizations o ON o.id = $2 WHERE u.id = $1`, f.Subject, f.SubjectOrg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAccessToPeopleData(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	root, district, other, clients := accessViewers(t, db, func() *client { return newClient(t, app) })
	for _, rt := range accessRoutes {
		t.Run(rt.name, func(t *testing.T) {
			f := &accessFixture{DB: db, Root: root, District: district, OtherDist: other}
			f.SubjectOrg = testfix.Org(t, db, "Subject school "+testfix.Unique(""), "school", "Hampden", district)
			f.SubjectName = "Subject " + testfix.Unique("")
			f.Subject, f.SubjectEmail = testfix.User(t, db, f.SubjectOrg, testfix.UserSpec{Name: f.SubjectName, Roles: []string{"teacher"}})
			db.Get(&f.SubjectCode, `SELECT code FROM organizations WHERE id = $1`, f.SubjectOrg)
			if rt.setup != nil {
				rt.setup(t, f)
			}
			marker := f.SubjectName
			if rt.marker != nil {
				marker = rt.marker(f)
			}
			for k := 0; k < viewerKinds; k++ {
				c := clients[k]
				before := snapshot(t, f)
				var r response
				if rt.method == http.MethodGet {
					r = c.get(rt.path(f))
				} else {
					form := url.Values{}
					if rt.form != nil {
						form = rt.form(f)
					}
					r = c.post(rt.path(f), form)
				}
				who := viewerNames[k]
				if rt.want[k] == allow {
					checkAllowed(t, who, rt.method, r, marker)
					continue
				}
				checkDenied(t, who, k == anon, rt.method, r)
				for _, secret := range []string{f.SubjectName, f.SubjectEmail, marker} {
					if strings.Contains(r.Body, secret) {
						t.Errorf("%s: denied, but the page shows %q", who, secret)
					}
				}
				if after := snapshot(t, f); after != before {
					t.Errorf("%s: a denied %s changed the data:\n%s\n%s", who, rt.method, before, after)
				}
			}
		})
	}
}

func checkAllowed(t *testing.T, who, method string, r response, marker string) {
	t.Helper()
	if method == http.MethodGet {
		if r.Status != http.StatusOK {
			t.Errorf("%s: status %d, want 200", who, r.Status)
		} else if !strings.Contains(r.Body, marker) {
			t.Errorf("%s: the page does not show %q", who, marker)
		}
		return
	}
	if r.Status >= 400 && r.Status != http.StatusUnprocessableEntity {
		t.Errorf("%s: status %d, want it accepted", who, r.Status)
	}
}

func checkDenied(t *testing.T, who string, anonymous bool, method string, r response) {
	t.Helper()
	switch {
	case anonymous && method == http.MethodGet:
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
			t.Errorf("%s: status %d → %q, want a redirect to /login", who, r.Status, r.Location)
		}
	case anonymous:
		if r.Status != http.StatusUnauthorized && r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 401, 403 or 404", who, r.Status)
		}
	default:
		if r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 403 or 404", who, r.Status)
		}
	}
}
