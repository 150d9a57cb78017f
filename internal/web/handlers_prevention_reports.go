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
}

// handlePreventionReport shows dosage, reach, fidelity, opt-outs and
// pre/post change at one level, small-cell rule applied.
func (a *App) handlePreventionReport(c *fiber.Ctx) error {
	scope, base := preventionScope(c)
	rep, err := a.prevention.svc.Report(c.UserContext(), scope, reportLevel(c))
	if err != nil {
		return err
	}
	title := "Prevention delivery report"
	if scope.Facilitator != 0 {
		title = "Your prevention classes: report"
	}
	return a.renderPrevention(c, fiber.StatusOK, "prevention_report", title, preventionReportPage{
		Report: rep, Base: base, Levels: prevention.Levels, Scope: scope, MinCell: prevention.MinCell,
	})
}

// handlePreventionReportCSV streams the same report as CSV.
func (a *App) handlePreventionReportCSV(c *fiber.Ctx) error {
	scope, _ := preventionScope(c)
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
