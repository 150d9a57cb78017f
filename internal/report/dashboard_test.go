package report_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/report"
	"github.com/waymark/waymark/internal/store"
)

// fig is a group's figures as the dashboard shows them.
type fig struct {
	Pairs, Complete, Overdue, DueSoon, Lapsed, Expiring, Completed, OnTime, CameDue int
}

func figOf(c report.Counts) fig {
	return fig{c.Pairs, c.Complete(), c.Overdue(), c.DueSoon(), c.Lapsed(), c.Expiring(), c.Completed, c.OnTime, c.CameDue()}
}

// The worked example of docs/METRICS.md, as of 15 March 2026.
var (
	wantR  = fig{Pairs: 11, Complete: 5, Overdue: 2, DueSoon: 3, Lapsed: 1, Expiring: 1, Completed: 5, OnTime: 4, CameDue: 7}
	wantA  = fig{Pairs: 6, Complete: 3, Overdue: 2, DueSoon: 2, Lapsed: 1, Expiring: 1, Completed: 2, OnTime: 1, CameDue: 4}
	wantB  = fig{Pairs: 2, Complete: 0, Overdue: 0, DueSoon: 1, Lapsed: 0, Expiring: 0, Completed: 0, OnTime: 0, CameDue: 0}
	ownR   = fig{Pairs: 3, Complete: 2, Overdue: 0, DueSoon: 0, Lapsed: 0, Expiring: 0, Completed: 3, OnTime: 3, CameDue: 3}
	wantC1 = fig{Pairs: 7, Complete: 4, Overdue: 1, DueSoon: 2, Lapsed: 1, Expiring: 1, Completed: 3, OnTime: 3, CameDue: 4}
	wantC2 = fig{Pairs: 4, Complete: 1, Overdue: 1, DueSoon: 1, Lapsed: 0, Expiring: 0, Completed: 2, OnTime: 1, CameDue: 3}
)

func dashboardOf(t *testing.T, s *report.Service, isAdmin bool, scope []int64, focus int64) report.Dashboard {
	t.Helper()
	ctx := context.Background()
	sc, err := s.ScopeFor(ctx, isAdmin, scope)
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.ViewOf(ctx, sc, focus)
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.Dashboard(ctx, v)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func groupByKey(gs []report.Group, key string) (report.Group, bool) {
	for _, g := range gs {
		if g.Key == key {
			return g, true
		}
	}
	return report.Group{}, false
}

func TestDashboardDefinitions(t *testing.T) {
	w := buildWorld(t)
	s := newService(w.db, today)
	d := dashboardOf(t, s, false, []int64{w.R}, 0)
	if d.View.Focus != w.R {
		t.Fatalf("a manager of one organization is focused on it; focus = %d", d.View.Focus)
	}
	if got := figOf(d.Total); got != wantR {
		t.Errorf("total\n got %+v\nwant %+v", got, wantR)
	}
	if r, ok := d.Total.CompletionRate(); !ok || r != 5.0/11 {
		t.Errorf("completion rate = %v, want 5/11", r)
	}
	if r, ok := d.Total.OnTimeRate(); !ok || r != 4.0/7 {
		t.Errorf("on-time rate = %v, want 4/7", r)
	}
	branches := map[string]fig{}
	for _, b := range d.ByBranch {
		name := b.Label
		if b.Own {
			name = "own"
		}
		branches[name] = figOf(b.Counts)
	}
	for name, want := range map[string]fig{"Alpha unit": wantA, "Beta school": wantB, "own": ownR} {
		if got := branches[name]; got != want {
			t.Errorf("branch %s\n got %+v\nwant %+v", name, got, want)
		}
	}
	for id, want := range map[int64]fig{w.C1: wantC1, w.C2: wantC2} {
		g, _ := groupByKey(d.ByCourse, itoa(id))
		if got := figOf(g.Counts); got != want {
			t.Errorf("course %d (%s)\n got %+v\nwant %+v", id, g.Label, got, want)
		}
	}
	roles := map[string]int{}
	for _, g := range d.ByRole {
		roles[g.Key] = g.Pairs
	}
	if want := map[string]int{"teacher": 6, "patrol-officer": 4, "": 3}; !equalMaps(roles, want) {
		t.Errorf("pairs by role = %v, want %v", roles, want)
	}
}

func TestDashboardTrend(t *testing.T) {
	w := buildWorld(t)
	s := newService(w.db, today)
	d := dashboardOf(t, s, false, []int64{w.R}, 0)
	if len(d.Trend) != 12 || !d.Trend[0].Month.Equal(time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)) || !d.Trend[11].ToDate {
		t.Fatalf("trend months: %+v", d.Trend)
	}
	type point struct{ Completions, Complete, Pairs int }
	want := map[string]point{
		"2025-04": {0, 3, 3}, "2025-11": {0, 3, 3}, "2025-12": {0, 3, 5},
		"2026-01": {2, 4, 9}, "2026-02": {1, 4, 10}, "2026-03": {1, 5, 11},
	}
	for _, p := range d.Trend {
		w, ok := want[p.Month.Format("2006-01")]
		if !ok {
			continue
		}
		if got := (point{p.Completions, p.Complete, p.Pairs}); got != w {
			t.Errorf("trend %s = %+v, want %+v", p.Month.Format("2006-01"), got, w)
		}
	}
}

