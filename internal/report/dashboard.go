package report

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/waymark/waymark/internal/store"
)

// Group is one row of a breakdown: a course, a branch of the organization
// tree, a job role, a county or an organization type.
type Group struct {
	Key   string // course or organization id, role code, county or type
	ID    int64  // course or organization id, when the key is one
	Label string // course title or organization name (roles, counties and types are labelled by the page)
	Own   bool   // the focus organization's own people, not a branch below it
	Counts
}

// Dashboard is everything the manager home shows for one view.
type Dashboard struct {
	Day       Day
	View      View
	FocusName string
	Parent    *Group // the focus organization's parent, when the viewer may see it
	Total     Counts
	ByBranch  []Group // each branch's whole subtree, then the focus organization's own people
	ByCourse  []Group
	ByRole    []Group // a person with two roles counts in both
	ByCounty  []Group // by the county of each person's organization
	ByType    []Group // by the type of each person's organization
	Trend     []TrendPoint
}

// cellCounts sums the counters in SQL.
const cellCounts = `coalesce(sum(c.pairs), 0)::int AS pairs, coalesce(sum(c.open), 0)::int AS open, coalesce(sum(c.completed), 0)::int AS completed,
	coalesce(sum(c.on_time), 0)::int AS on_time, coalesce(sum(c.credit), 0)::int AS credit, coalesce(sum(c.due_lt_d0), 0)::int AS due_lt_d0,
	coalesce(sum(c.due_lt_d14), 0)::int AS due_lt_d14, coalesce(sum(c.exp_lt_d0), 0)::int AS exp_lt_d0, coalesce(sum(c.exp_lt_d30), 0)::int AS exp_lt_d30`

// cells is a stored rollup of the view's organizations plus the
// correction from the clock's day ($1) to the report day ($2); $3 is the
// view's roots (docs/METRICS.md "How the figures are kept"). key names the
// rollup's grouping columns; corr says how the correction rows produce
// them from report_clock_delta's d.
type cells struct {
	table, key, corr, from string
}

// The rollups: per organization (own people), per organization and course
// or job role, and the statewide shards by course and job role.
var (
	orgCells         = cells{"report_org", "org_id", "d.org_id", ""}
	orgCourseCells   = cells{"report_org_course", "course_id", "d.course_id", ""}
	orgRoleCells     = cells{"report_org_role", "role_code", "rc.role_code", roleUnnest}
	stateCourseCells = cells{"report_state_course", "course_id", "d.course_id", ""}
	stateRoleCells   = cells{"report_state_role", "role_code", "rc.role_code", roleUnnest}
)

const roleUnnest = ` CROSS JOIN LATERAL unnest(CASE WHEN cardinality(d.roles) = 0 THEN ARRAY[''] ELSE d.roles END) AS rc(role_code)`

// sql returns the cells as rows of (key, org_id, counters). The statewide
// shards have no org_id and serve only views of the whole state.
func (c cells) sql(v View) string {
	org, where := "r.org_id", v.inView("r.org_id", "$3")
	if c.table == "report_state_course" || c.table == "report_state_role" {
		org, where = "NULL::bigint", "$3::bigint[] IS NULL"
	}
	return `SELECT r.` + c.key + ` AS key, ` + org + ` AS org_id, r.pairs, r.open, r.completed, r.on_time, r.credit,
			r.due_lt_d0, r.due_lt_d14, r.exp_lt_d0, r.exp_lt_d30
		FROM ` + c.table + ` r WHERE ` + where + `
		UNION ALL
		SELECT ` + c.corr + `, d.org_id, 0, 0, 0, 0, 0, d.dd0, d.dd14, d.de0, d.de30
		FROM report_clock_delta($1::date, $2::date) d` + c.from + ` WHERE ` + v.inView("d.org_id", "$3")
}

// dashboardRow is one grouping-set row of the organization query.
type dashboardRow struct {
	Set      int            `db:"set"`
	BranchID sql.NullInt64  `db:"branch_id"`
	County   sql.NullString `db:"county"`
	Type     sql.NullString `db:"type"`
	Counts
}

// Grouping-set numbers: GROUPING(branch, county, type) is a bit mask of
// the columns not grouped.
const (
	setTotal  = 0b111
	setBranch = 0b011
	setCounty = 0b101
	setType   = 0b110
)

// Dashboard computes the view's figures as of today, in one snapshot.
func (s *Service) Dashboard(ctx context.Context, v View) (Dashboard, error) {
	if err := s.Advance(ctx); err != nil {
		return Dashboard{}, err
	}
	d := Dashboard{Day: s.Today(), View: v}
	err := s.readTx(ctx, func(tx *sqlx.Tx) error {
		clock, err := clockDay(ctx, tx)
		if err != nil {
			return err
		}
		branches, err := s.branches(ctx, tx, v, &d)
		if err != nil {
			return err
		}
		if err := s.mainGroups(ctx, tx, v, clock, d.Day.String(), branches, &d); err != nil {
			return err
		}
		if d.ByRole, err = s.roleGroups(ctx, tx, v, clock, d.Day.String()); err != nil {
			return err
		}
		d.Trend, err = s.trend(ctx, tx, v, d.Day, d.Total)
		return err
	})
	if err != nil {
		return Dashboard{}, err
	}
	return d, nil
}

