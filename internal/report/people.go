package report

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/waymark/waymark/internal/store"
)

// Statuses are the drill-down's status filters: each is one figure's
// numerator or denominator (docs/METRICS.md), as a condition on a report
// pair p with the report day's thresholds t.d0, t.d14 and t.d30.
var Statuses = map[string]string{
	"":             "true",
	"all":          "true",
	"complete":     "p.has_credit AND (p.credit_expires_at IS NULL OR p.credit_expires_at >= t.d0)",
	"not-complete": "NOT (p.has_credit AND (p.credit_expires_at IS NULL OR p.credit_expires_at >= t.d0))",
	"overdue":      "p.status = 'open' AND p.due_at < t.d0",
	"due-soon":     "p.status = 'open' AND p.due_at >= t.d0 AND p.due_at < t.d14",
	"lapsed":       "p.has_credit AND p.credit_expires_at < t.d0",
	"expiring":     "p.has_credit AND p.credit_expires_at >= t.d0 AND p.credit_expires_at < t.d30",
	"came-due":     "(p.status = 'completed' OR (p.status = 'open' AND p.due_at < t.d0))",
	"on-time":      "p.status = 'completed' AND p.on_time",
	"late":         "((p.status = 'completed' AND NOT p.on_time) OR (p.status = 'open' AND p.due_at < t.d0))",
	"open":         "p.status = 'open'",
}

// Sorts are the drill-down's sort keys and the output columns they order
// by; the pair's key ends every order, so pages never overlap. Orders on
// report_pairs' own columns (pairSorts) are cut to the page inside the
// pairs query, where PostgreSQL can walk an index in sort order.
var Sorts = map[string][]string{
	"name":     {"user_name"},
	"org":      {"org_name", "user_name"},
	"course":   {"course_title", "user_name"},
	"due":      {"due_at", "user_name"},
	"activity": {"last_activity_at", "user_name"},
}

// pairSorts are the sorts on report_pairs' own columns.
var pairSorts = map[string]bool{"name": true, "due": true}

// PageSize is the drill-down's page length; MaxPage bounds offset paging
// (past it, narrow the filters or export the CSV).
const (
	PageSize = 50
	MaxPage  = 200
)

// Filter narrows a drill-down within a view. Unknown statuses are
// rejected by Normalize; unknown sort keys fall back to "name".
type Filter struct {
	Org    int64  // this organization's subtree (0: the whole view)
	Own    bool   // only Org's own people, not its subtree
	Role   string // job-role code; "-" for people without a job role
	Course int64
	County string // the county of the person's organization
	Type   string // the type of the person's organization
	Query  string // part of the person's name or email address
	Status string // a key of Statuses
	Sort   string // a key of Sorts
	Desc   bool
	Page   int // from 1
}

// ErrBadFilter marks a filter value the drill-down does not know.
var ErrBadFilter = fmt.Errorf("report: unknown filter value")

// Normalize checks the status, defaults the sort and clamps the page.
func (f Filter) Normalize() (Filter, error) {
	if _, ok := Statuses[f.Status]; !ok {
		return f, fmt.Errorf("%w: status %q", ErrBadFilter, f.Status)
	}
	if f.Status == "" {
		f.Status = "all"
	}
	if _, ok := Sorts[f.Sort]; !ok {
		f.Sort = "name"
	}
	f.Page = min(max(f.Page, 1), MaxPage)
	if f.Org == 0 {
		f.Own = false
	}
	return f, nil
}

// Person is one drill-down row: a person × course pair.
type Person struct {
	UserID          int64          `db:"user_id"`
	CourseID        int64          `db:"course_id"`
	AssignmentID    int64          `db:"assignment_id"`
	Name            string         `db:"user_name"`
	OrgID           int64          `db:"org_id"`
	OrgName         string         `db:"org_name"`
	Roles           pq.StringArray `db:"roles"`
	CourseTitle     string         `db:"course_title"`
	Status          string         `db:"status"` // open | completed
	DueAt           *time.Time     `db:"due_at"`
	CompletedAt     *time.Time     `db:"completed_at"`
	HasCredit       bool           `db:"has_credit"`
	CreditExpiresAt *time.Time     `db:"credit_expires_at"`
	LastActivityAt  *time.Time     `db:"last_activity_at"`
	Overdue         bool           `db:"overdue"`
	DueSoon         bool           `db:"due_soon"`
	Lapsed          bool           `db:"lapsed"`
	Expiring        bool           `db:"expiring"`
	OnTime          bool           `db:"on_time"`
}

// Complete reports whether the pair holds a valid credit.
func (p Person) Complete() bool { return p.HasCredit && !p.Lapsed }

