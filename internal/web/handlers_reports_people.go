package web

import (
	"bufio"
	"context"
	"errors"
	"html"
	"html/template"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/report"
	"github.com/waymark/waymark/internal/store"
)

// option is a choice in a filter's select.
type option struct{ Value, Label string }

// statusOptions label the drill-down's status filters (docs/METRICS.md).
var statusOptions = []option{
	{"all", "Everyone counted"},
	{"complete", "Complete (valid credit)"},
	{"not-complete", "Not complete"},
	{"overdue", "Overdue"},
	{"due-soon", "Due in the next 14 days"},
	{"expiring", "Credit expiring in the next 30 days"},
	{"lapsed", "Credit lapsed"},
	{"came-due", "Completed, or past due (the on-time rate's base)"},
	{"on-time", "Completed on time"},
	{"late", "Late (completed late, or overdue)"},
	{"open", "Open"},
}

var sortOptions = []option{
	{"name", "Name"}, {"org", "Organization"}, {"course", "Course"}, {"due", "Due date"}, {"activity", "Last activity"},
}

// personRow is a drill-down row as the page shows it.
type personRow struct {
	report.Person
	RoleNames    string
	StatusText   string
	CreditText   string
	Due          string
	CreditUntil  string
	LastActivity string
	CanNudge     bool
	NudgedToday  bool // a reminder was queued today: one a day at most
}

// peoplePage is the drill-down's data.
type peoplePage struct {
	Filter      report.Filter
	Rows        []personRow
	Options     report.PersonFilterOptions
	Orgs        []orgChoice
	TypeLabel   string
	Roles       []store.JobRole
	Statuses    []option
	Sorts       []option
	StatusLabel string
	First, Last int
	Prev, Next  string
	CSV         string
	Back        string
	Dashboard   string
	MaxPage     bool
	Total       int      // rows the filters match, on every page
	TotalText   string   // Total with thousands separators
	Hidden      []option // the filters, for the bulk form's "everyone in this filter"
	Courses     []*catalog.Course
	MaxBulk     int
}

// orgChoice is an organization in the filter, indented by its depth.
type orgChoice struct {
	ID    int64
	Label string
}

// OrgOptions is the organization filter's options, written directly: a
// district offers hundreds, and as template actions they were most of the
// drill-down's rendering time. Labels are escaped.
func (p peoplePage) OrgOptions() template.HTML {
	var b strings.Builder
	for _, o := range p.Orgs {
		b.WriteString(`<option value="` + strconv.FormatInt(o.ID, 10) + `"`)
		if o.ID == p.Filter.Org {
			b.WriteString(" selected")
		}
		b.WriteString(">" + html.EscapeString(o.Label) + "</option>")
	}
	return template.HTML(b.String())
}

// parseReportFilter reads the drill-down filters from the query string.
func parseReportFilter(c *fiber.Ctx) (report.Filter, error) {
	org, err := queryID(c, "org")
	if err != nil {
		return report.Filter{}, err
	}
	course, err := queryID(c, "course")
	if err != nil {
		return report.Filter{}, err
	}
	return reportFilterOf(func(k string) string { return utils.CopyString(c.Query(k)) }, org, course, c.QueryInt("page", 1))
}

// reportFilterOf builds the drill-down filter from its fields (the query
// string, or a bulk action's form) and checks its status.
func reportFilterOf(get func(string) string, org, course int64, page int) (report.Filter, error) {
	q := get("q")
	if r := []rune(q); len(r) > 100 {
		q = string(r[:100])
	}
	f := report.Filter{Org: org, Own: get("own") == "1", Course: course, Query: strings.TrimSpace(q),
		Role: get("role"), County: get("county"), Type: get("type"),
		Status: get("status"), Sort: get("sort"), Desc: get("dir") == "desc", Page: page}
	if _, ok := report.Statuses[f.Status]; !ok {
		return f, fiber.NewError(fiber.StatusBadRequest, "That link asks for a status Waymark does not know. Go back and choose one from the list.")
	}
	return f, nil
}

// filterQuery encodes a filter for links (page and sort included).
func filterQuery(f report.Filter) url.Values {
	q := url.Values{}
	if f.Org != 0 {
		q.Set("org", strconv.FormatInt(f.Org, 10))
		if f.Own {
			q.Set("own", "1")
		}
	}
	for k, v := range map[string]string{"role": f.Role, "county": f.County, "type": f.Type, "q": f.Query} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Course != 0 {
		q.Set("course", strconv.FormatInt(f.Course, 10))
	}
	if f.Status != "" && f.Status != "all" {
		q.Set("status", f.Status)
	}
	if f.Sort != "" && f.Sort != "name" {
		q.Set("sort", f.Sort)
	}
	if f.Desc {
		q.Set("dir", "desc")
	}
	if f.Page > 1 {
		q.Set("page", strconv.Itoa(f.Page))
	}
	return q
}

