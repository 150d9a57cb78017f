package web

import (
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// adminSection is a link on the administration home page.
type adminSection struct {
	Path, Title, About string
	order              int
}

// knownAdminSections describe the admin pages by path. Pages registered
// under /admin that are not listed here still appear, by their path, so a
// new admin page is never unreachable; add a line here to describe it.
var knownAdminSections = map[string]adminSection{
	"/admin/users":        {Title: "People", About: "Find, add and edit people: job roles, organization, manager scopes, facilitator and administrator access; deactivate and reactivate accounts.", order: 1},
	"/admin/orgs":         {Title: "Organizations", About: "The tree of agencies, departments, districts, schools, hospitals, programs and hotels, with their counties and codes.", order: 2},
	"/admin/import":       {Title: "Import a roster", About: "Add and update many people at once from a CSV file, with a dry run first.", order: 3},
	"/admin/requirements": {Title: "Requirements matrix", About: "Which job roles must complete which courses, by when, and how often.", order: 4},
	"/admin/certificates": {Title: "Certificates", About: "Look up and revoke certificates.", order: 5},
	"/admin/programs":     {Title: "Licensed prevention programs", About: "Register the prevention programs facilitators deliver.", order: 6},
	"/admin/mail":         {Title: "Outgoing email", About: "The email queue: what is waiting, what could not be sent.", order: 7},
	"/admin/audit":        {Title: "Audit log", About: "Every administrative change: who, when, what, before and after.", order: 8},
	"/admin/reports":      {Title: "Statewide completion report", About: "Completion, on-time, overdue and expiring figures for the whole state, by organization, county, type, course and job role, with the people behind each figure.", order: 9},
	"/admin/sso":          {Title: "Agency sign-in", About: "Connect an agency's identity provider (OpenID Connect or SAML), approve its email domains, map its claims to organizations and job roles, and turn password sign-in off for its people.", order: 10},
	"/admin/scim":         {Title: "Provisioning (SCIM)", About: "Provisioning clients for agencies' identity providers, each limited to an organization subtree, and the groups that map to job roles.", order: 11},
}

// handleAdminHome links every administration page.
func (a *App) handleAdminHome(c *fiber.Ctx) error {
	seen := map[string]bool{}
	var sections []adminSection
	for _, r := range c.App().GetRoutes(true) {
		p := strings.TrimSuffix(r.Path, "/")
		if r.Method != fiber.MethodGet || !strings.HasPrefix(p, "/admin/") || strings.Contains(p, ":") ||
			strings.HasSuffix(p, "/new") || strings.Count(p, "/") != 2 || seen[p] {
			continue
		}
		seen[p] = true
		s, ok := knownAdminSections[p]
		if !ok {
			s = adminSection{Title: strings.TrimPrefix(p, "/admin/"), order: 100}
		}
		s.Path = p
		sections = append(sections, s)
	}
	sort.Slice(sections, func(i, j int) bool {
		if sections[i].order != sections[j].order {
			return sections[i].order < sections[j].order
		}
		return sections[i].Path < sections[j].Path
	})
	return a.render(c, fiber.StatusOK, "admin_home", Page{Title: "Administration", Data: adminHomePage{Sections: sections}})
}

// adminHomePage lists the administration's sections.
type adminHomePage struct{ Sections []adminSection }