// filterWhere is the drill-down's conditions on a report pair p (with the
// report day's thresholds t): $1 is the report day, $2 the view's roots,
// then the filters' arguments.
func filterWhere(v View, f Filter) ([]string, []any) {
	args := []any{nil, v.rootsArg()}
	arg := func(x any) string { args = append(args, x); return "$" + strconv.Itoa(len(args)) }
	where := []string{v.inView("p.org_id", "$2"), Statuses[f.Status]}
	switch {
	case f.Org != 0 && f.Own:
		where = append(where, "p.org_id = "+arg(f.Org))
	case f.Org != 0:
		where = append(where, store.InSubtree("p.org_id", arg(f.Org)))
	}
	switch f.Role {
	case "":
	case "-":
		where = append(where, "cardinality(p.roles) = 0")
	default:
		where = append(where, arg(f.Role)+"::text = ANY(p.roles)")
	}
	if f.Course != 0 {
		where = append(where, "p.course_id = "+arg(f.Course))
	}
	if f.County != "" {
		where = append(where, "p.org_id IN (SELECT id FROM organizations WHERE county = "+arg(f.County)+")")
	}
	if f.Type != "" {
		where = append(where, "p.org_id IN (SELECT id FROM organizations WHERE type = "+arg(f.Type)+")")
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := arg("%" + likeEscape(q) + "%")
		where = append(where, "(p.user_name ILIKE "+like+" OR p.user_id IN (SELECT id FROM users WHERE email ILIKE "+like+"))")
	}
	return where, args
}

// likeEscape quotes LIKE's wildcards in s.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Count is the number of drill-down rows the filter matches (every page).
func (s *Service) Count(ctx context.Context, v View, f Filter) (int, error) {
	f, err := f.Normalize()
	if err != nil {
		return 0, err
	}
	if err := s.checkOrg(ctx, v, f.Org); err != nil {
		return 0, err
	}
	where, args := filterWhere(v, f)
	args[0] = s.Today().String()
	var n int
	err = s.readTx(ctx, func(tx *sqlx.Tx) error {
		return tx.GetContext(ctx, &n, countHead+`
			SELECT count(*) FROM report_pairs p CROSS JOIN t WHERE `+strings.Join(where, " AND "), args...)
	})
	if err != nil {
		return 0, fmt.Errorf("report: count people: %w", err)
	}
	return n, nil
}

// countHead is the report day's thresholds for filterWhere's conditions.
const countHead = `WITH t AS (
		SELECT report_midnight($1::date, tz) AS d0, report_midnight($1::date + 14, tz) AS d14,
			report_midnight($1::date + 30, tz) AS d30 FROM report_clock
	)`

// peopleQuery builds the drill-down query: $1 the report day, $2 the
// view's roots, then the filters' arguments; limit cuts the sorted rows.
// Sorted on the pairs' own columns, the page is cut in the pairs query
// itself and PostgreSQL chooses, from the scope's size, between walking
// the statewide name or due-date index until the page is full (a large
// district: a few thousand index entries) and fetching a small team's
// pairs through the organization index and sorting them. Other sorts
// need the joined names, so in a scoped view the matching pairs are
// fetched first through the organization index (the OFFSET 0 fence) and
// sorted after.
func peopleQuery(v View, f Filter, limit string) (string, []any) {
	where, args := filterWhere(v, f)
	dir := " ASC NULLS LAST"
	if f.Desc {
		dir = " DESC NULLS LAST"
	}
	order := make([]string, 0, 5)
	for i, col := range Sorts[f.Sort] {
		if i == 0 {
			col += dir
		}
		order = append(order, col)
	}
	order = append(order, "user_id", "course_id")
	fence := ""
	switch {
	case limit != "" && pairSorts[f.Sort]:
		fence, limit = "ORDER BY "+strings.Join(order, ", ")+" "+limit, ""
	case v.roots() != nil || f.Org != 0:
		fence = "OFFSET 0"
	}
	// The last activity is read after the page is cut, unless it orders it.
	innerActivity, innerJoin, outerActivity, outerJoin := "", "", ", a.last_activity_at", "JOIN assignments a ON a.id = q.assignment_id"
	if f.Sort == "activity" {
		innerActivity, innerJoin, outerActivity, outerJoin = ", a.last_activity_at", "JOIN assignments a ON a.id = m.assignment_id", "", ""
	}
	q := `WITH t AS (
			SELECT report_midnight($1::date, tz) AS d0, report_midnight($1::date + 14, tz) AS d14,
				report_midnight($1::date + 30, tz) AS d30 FROM report_clock
		), m AS (
			SELECT p.user_id, p.course_id, p.assignment_id, p.user_name, p.org_id, p.roles, p.status, p.due_at,
				p.completed_at, p.has_credit, p.credit_expires_at, p.on_time
			FROM report_pairs p CROSS JOIN t
			WHERE ` + strings.Join(where, "\n\t\t\t  AND ") + `
			` + fence + `
		)
		SELECT q.*` + outerActivity + ` FROM (
			SELECT m.user_id, m.course_id, m.assignment_id, m.user_name, m.org_id, o.name AS org_name, m.roles,
				coalesce(cv.title, c.slug) AS course_title, m.status, m.due_at, m.completed_at, m.has_credit,
				m.credit_expires_at, m.on_time` + innerActivity + `,
				coalesce(m.status = 'open' AND m.due_at < t.d0, false) AS overdue,
				coalesce(m.status = 'open' AND m.due_at >= t.d0 AND m.due_at < t.d14, false) AS due_soon,
				coalesce(m.has_credit AND m.credit_expires_at < t.d0, false) AS lapsed,
				coalesce(m.has_credit AND m.credit_expires_at >= t.d0 AND m.credit_expires_at < t.d30, false) AS expiring
			FROM m CROSS JOIN t
			JOIN organizations o ON o.id = m.org_id
			JOIN courses c ON c.id = m.course_id
			LEFT JOIN course_versions cv ON cv.id = c.current_version_id
			` + innerJoin + `
			ORDER BY ` + strings.Join(order, ", ") + `
			` + limit + `
		) q ` + outerJoin + `
		ORDER BY ` + strings.Join(order, ", ")
	return q, args
}