func withQuery(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// handleReportsPeople is the drill-down: the people behind a figure.
func (a *App) handleReportsPeople(c *fiber.Ctx) error {
	f, err := parseReportFilter(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	v, err := a.reportView(c, 0)
	if err != nil {
		return err
	}
	if f, err = a.reports.svc.CheckFilter(ctx, v, f); err != nil {
		return err
	}
	rows, more, err := a.reports.svc.People(ctx, v, f)
	if err != nil {
		return err
	}
	opts, err := a.reports.svc.FilterOptions(ctx, v)
	if err != nil {
		return err
	}
	p := peoplePage{Filter: f, Options: opts, Roles: a.roles, Statuses: statusOptions, Sorts: sortOptions,
		Back: withQuery("/manage/people", filterQuery(f)), MaxPage: more && f.Page >= report.MaxPage}
	for _, o := range opts.Orgs {
		p.Orgs = append(p.Orgs, orgChoice{ID: o.ID, Label: strings.Repeat("– ", o.Depth) + o.Name})
	}
	if f.Type != "" {
		p.TypeLabel = store.OrgTypeLabel(f.Type)
	}
	for _, s := range statusOptions {
		if s.Value == f.Status {
			p.StatusLabel = s.Label
		}
	}
	exportFilter := f
	exportFilter.Page = 1
	p.CSV = withQuery("/manage/people.csv", filterQuery(exportFilter))
	dash := url.Values{}
	if f.Org != 0 {
		dash.Set("org", strconv.FormatInt(f.Org, 10))
	}
	p.Dashboard = withQuery("/manage", dash)
	if f.Page > 1 {
		prev := f
		prev.Page--
		p.Prev = withQuery("/manage/people", filterQuery(prev))
	}
	if more && f.Page < report.MaxPage {
		next := f
		next.Page++
		p.Next = withQuery("/manage/people", filterQuery(next))
	}
	if len(rows) > 0 {
		p.First = (f.Page-1)*report.PageSize + 1
		p.Last = p.First + len(rows) - 1
	}
	if p.Total, err = a.reports.svc.Count(ctx, v, f); err != nil {
		return err
	}
	p.TotalText, p.MaxBulk = thousands(p.Total), report.MaxSelection
	all := f
	all.Page, all.Sort, all.Desc = 1, "", false
	for k, vals := range filterQuery(all) {
		p.Hidden = append(p.Hidden, option{Value: k, Label: vals[0]})
	}
	sort.Slice(p.Hidden, func(i, j int) bool { return p.Hidden[i].Value < p.Hidden[j].Value })
	p.Courses = a.trainingCourses()
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.AssignmentID)
	}
	nudged, err := a.reports.svc.NudgedToday(ctx, ids)
	if err != nil {
		return err
	}
	loc := a.cfg.Location
	for _, r := range rows {
		row := a.personRow(r, loc)
		row.NudgedToday = nudged[r.AssignmentID]
		p.Rows = append(p.Rows, row)
	}
	return a.render(c, fiber.StatusOK, "reports_people", Page{Title: "People behind the figures", Data: p})
}

func (a *App) personRow(r report.Person, loc *time.Location) personRow {
	names := make([]string, len(r.Roles))
	for i, code := range r.Roles {
		names[i] = a.roleName(code)
	}
	day := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(loc).Format("Jan 2, 2006")
	}
	return personRow{Person: r, RoleNames: strings.Join(names, ", "), StatusText: report.StatusLabel(r),
		CreditText: report.CreditLabel(r), Due: day(r.DueAt), CreditUntil: day(r.CreditExpiresAt),
		LastActivity: day(r.LastActivityAt), CanNudge: r.Status == "open"}
}

// handleReportsPeopleCSV streams the drill-down as CSV: rows go from the
// database cursor through a buffered writer to the client, one at a time,
// so memory stays flat whatever the number of rows.
func (a *App) handleReportsPeopleCSV(c *fiber.Ctx) error {
	f, err := parseReportFilter(c)
	if err != nil {
		return err
	}
	v, err := a.reportView(c, 0)
	if err != nil {
		return err
	}
	// Refusals must happen before the first byte: a streamed response can
	// no longer change its status.
	if f, err = a.reports.svc.CheckFilter(c.UserContext(), v, f); err != nil {
		return err
	}
	svc, loc, log, roleName := a.reports.svc, a.cfg.Location, a.log, a.roleName
	name := "waymark-people-" + svc.Today().String() + ".csv"
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
		defer cancel()
		cw := report.NewCSVWriter(w, loc, roleName)
		err := cw.Header()
		n := 0
		if err == nil {
			err = svc.EachPerson(ctx, v, f, func(p report.Person) error {
				if err := cw.Write(p); err != nil {
					return err
				}
				if n++; n%2000 == 0 { // hand a chunk to the client
					if err := cw.Flush(); err != nil {
						return err
					}
					return w.Flush()
				}
				return nil
			})
		}
		if ferr := cw.Flush(); err == nil {
			err = ferr
		}
		if ferr := w.Flush(); err == nil {
			err = ferr
		}
		if err != nil {
			log.Warn("csv export stopped", "rows", n, "err", err)
		}
	})
	return nil
}

// handleReportsNudge queues a reminder for one open assignment in the
// viewer's scope and returns to the drill-down.
func (a *App) handleReportsNudge(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.FormValue("assignment"), 10, 64)
	if err != nil || id <= 0 {
		return fiber.NewError(fiber.StatusBadRequest, "The reminder form was incomplete. Go back and try again.")
	}
	back := reportsBack(formValue(c, "back"))
	v, err := a.reportView(c, 0)
	if err != nil {
		return err
	}
	queued, err := a.reports.svc.Nudge(c.UserContext(), v, viewerOf(c).ID, id)
	switch {
	case errors.Is(err, report.ErrNothingToNudge):
		a.setFlash(c, "That training is no longer open, so no reminder was sent.")
	case err != nil:
		return err
	case queued:
		a.setFlash(c, "A reminder is on its way.")
	default:
		a.setFlash(c, "A reminder for that training was already sent today. Waymark sends at most one a day.")
	}
	return c.Redirect(back, fiber.StatusSeeOther)
}

// reportsBack keeps the post-nudge redirect on the drill-down.
func reportsBack(back string) string {
	if !strings.HasPrefix(back, "/manage/people") || strings.ContainsAny(back, "\r\n\\") ||
		strings.HasPrefix(back, "/manage/people.csv") {
		return "/manage/people"
	}
	return back
}

// thousands writes n with comma separators: 1284 → "1,284".
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