// branches lists the organizations the view breaks down into: the focus
// organization's children, the state's top-level organizations, or a
// manager's several scope organizations.
func (s *Service) branches(ctx context.Context, tx *sqlx.Tx, v View, d *Dashboard) ([]Group, error) {
	var rows []store.OrgName
	var err error
	switch {
	case v.Focus != 0:
		var f store.OrgWithParent
		if f, err = store.OrgAndParent(ctx, tx, v.Focus); err != nil {
			return nil, fmt.Errorf("report: focus organization: %w", err)
		}
		d.FocusName = f.Name
		if f.ParentID.Valid {
			ok := v.All
			if !ok {
				if ok, err = store.SubtreesContain(ctx, tx, f.ParentID.Int64, v.Roots); err != nil {
					return nil, fmt.Errorf("report: parent in scope: %w", err)
				}
			}
			if ok {
				d.Parent = &Group{ID: f.ParentID.Int64, Key: strconv.FormatInt(f.ParentID.Int64, 10), Label: f.ParentName.String}
			}
		}
		rows, err = store.ChildNames(ctx, tx, v.Focus)
	case v.All:
		rows, err = store.TopNames(ctx, tx)
	default:
		rows, err = store.OrgNames(ctx, tx, v.Roots)
	}
	if err != nil {
		return nil, fmt.Errorf("report: branches: %w", err)
	}
	out := make([]Group, len(rows))
	for i, r := range rows {
		out[i] = Group{Key: strconv.FormatInt(r.ID, 10), ID: r.ID, Label: r.Name}
	}
	return out, nil
}

// mainGroups fills the total and the breakdowns by branch, county and
// organization type (one grouping-sets query over each organization's
// totals) and by course.
func (s *Service) mainGroups(ctx context.Context, tx *sqlx.Tx, v View, clock, day string, branches []Group, d *Dashboard) error {
	ids := make([]int64, len(branches))
	for i, b := range branches {
		ids[i] = b.ID
	}
	var rows []dashboardRow
	err := tx.SelectContext(ctx, &rows, `WITH c AS (`+orgCells.sql(v)+`)
		SELECT GROUPING(br.ancestor_id, o.county, o.type) AS set,
			br.ancestor_id AS branch_id, o.county, o.type, `+cellCounts+`
		FROM c
		JOIN organizations o ON o.id = c.org_id
		`+store.JoinBranch("br", "c.org_id", "$4")+`
		GROUP BY GROUPING SETS ((), (br.ancestor_id), (o.county), (o.type))`,
		clock, day, v.rootsArg(), pq.Array(ids))
	if err != nil {
		return fmt.Errorf("report: dashboard: %w", err)
	}
	byBranch := map[int64]Counts{}
	var own Counts
	for _, r := range rows {
		if r.Pairs == 0 && r.Set != setTotal {
			continue
		}
		switch r.Set {
		case setTotal:
			d.Total = r.Counts
		case setBranch:
			if r.BranchID.Valid {
				byBranch[r.BranchID.Int64] = r.Counts
			} else {
				own = r.Counts
			}
		case setCounty:
			d.ByCounty = append(d.ByCounty, Group{Key: r.County.String, Counts: r.Counts})
		case setType:
			d.ByType = append(d.ByType, Group{Key: r.Type.String, Counts: r.Counts})
		}
	}
	for _, b := range branches {
		b.Counts = byBranch[b.ID]
		d.ByBranch = append(d.ByBranch, b)
	}
	if v.Focus != 0 {
		d.ByBranch = append(d.ByBranch, Group{Key: "own", ID: v.Focus, Label: d.FocusName, Own: true, Counts: own})
	}
	sortGroups(d.ByCounty)
	sortGroups(d.ByType)

	courseCells := orgCourseCells
	if v.roots() == nil {
		courseCells = stateCourseCells
	}
	if d.ByCourse, err = keyGroups(ctx, tx, courseCells.sql(v), clock, day, v); err != nil {
		return fmt.Errorf("report: dashboard by course: %w", err)
	}
	courseIDs := make([]int64, len(d.ByCourse))
	for i := range d.ByCourse {
		d.ByCourse[i].ID, _ = strconv.ParseInt(d.ByCourse[i].Key, 10, 64)
		courseIDs[i] = d.ByCourse[i].ID
	}
	return s.labelCourses(ctx, tx, courseIDs, d.ByCourse)
}

// keyGroups sums cells by their key, dropping keys nobody is counted in.
func keyGroups(ctx context.Context, tx *sqlx.Tx, cells, clock, day string, v View) ([]Group, error) {
	var rows []struct {
		Key string `db:"key"`
		Counts
	}
	err := tx.SelectContext(ctx, &rows, `WITH c AS (`+cells+`)
		SELECT c.key::text AS key, `+cellCounts+` FROM c GROUP BY c.key HAVING sum(c.pairs) > 0 ORDER BY 1`,
		clock, day, v.rootsArg())
	if err != nil {
		return nil, err
	}
	out := make([]Group, len(rows))
	for i, r := range rows {
		out[i] = Group{Key: r.Key, Counts: r.Counts}
	}
	return out, nil
}

// labelCourses sets each course group's title and sorts by it.
func (s *Service) labelCourses(ctx context.Context, q sqlx.QueryerContext, ids []int64, groups []Group) error {
	titles, err := store.CourseTitles(ctx, q, ids)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for i := range groups {
		groups[i].Label = titles[groups[i].ID]
	}
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].Label < groups[j].Label })
	return nil
}

// roleGroups breaks the view down by job role.
func (s *Service) roleGroups(ctx context.Context, tx *sqlx.Tx, v View, clock, day string) ([]Group, error) {
	c := orgRoleCells
	if v.roots() == nil {
		c = stateRoleCells
	}
	out, err := keyGroups(ctx, tx, c.sql(v), clock, day, v)
	if err != nil {
		return nil, fmt.Errorf("report: dashboard by role: %w", err)
	}
	return out, nil
}

func sortGroups(g []Group) {
	sort.SliceStable(g, func(i, j int) bool { return g[i].Key < g[j].Key })
}