// People returns one page of the drill-down and whether another follows.
func (s *Service) People(ctx context.Context, v View, f Filter) ([]Person, bool, error) {
	f, err := f.Normalize()
	if err != nil {
		return nil, false, err
	}
	if err := s.checkOrg(ctx, v, f.Org); err != nil {
		return nil, false, err
	}
	q, args := peopleQuery(v, f, fmt.Sprintf("LIMIT %d OFFSET %d", PageSize+1, (f.Page-1)*PageSize))
	args[0] = s.Today().String()
	var out []Person
	err = s.readTx(ctx, func(tx *sqlx.Tx) error { return tx.SelectContext(ctx, &out, q, args...) })
	if err != nil {
		return nil, false, fmt.Errorf("report: people: %w", err)
	}
	more := len(out) > PageSize
	if more {
		out = out[:PageSize]
	}
	return out, more, nil
}

// EachPerson streams every row of the drill-down to fn, in order, holding
// one row at a time (the CSV export). fn's error stops the stream.
func (s *Service) EachPerson(ctx context.Context, v View, f Filter, fn func(Person) error) error {
	f, err := f.Normalize()
	if err != nil {
		return err
	}
	if err := s.checkOrg(ctx, v, f.Org); err != nil {
		return err
	}
	q, args := peopleQuery(v, f, "")
	args[0] = s.Today().String()
	return s.readTx(ctx, func(tx *sqlx.Tx) error {
		rows, err := tx.QueryxContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("report: export: %w", err)
		}
		defer rows.Close()
		var p Person
		for rows.Next() {
			p = Person{}
			if err := rows.StructScan(&p); err != nil {
				return fmt.Errorf("report: export: %w", err)
			}
			if err := fn(p); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("report: export: %w", err)
		}
		return nil
	})
}

// CheckFilter normalizes f and refuses an organization outside the view,
// as People and EachPerson do (for callers that must know before they
// start writing a response).
func (s *Service) CheckFilter(ctx context.Context, v View, f Filter) (Filter, error) {
	f, err := f.Normalize()
	if err != nil {
		return f, err
	}
	return f, s.checkOrg(ctx, v, f.Org)
}

// checkOrg refuses an organization filter outside the view (as not found).
func (s *Service) checkOrg(ctx context.Context, v View, org int64) error {
	if org == 0 {
		return nil
	}
	if v.Focus != 0 {
		_, err := s.ViewOf(ctx, Scope{Roots: []int64{v.Focus}}, org)
		return err
	}
	_, err := s.ViewOf(ctx, v.Scope, org)
	return err
}

// PersonFilterOptions are the choices the drill-down's filter form offers.
type PersonFilterOptions struct {
	Orgs    []OrgOption
	Courses []Group
}

// OrgOption is an organization in the filter's list, indented by depth.
type OrgOption = store.OrgOption

// FilterOptions lists the view's organizations (up to a limit, in tree
// order) and the courses counted in it.
func (s *Service) FilterOptions(ctx context.Context, v View) (PersonFilterOptions, error) {
	var out PersonFilterOptions
	err := s.readTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		out.Orgs, err = store.OrgOptions(ctx, tx, v.roots())
		if err != nil {
			return fmt.Errorf("report: organization options: %w", err)
		}
		var ids []int64
		err = tx.SelectContext(ctx, &ids, `SELECT DISTINCT r.course_id FROM report_org_course r
			WHERE r.pairs > 0 AND `+v.inView("r.org_id", "$1"), v.rootsArg())
		if err != nil {
			return fmt.Errorf("report: course options: %w", err)
		}
		out.Courses = make([]Group, len(ids))
		for i, id := range ids {
			out.Courses[i] = Group{ID: id, Key: strconv.FormatInt(id, 10)}
		}
		return s.labelCourses(ctx, tx, ids, out.Courses)
	})
	return out, err
}
