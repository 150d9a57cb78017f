package web

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/report"
)

// reportsArea holds what the reports handlers need beyond App.
type reportsArea struct {
	svc *report.Service
}

// initReports takes the report service and makes the report tables count
// days in the configured time zone.
func (a *App) initReports(d Deps) error {
	a.reports.svc = d.Reports
	return a.reports.svc.EnsureTimeZone(context.Background())
}

// reportsRoutes registers the reports area's routes on the groups of routes.go.
func (a *App) reportsRoutes(app fiber.Router, g groups) {
	g.manager.Get("/", a.handleReportsDashboard)
	g.manager.Get("/people", a.handleReportsPeople)
	g.manager.Get("/people.csv", a.handleReportsPeopleCSV)
	g.manager.Post("/people/nudge", a.handleReportsNudge)
	g.manager.Post("/people/remind", a.handleBulkRemind)
	g.manager.Post("/people/assign", a.handleBulkAssign)
	g.manager.Get("/people/:userID", a.handlePerson)
	g.admin.Get("/reports", a.handleReportsDashboard)
}

// reportView is the signed-in viewer's scope, focused on org (0: all of it).
// An organization outside the scope is not found.
func (a *App) reportView(c *fiber.Ctx, org int64) (report.View, error) {
	v := viewerOf(c)
	sc, err := a.reports.svc.ScopeFor(c.UserContext(), v.IsAdmin, v.ScopeOrgs)
	if err != nil {
		return report.View{}, err
	}
	return a.reports.svc.ViewOf(c.UserContext(), sc, org)
}