// A parent's figures are the sum over its children plus its own people,
// and every breakdown adds up to the total (job roles aside: a person
// with two roles counts in both).
func TestReconciliation(t *testing.T) {
	w := buildWorld(t)
	s := newService(w.db, today)
	for _, focus := range []int64{0, w.R, w.A} { // 0: the whole state, from the statewide shards
		d := dashboardOf(t, s, true, nil, focus)
		for name, groups := range map[string][]report.Group{"branch": d.ByBranch, "course": d.ByCourse,
			"county": d.ByCounty, "type": d.ByType} {
			var sum report.Counts
			for _, g := range groups {
				sum = sum.Add(g.Counts)
			}
			if sum != d.Total {
				t.Errorf("focus %d: sum by %s %+v != total %+v", focus, name, sum, d.Total)
			}
		}
	}
	a := dashboardOf(t, s, true, nil, w.A)
	if got := figOf(a.Total); got != wantA {
		t.Errorf("A's own dashboard %+v, want its branch row %+v", got, wantA)
	}
	// The state's figures (statewide shards) equal the sum of its
	// top-level organizations' (per-organization rollups), trend included.
	state := dashboardOf(t, s, true, nil, 0)
	var sum report.Counts
	trend := make([]report.TrendPoint, len(state.Trend))
	var roles = map[string]report.Counts{}
	for _, b := range state.ByBranch {
		d := dashboardOf(t, s, true, nil, b.ID)
		sum = sum.Add(d.Total)
		for i, p := range d.Trend {
			trend[i].Pairs += p.Pairs
			trend[i].Complete += p.Complete
			trend[i].Completions += p.Completions
		}
		for _, g := range d.ByRole {
			roles[g.Key] = roles[g.Key].Add(g.Counts)
		}
	}
	if sum != state.Total {
		t.Errorf("statewide %+v != sum over top-level organizations %+v", state.Total, sum)
	}
	for i, p := range state.Trend {
		if p.Pairs != trend[i].Pairs || p.Complete != trend[i].Complete || p.Completions != trend[i].Completions {
			t.Errorf("statewide trend %s = %+v, top-level sum %+v", p.Month.Format("2006-01"), p, trend[i])
		}
	}
	for _, g := range state.ByRole {
		if roles[g.Key] != g.Counts {
			t.Errorf("statewide role %q = %+v, top-level sum %+v", g.Key, g.Counts, roles[g.Key])
		}
	}
}

// The stored counters are as of the clock's day; a reader on another day
// is corrected, and moving the clock gives the same figures.
func TestClockCorrection(t *testing.T) {
	w := buildWorld(t)
	s := newService(w.db, today)
	ctx := context.Background()
	before := dashboardOf(t, s, false, []int64{w.R}, 0)
	var clock time.Time
	w.db.GetContext(ctx, &clock, `SELECT day FROM report_clock`)
	defer w.db.ExecContext(ctx, `SELECT report_advance($1::date)`, clock.Format(time.DateOnly))
	for _, day := range []string{"2026-03-15", "2026-03-01", "2025-01-01"} {
		if _, err := w.db.ExecContext(ctx, `SELECT report_advance($1::date)`, day); err != nil {
			t.Fatal(err)
		}
		after := dashboardOf(t, s, false, []int64{w.R}, 0)
		if after.Total != before.Total {
			t.Errorf("clock at %s: total %+v, want %+v", day, after.Total, before.Total)
		}
		for i := range after.ByRole {
			if after.ByRole[i] != before.ByRole[i] {
				t.Errorf("clock at %s: role %+v, want %+v", day, after.ByRole[i], before.ByRole[i])
			}
		}
	}
	// A week later: p2's C1 (due on the 15th) and p3's renewal are overdue,
	// p3's credit lapsed on the 21st; p8's C2 is still due soon.
	later := dashboardOf(t, newService(w.db, at(2026, 3, 22)), false, []int64{w.R}, 0)
	want := fig{Pairs: 11, Complete: 4, Overdue: 4, DueSoon: 1, Lapsed: 2, Expiring: 0, Completed: 5, OnTime: 4, CameDue: 9}
	if got := figOf(later.Total); got != want {
		t.Errorf("a week later\n got %+v\nwant %+v", got, want)
	}
}

