package web

import (
	"bufio"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/prevention"
)

// preventionScope is what the signed-in person's report covers: their own
// classes under /prevention, their scope under /manage, the state for
// administrators.
func preventionScope(c *fiber.Ctx) (prevention.Scope, string) {
	v := viewerOf(c)
	switch {
	case strings.HasPrefix(c.Path(), "/prevention"):
		return prevention.Scope{Facilitator: v.ID}, "/prevention/reports"
	case v.IsAdmin:
		return prevention.Scope{All: true}, "/manage/prevention"
	}
	return prevention.Scope{Roots: v.ScopeOrgs}, "/manage/prevention"
}

func reportLevel(c *fiber.Ctx) string {
	if l := c.Query("by"); prevention.ValidLevel(l) {
		return l
	}
	return prevention.LevelSchool
}

// preventionReportPage is the prevention report at one level.
type preventionReportPage struct {
	Report  prevention.Report
	Base    string // the report's URL, for the level links
	Levels  []string
	Scope   prevention.Scope
	MinCell int // the small-cell rule's threshold
	Org     int64
	OrgName string // the organization the report is narrowed to
	Orgs    []orgChoice
}

// preventionReportScope is the report's scope narrowed by ?org= (managers
// and administrators): an organization outside the viewer's scope is 404.
func (a *App) preventionReportScope(c *fiber.Ctx) (prevention.Scope, string, int64, string, error) {
	scope, base := preventionScope(c)
	org, err := queryID(c, "org")
	if err != nil || scope.Facilitator != 0 {
		return scope, base, 0, "", err
	}
	narrowed, name, err := a.prevention.svc.Narrow(c.UserContext(), scope, org)
	return narrowed, base, org, name, err
}

// handlePreventionReport shows dosage, reach, fidelity, opt-outs and
// pre/post change at one level, small-cell rule applied.
func (a *App) handlePreventionReport(c *fiber.Ctx) error {
	full, _ := preventionScope(c)
	scope, base, org, orgName, err := a.preventionReportScope(c)
	if err != nil {
		return err
	}
	rep, err := a.prevention.svc.Report(c.UserContext(), scope, reportLevel(c))
	if err != nil {
		return err
	}
	title := "Prevention delivery report"
	if scope.Facilitator != 0 {
		title = "Your prevention classes: report"
	}
	p := preventionReportPage{Report: rep, Base: base, Levels: prevention.Levels, Scope: full, MinCell: prevention.MinCell,
		Org: org, OrgName: orgName}
	if org != 0 {
		p.Report.Total.Name = orgName
	}
	opts, err := a.prevention.svc.ReportOrgChoices(c.UserContext(), full)
	if err != nil {
		return err
	}
	for _, o := range opts {
		p.Orgs = append(p.Orgs, orgChoice{ID: o.ID, Label: strings.Repeat("– ", o.Depth) + o.Name})
	}
	return a.renderPrevention(c, fiber.StatusOK, "prevention_report", title, p)
}

// handlePreventionReportCSV streams the same report as CSV.
func (a *App) handlePreventionReportCSV(c *fiber.Ctx) error {
	scope, _, _, _, err := a.preventionReportScope(c)
	if err != nil {
		return err
	}
	level := reportLevel(c)
	rep, err := a.prevention.svc.Report(c.UserContext(), scope, level)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="prevention-by-`+level+`.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		if err := prevention.WriteCSV(w, rep); err != nil {
			a.log.Error("prevention csv", "err", err)
		}
		w.Flush()
	})
	return nil
}
