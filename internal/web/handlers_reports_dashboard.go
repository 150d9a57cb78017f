package web

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/report"
	"github.com/waymark/waymark/internal/store"
)

// figureRow is a breakdown row with the links from each figure to the
// people behind it.
type figureRow struct {
	Label string
	Href  string // the row's own dashboard (branches), or ""
	Own   bool
	report.Counts
	filters url.Values
}

// People links to the drill-down of this row with a status filter.
func (r figureRow) People(status string) string {
	q := url.Values{}
	for k, v := range r.filters {
		q[k] = v
	}
	if status != "" && status != "all" {
		q.Set("status", status)
	}
	if len(q) == 0 {
		return "/manage/people"
	}
	return "/manage/people?" + q.Encode()
}

// CSV links to the export of this row's people.
func (r figureRow) CSV() string {
	if len(r.filters) == 0 {
		return "/manage/people.csv"
	}
	return "/manage/people.csv?" + r.filters.Encode()
}

// RateText and OnTimeText format the two rates ("—" without a denominator).
func (r figureRow) RateText() string   { return rateText(r.CompletionRate()) }
func (r figureRow) OnTimeText() string { return rateText(r.OnTimeRate()) }

func rateText(v float64, ok bool) string {
	if !ok {
		return "—"
	}
	return pctText(v)
}

// dashboardPage is the manager home's data.
type dashboardPage struct {
	Heading   string
	AsOf      string
	Up        *figureRow // the parent organization, or the whole scope
	Statewide bool       // show the county and organization-type breakdowns
	TimeZone  string
	Total     figureRow
	Sections  []breakdown
	Trend     []trendRow
	RateChart TrendChart
	DoneChart TrendChart
}

// trendRow is one month of the trend table.
type trendRow struct {
	Month                        string
	Completions, Complete, Pairs int
	Rate                         string
}

// breakdown is one table of figures by group, with its chart.
type breakdown struct {
	ID, Title, RowHeader, Note string
	Rows                       []figureRow
	Chart                      *BarChart
}

// handleReportsDashboard is the manager home (/manage) and the statewide
// view (/admin/reports): figures for the viewer's scope or one
// organization in it (?org=).
func (a *App) handleReportsDashboard(c *fiber.Ctx) error {
	focus, err := queryID(c, "org")
	if err != nil {
		return err
	}
	v, err := a.reportView(c, focus)
	if err != nil {
		return err
	}
	d, err := a.reports.svc.Dashboard(c.UserContext(), v)
	if err != nil {
		return err
	}
	p := a.dashboardPage(v, d)
	return a.render(c, fiber.StatusOK, "reports_dashboard", Page{Title: p.Heading, Data: p})
}

func (a *App) dashboardPage(v report.View, d report.Dashboard) dashboardPage {
	base := url.Values{}
	p := dashboardPage{AsOf: d.Day.Date.Format("January 2, 2006"), Statewide: v.All, TimeZone: d.Day.Date.Location().String()}
	for _, t := range d.Trend {
		p.Trend = append(p.Trend, trendRow{Month: monthName(t), Completions: t.Completions, Complete: t.Complete,
			Pairs: t.Pairs, Rate: rateText(t.Rate())})
	}
	switch {
	case v.Focus != 0:
		base.Set("org", strconv.FormatInt(v.Focus, 10))
		p.Heading = "Training completion: " + d.FocusName
	case v.All:
		p.Heading = "Training completion statewide"
	default:
		p.Heading = "Training completion in your organizations"
	}
	switch {
	case d.Parent != nil:
		p.Up = &figureRow{Label: d.Parent.Label, Href: "/manage?org=" + d.Parent.Key}
	case v.Focus != 0 && v.All:
		p.Up = &figureRow{Label: "the whole state", Href: "/manage"}
	case v.Focus != 0 && len(v.Roots) > 1:
		p.Up = &figureRow{Label: "all your organizations", Href: "/manage"}
	}
	p.Total = figureRow{Label: "All", Counts: d.Total, filters: base}
	with := func(k, val string) url.Values {
		q := url.Values{}
		for key, vals := range base {
			q[key] = vals
		}
		q.Set(k, val)
		return q
	}
	var branches, courses, roles, counties, types []figureRow
	for _, g := range d.ByBranch {
		r := figureRow{Label: g.Label, Counts: g.Counts, filters: url.Values{"org": {g.Key}}, Href: "/manage?org=" + g.Key}
		if g.Own {
			r = figureRow{Label: "Directly in " + g.Label, Own: true, Counts: g.Counts,
				filters: url.Values{"org": {strconv.FormatInt(g.ID, 10)}, "own": {"1"}}}
		}
		branches = append(branches, r)
	}
	for _, g := range d.ByCourse {
		courses = append(courses, figureRow{Label: g.Label, Counts: g.Counts, filters: with("course", g.Key)})
	}
	for _, g := range d.ByRole {
		label, key := a.roleName(g.Key), g.Key
		if key == "" {
			label, key = "No job role", "-"
		}
		roles = append(roles, figureRow{Label: label, Counts: g.Counts, filters: with("role", key)})
	}
	for _, g := range d.ByCounty {
		label := g.Key
		if label == "" {
			label = "No county recorded"
		}
		counties = append(counties, figureRow{Label: label, Counts: g.Counts, filters: with("county", g.Key)})
	}
	for _, g := range d.ByType {
		types = append(types, figureRow{Label: store.OrgTypeLabel(g.Key), Counts: g.Counts, filters: with("type", g.Key)})
	}
	p.Sections = []breakdown{
		{ID: "by-organization", Title: "By organization", RowHeader: "Organization", Rows: branches,
			Note: "Each organization's row includes everyone in the organizations below it. The rows add up to the total."},
		{ID: "by-course", Title: "By course", RowHeader: "Course", Rows: courses},
		{ID: "by-role", Title: "By job role", RowHeader: "Job role", Rows: roles,
			Note: "A person with two job roles counts under both, so these rows can add up to more than the total."},
	}
	if v.All {
		p.Sections = append(p.Sections,
			breakdown{ID: "by-county", Title: "By county", RowHeader: "County", Rows: counties,
				Note: "By the county of each person's own organization."},
			breakdown{ID: "by-type", Title: "By type of organization", RowHeader: "Type of organization", Rows: types,
				Note: "By the type of each person's own organization."})
	}
	for i := range p.Sections {
		sec := &p.Sections[i]
		ch := rateBars("chart-"+sec.ID, "Completion rate "+lowerFirst(sec.Title), sec.Rows)
		sec.Chart = &ch
	}
	p.RateChart = rateTrend("chart-rate", d.Trend)
	p.DoneChart = completionColumns("chart-completions", d.Trend)
	return p
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