// A manager never sees another subtree: not its figures, not as a focus.
func TestScope(t *testing.T) {
	w := buildWorld(t)
	s := newService(w.db, today)
	ctx := context.Background()
	d := dashboardOf(t, s, false, []int64{w.A}, 0)
	if got := figOf(d.Total); got != wantA {
		t.Errorf("manager of A sees %+v, want %+v", got, wantA)
	}
	sc, _ := s.ScopeFor(ctx, false, []int64{w.A})
	for _, org := range []int64{w.R, w.B, w.X} {
		if _, err := s.ViewOf(ctx, sc, org); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("manager of A focusing on %d: err = %v, want not found", org, err)
		}
	}
	// Overlapping scopes count each pair once.
	both := dashboardOf(t, s, false, []int64{w.A, w.A1, w.R}, 0)
	if got := figOf(both.Total); got != wantR {
		t.Errorf("scope R+A+A1 = %+v, want R's %+v", got, wantR)
	}
	// Two disjoint roots: each is a branch, no own row.
	two := dashboardOf(t, s, false, []int64{w.A, w.B}, 0)
	if len(two.ByBranch) != 2 || figOf(two.Total) != figOf(wantAB()) {
		t.Errorf("scope A+B: %+v", two.ByBranch)
	}
	// No scope, no figures.
	none := dashboardOf(t, s, false, nil, 0)
	if none.Total.Pairs != 0 || len(none.ByBranch) != 0 {
		t.Errorf("empty scope sees %+v", none.Total)
	}
}

func wantAB() report.Counts {
	return report.Counts{Pairs: 8, Open: 6, Completed: 2, OnTime: 1, Credit: 4, DueLtD0: 2, DueLtD14: 5, ExpLtD0: 1, ExpLtD30: 2}
}

// Every change rebuilds to the same report tables: the triggers' running
// sums equal a recomputation from scratch.
func TestTriggersMatchRebuild(t *testing.T) {
	w := buildWorld(t)
	ctx := context.Background()
	db := w.db
	// Changes of every kind: a completion, a role gained and lost, a move,
	// a deactivation, a reactivation, a withdrawal, a due-date change.
	steps := []string{
		`UPDATE assignments SET status = 'completed', completed_at = '2026-03-12 10:00-04' WHERE id = ` + itoa(w.p1C2),
		`INSERT INTO completions (user_id, course_id, course_version_id, assignment_id, cycle, score, minutes, completed_at)
			SELECT a.user_id, a.course_id, c.current_version_id, a.id, a.cycle, 90, 30, a.completed_at
			FROM assignments a JOIN courses c ON c.id = a.course_id WHERE a.id = ` + itoa(w.p1C2),
		`INSERT INTO user_roles (user_id, role_code) VALUES (` + itoa(w.people["p4"]) + `, 'teacher')`,
		`DELETE FROM user_roles WHERE user_id = ` + itoa(w.people["p2"]) + ` AND role_code = 'teacher'`,
		`UPDATE users SET org_id = ` + itoa(w.B) + ` WHERE id = ` + itoa(w.people["p3"]),
		`UPDATE users SET deactivated_at = now() WHERE id = ` + itoa(w.people["p5"]),
		`UPDATE users SET deactivated_at = NULL WHERE id = ` + itoa(w.people["p6"]),
		`UPDATE users SET name = 'Renamed person' WHERE id = ` + itoa(w.people["p8"]),
		`UPDATE assignments SET status = 'withdrawn', withdrawn_at = now() WHERE id = ` + itoa(w.p2C1),
		`UPDATE assignments SET due_at = '2026-03-16 12:00-04' WHERE id = ` + itoa(w.pxC1),
		`UPDATE assignments SET last_activity_at = now() WHERE id = ` + itoa(w.pxC1),
	}
	for _, q := range steps {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	snap := func() string {
		var out string
		err := db.GetContext(ctx, &out, `SELECT md5(concat_ws('|',
			(SELECT string_agg(p::text, ',' ORDER BY user_id, course_id) FROM report_pairs p),
			(SELECT string_agg(c::text, ',' ORDER BY org_id, course_id) FROM report_org_course c WHERE pairs <> 0 OR credit <> 0),
			(SELECT string_agg(r::text, ',' ORDER BY org_id, role_code) FROM report_org_role r WHERE pairs <> 0 OR credit <> 0),
			(SELECT string_agg(m::text, ',' ORDER BY org_id, month) FROM report_org_month m
				WHERE assigned <> 0 OR credit_start <> 0 OR credit_end <> 0 OR completions <> 0),
			(SELECT string_agg(o::text, ',' ORDER BY org_id) FROM report_org o WHERE pairs <> 0 OR credit <> 0),
			(SELECT string_agg(c::text, ',' ORDER BY shard, course_id) FROM report_state_course c WHERE pairs <> 0 OR credit <> 0),
			(SELECT string_agg(r::text, ',' ORDER BY shard, role_code) FROM report_state_role r WHERE pairs <> 0 OR credit <> 0),
			(SELECT string_agg(m::text, ',' ORDER BY shard, month) FROM report_state_month m
				WHERE assigned <> 0 OR credit_start <> 0 OR credit_end <> 0 OR completions <> 0)))`)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	running := snap()
	if _, err := db.ExecContext(ctx, `SELECT report_rebuild()`); err != nil {
		t.Fatal(err)
	}
	if rebuilt := snap(); rebuilt != running {
		t.Fatal("the report tables kept by the triggers differ from a rebuild")
	}
	var name string
	db.GetContext(ctx, &name, `SELECT user_name FROM report_pairs WHERE user_id = $1`, w.people["p8"])
	if name != "Renamed person" {
		t.Errorf("a renamed person is listed as %q", name)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func equalMaps(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
