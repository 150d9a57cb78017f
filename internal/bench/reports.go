package bench

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/waymark/waymark/internal/report"
)

// reportLoad is a manager page and the report-package call that runs the
// same SQL without HTTP, templates or the network.
type reportLoad struct {
	load Load
	sql  func(ctx context.Context) error
	t    Target
}

// reportLoads are the manager pages: the large district's dashboard (its
// manager's home), the statewide dashboard (an administrator), the
// drill-down behind the large district's overdue figure (first page) and
// its CSV export (every row, streamed). Pages run on one connection so
// their latency compares with the bare SQL, which also runs alone.
func (r *Runner) reportLoads(ctx context.Context, admin, manager Session) ([]reportLoad, error) {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		return nil, err
	}
	svc := report.New(r.db, report.Options{Location: loc})
	var large int64
	if err := r.db.GetContext(ctx, &large, `SELECT id FROM organizations WHERE code = 'P2'`); err != nil {
		return nil, fmt.Errorf("bench: the large district: %w", err)
	}
	overdue := report.Filter{Status: "overdue"}
	if overdue, err = overdue.Normalize(); err != nil {
		return nil, err
	}
	all, _ := report.Filter{}.Normalize()
	page := func(name, path string, s Session) Load {
		return Load{Name: name, Requests: []Request{{Method: "GET", Path: path, Cookie: s.Cookie}}, Connections: 1}
	}
	// The bare SQL of a page is every report-package call its handler
	// makes, from resolving the viewer's scope to the page's last query.
	view := func(ctx context.Context, admin bool, orgs []int64) (report.View, error) {
		sc, err := svc.ScopeFor(ctx, admin, orgs)
		if err != nil {
			return report.View{}, err
		}
		return svc.ViewOf(ctx, sc, 0)
	}
	dashboard := func(admin bool, orgs []int64) func(context.Context) error {
		return func(ctx context.Context) error {
			v, err := view(ctx, admin, orgs)
			if err == nil {
				_, err = svc.Dashboard(ctx, v)
			}
			return err
		}
	}
	// districtFilter is the large district manager's view and the checked
	// filter, as the drill-down and export handlers start.
	districtFilter := func(ctx context.Context, f report.Filter) (report.View, report.Filter, error) {
		v, err := view(ctx, false, []int64{large})
		if err != nil {
			return v, f, err
		}
		f, err = svc.CheckFilter(ctx, v, f)
		return v, f, err
	}
	drill := func(ctx context.Context) error {
		v, f, err := districtFilter(ctx, overdue)
		if err != nil {
			return err
		}
		rows, _, err := svc.People(ctx, v, f)
		if err != nil {
			return err
		}
		if _, err := svc.FilterOptions(ctx, v); err != nil {
			return err
		}
		ids := make([]int64, len(rows))
		for i, p := range rows {
			ids[i] = p.AssignmentID
		}
		_, err = svc.NudgedToday(ctx, ids)
		return err
	}
	export := func(ctx context.Context) error {
		v, f, err := districtFilter(ctx, all)
		if err != nil {
			return err
		}
		return svc.EachPerson(ctx, v, f, func(report.Person) error { return nil })
	}
	return []reportLoad{
		{page("manager dashboard (large district)", "/manage", manager), dashboard(false, []int64{large}),
			reportTarget(0)},
		{page("statewide dashboard (administrator)", "/admin/reports", admin), dashboard(true, nil),
			reportTarget(150 * time.Millisecond)},
		{page("drill-down (large district, overdue)", "/manage/people?status=overdue", manager), drill,
			reportTarget(100 * time.Millisecond)},
		{page("CSV export (large district, every row)", "/manage/people.csv", manager), export,
			reportTarget(0)},
	}, nil
}

// timeSQL runs a report call alone n times and returns the median in ms.
func timeSQL(ctx context.Context, n int, f func(context.Context) error) (float64, error) {
	var d []float64
	for range n {
		start := time.Now()
		if err := f(ctx); err != nil {
			return 0, err
		}
		d = append(d, float64(time.Since(start).Microseconds())/1000)
	}
	slices.Sort(d)
	return d[len(d)/2], nil
}

// measureReports loads each report page, then times its SQL alone.
func (r *Runner) measureReports(ctx context.Context, admin, manager Session) error {
	loads, err := r.reportLoads(ctx, admin, manager)
	if err != nil {
		return err
	}
	n := 15
	if r.opt.Quick {
		n = 3
	}
	for _, x := range loads {
		if !r.selected(x.load.Name) {
			continue
		}
		if err := r.measure(ctx, x.load, x.t); err != nil {
			return err
		}
		row := &r.rep.Rows[len(r.rep.Rows)-1]
		if row.Skipped != "" {
			continue
		}
		if row.SQLP50MS, err = timeSQL(ctx, n, x.sql); err != nil {
			return fmt.Errorf("bench: %s: bare SQL: %w", x.load.Name, err)
		}
		r.say("  %-40s bare SQL p50 %.2f ms (report package, alone, %d runs)", "", row.SQLP50MS, n)
	}
	return nil
}
