package web_test

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
)

// notInMenu are the GET routes without parameters that a role can open
// but that the menu leaves to another page: downloads offered beside the
// figures they export (a link or a form's action), and "add" forms offered
// on their list. Each names the page that links it; the test checks that
// page does.
var notInMenu = map[string]string{
	"/manage/people.csv":         "/manage/people",
	"/manage/prevention.csv":     "/manage/prevention",
	"/manage/certificates.zip":   "/manage/certificates",
	"/prevention/reports.csv":    "/prevention/reports",
	"/admin/users/new":           "/admin/users",
	"/admin/orgs/new":            "/admin/orgs",
	"/admin/programs/new":        "/admin/programs",
	"/admin/sso/new":             "/admin/sso",
	"/admin/import/template.csv": "/admin/import",
}

var menuHref = regexp.MustCompile(`<a href="([^"]+)"`)

// TestEveryPageIsInItsRolesMenu walks the app's routes: every GET route
// without parameters under a role's prefix is linked from the site menu
// that role's people see (or, for the few in notInMenu, from the page
// that offers it).
func TestEveryPageIsInItsRolesMenu(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	org := testfix.Org(t, db, "Menu district", "school_district", "Hampden", 0)
	roles := []struct {
		prefix string
		spec   testfix.UserSpec
	}{
		{"/my", testfix.UserSpec{Name: "Menu Learner", Roles: []string{"teacher"}}},
		{"/prevention", testfix.UserSpec{Name: "Menu Facilitator", Roles: []string{"teacher"}, Facilitator: true}},
		{"/manage", testfix.UserSpec{Name: "Menu Manager", Roles: []string{"teacher"}, Scopes: []int64{org}}},
		{"/admin", testfix.UserSpec{Name: "Menu Admin", Roles: []string{"teacher"}, Admin: true}},
	}
	for _, role := range roles {
		t.Run(role.prefix, func(t *testing.T) {
			_, email := testfix.User(t, db, org, role.spec)
			c := newClient(t, app)
			c.login(email, testfix.Password)
			home := c.get("/courses")
			header, _, _ := strings.Cut(home.Body, "</header>")
			linked := map[string]bool{}
			for _, m := range menuHref.FindAllStringSubmatch(header, -1) {
				linked[m[1]] = true
			}
			var want []string
			for _, r := range app.GetRoutes(true) {
				p := strings.TrimSuffix(r.Path, "/")
				if r.Method != http.MethodGet || strings.ContainsAny(p, ":*") ||
					(p != role.prefix && !strings.HasPrefix(p, role.prefix+"/")) {
					continue
				}
				want = append(want, p)
			}
			sort.Strings(want)
			if len(want) < 3 {
				t.Fatalf("only %v under %s: the walk found no routes", want, role.prefix)
			}
			for _, p := range want {
				if linked[p] {
					continue
				}
				from, ok := notInMenu[p]
				if !ok {
					t.Errorf("%s is not in the %s menu", p, role.prefix)
					continue
				}
				if page := c.get(from); !strings.Contains(page.Body, `href="`+p) && !strings.Contains(page.Body, `action="`+p) {
					t.Errorf("%s is neither in the menu nor linked from %s (status %d)", p, from, page.Status)
				}
			}
		})
	}
}
