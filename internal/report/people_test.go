package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/waymark/waymark/internal/report"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testfix"
)

func viewOf(t *testing.T, s *report.Service, isAdmin bool, scope []int64, focus int64) report.View {
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
	return v
}

func allPeople(t *testing.T, s *report.Service, v report.View, f report.Filter) []report.Person {
	t.Helper()
	var out []report.Person
	err := s.EachPerson(context.Background(), v, f, func(p report.Person) error { out = append(out, p); return nil })
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Each figure links to the people behind it: the drill-down with the
// figure's status lists exactly as many pairs as the figure counts.
func TestDrilldownMatchesFigures(t *testing.T) {
	w := buildWorld(t)
	s := newService(w.db, today)
	v := viewOf(t, s, false, []int64{w.R}, 0)
	d, err := s.Dashboard(context.Background(), v)
	if err != nil {
		t.Fatal(err)
	}
	c := d.Total
	want := map[string]int{"all": 11, "complete": 5, "not-complete": 6, "overdue": 2, "due-soon": 3, "lapsed": 1,
		"expiring": 1, "came-due": 7, "on-time": 4, "late": 3, "open": 6}
	figures := map[string]int{"all": c.Pairs, "complete": c.Complete(), "not-complete": c.NotComplete(),
		"overdue": c.Overdue(), "due-soon": c.DueSoon(), "lapsed": c.Lapsed(), "expiring": c.Expiring(),
		"came-due": c.CameDue(), "on-time": c.OnTime, "late": c.Late(), "open": c.Open}
	for status, n := range want {
		rows := allPeople(t, s, v, report.Filter{Status: status})
		page, _, err := s.People(context.Background(), v, report.Filter{Status: status})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != n || len(page) != n || figures[status] != n {
			t.Errorf("%s: drill-down %d (page %d), figure %d, want %d", status, len(rows), len(page), figures[status], n)
		}
	}
	// Filters: a branch's subtree, an organization's own people, a course, a role.
	for _, tt := range []struct {
		name string
		f    report.Filter
		want []string
	}{
		{"A's subtree overdue", report.Filter{Org: w.A, Status: "overdue"}, []string{"p1", "p4"}},
		{"A1 own", report.Filter{Org: w.A1, Own: true}, []string{"p3", "p4"}},
		{"R own", report.Filter{Org: w.R, Own: true}, []string{"p10", "p11", "p9"}},
		{"course two complete", report.Filter{Course: w.C2, Status: "complete"}, []string{"p2"}},
		{"patrol officers", report.Filter{Role: "patrol-officer"}, []string{"p2", "p2", "p3", "p9"}},
		{"no job role", report.Filter{Role: "-"}, []string{"p10", "p11", "p4"}},
	} {
		var got []string
		for _, p := range allPeople(t, s, v, tt.f) {
			got = append(got, w.keyOf(p.UserID))
		}
		sort.Strings(got)
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func (w *world) keyOf(userID int64) string {
	for k, id := range w.people {
		if id == userID {
			return k
		}
	}
	return "?"
}

// A manager never sees another subtree's people, in pages or exports.
func TestDrilldownScope(t *testing.T) {
	w := buildWorld(t)
	s := newService(w.db, today)
	ctx := context.Background()
	v := viewOf(t, s, false, []int64{w.A}, 0)
	for _, p := range allPeople(t, s, v, report.Filter{}) {
		if p.OrgID != w.A && p.OrgID != w.A1 {
			t.Errorf("manager of A sees %s of organization %d", p.Name, p.OrgID)
		}
	}
	if n := len(allPeople(t, s, v, report.Filter{})); n != 6 {
		t.Errorf("manager of A sees %d pairs, want 6", n)
	}
	for _, org := range []int64{w.R, w.B, w.X} {
		if _, _, err := s.People(ctx, v, report.Filter{Org: org}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("filter on organization %d outside the scope: %v", org, err)
		}
		err := s.EachPerson(ctx, v, report.Filter{Org: org}, func(report.Person) error { return nil })
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("export of organization %d outside the scope: %v", org, err)
		}
	}
	// Focused on a child, the filter cannot climb back to the parent.
	vr := viewOf(t, s, false, []int64{w.R}, w.B)
	if _, _, err := s.People(ctx, vr, report.Filter{Org: w.A}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a view focused on B filtered to A: %v", err)
	}
	if _, err := s.Nudge(ctx, v, w.managerA, w.pxC1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("nudge outside the scope: %v", err)
	}
}

func TestDrilldownFilterValidation(t *testing.T) {
	w := buildWorld(t)
	s := newService(w.db, today)
	v := viewOf(t, s, false, []int64{w.R}, 0)
	if _, _, err := s.People(context.Background(), v, report.Filter{Status: "everyone; DROP TABLE users"}); !errors.Is(err, report.ErrBadFilter) {
		t.Errorf("unknown status: %v", err)
	}
	// An unknown sort key falls back to sorting by name.
	rows, _, err := s.People(context.Background(), v, report.Filter{Sort: "user_name; DROP TABLE users"})
	if err != nil {
		t.Fatal(err)
	}
	if !sort.SliceIsSorted(rows, func(i, j int) bool { return rows[i].Name < rows[j].Name }) {
		t.Error("unknown sort key did not sort by name")
	}
	due, _, _ := s.People(context.Background(), v, report.Filter{Sort: "due", Status: "open"})
	for i := 1; i < len(due); i++ {
		if due[i].DueAt != nil && due[i-1].DueAt != nil && due[i].DueAt.Before(*due[i-1].DueAt) {
			t.Errorf("sort by due date: %v before %v", due[i-1].DueAt, due[i].DueAt)
		}
	}
}

// Pages of 50 cover every row once, in order, on a synthetic organization.
func TestDrilldownPagination(t *testing.T) {
	w := buildWorld(t)
	s := newService(w.db, today)
	ctx := context.Background()
	res, err := report.Synthesize(ctx, w.db, report.SynthSizes{Orgs: 30, Users: 400, Assignments: 1600,
		Prefix: strings.ToUpper(testfix.Unique("PG")), Now: today})
	if err != nil {
		t.Fatal(err)
	}
	v := viewOf(t, s, true, nil, res.RootOrgs[0])
	all := allPeople(t, s, v, report.Filter{Sort: "name"})
	if len(all) <= report.PageSize {
		t.Fatalf("only %d rows; the test needs several pages", len(all))
	}
	var paged []report.Person
	for page := 1; ; page++ {
		rows, more, err := s.People(ctx, v, report.Filter{Sort: "name", Page: page})
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, rows...)
		if !more {
			break
		}
	}
	if len(paged) != len(all) {
		t.Fatalf("pages hold %d rows, the export %d", len(paged), len(all))
	}
	for i := range all {
		if paged[i].AssignmentID != all[i].AssignmentID {
			t.Fatalf("row %d differs between pages and export", i)
		}
	}
	d, err := s.Dashboard(ctx, v)
	if err != nil {
		t.Fatal(err)
	}
	if d.Total.Pairs != len(all) {
		t.Errorf("dashboard counts %d pairs, drill-down lists %d", d.Total.Pairs, len(all))
	}
}

func TestCSVExport(t *testing.T) {
	var buf bytes.Buffer
	w := report.NewCSVWriter(&buf, ny, func(c string) string { return map[string]string{"teacher": "Teacher"}[c] })
	if err := w.Header(); err != nil {
		t.Fatal(err)
	}
	due := at(2026, 3, 10)
	rows := []report.Person{
		{Name: "=HYPERLINK(\"http://evil\",\"x\")", OrgName: "+Org", Roles: []string{"teacher"}, CourseTitle: "-2+3",
			Status: "open", DueAt: &due, Overdue: true},
		{Name: "@SUM(A1)", OrgName: "\tTabbed", CourseTitle: "\rReturn", Status: "completed", OnTime: true, HasCredit: true},
		{Name: "Plain, \"quoted\" name", OrgName: "Org\nwith newline", CourseTitle: "Course", Status: "open"},
	}
	for _, p := range rows {
		if err := w.Write(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasSuffix(out, "\r\n") || strings.Count(out, "\r\n") < 4 {
		t.Errorf("records must end with CRLF: %q", out)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 || len(recs[0]) != len(report.CSVHeader) {
		t.Fatalf("records: %q", recs)
	}
	for _, rec := range recs[1:] {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q can be read as a formula", cell)
			}
		}
	}
	if recs[1][0] != `'=HYPERLINK("http://evil","x")` || recs[1][2] != "Teacher" || recs[1][4] != "Overdue" || recs[1][5] != "2026-03-10" {
		t.Errorf("first row: %q", recs[1])
	}
	if recs[3][0] != `Plain, "quoted" name` || recs[3][1] != "Org\nwith newline" {
		t.Errorf("quoting did not round-trip: %q", recs[3])
	}
	for in, want := range map[string]string{"=1+1": "'=1+1", "+1": "'+1", "-1": "'-1", "@x": "'@x", "\tx": "'\tx",
		"\rx": "'\rx", "a=b": "a=b", "": "", "1-2": "1-2"} {
		if got := report.Neutralize(in); got != want {
			t.Errorf("Neutralize(%q) = %q, want %q", in, got, want)
		}
	}
}

// A nudge queues exactly one outbox row per assignment per day, audited.
func TestNudge(t *testing.T) {
	w := buildWorld(t)
	ctx := context.Background()
	s := newService(w.db, today)
	v := viewOf(t, s, false, []int64{w.R}, 0)
	for i, want := range []bool{true, false, false} {
		queued, err := s.Nudge(ctx, v, w.managerR, w.p1C2)
		if err != nil || queued != want {
			t.Fatalf("nudge %d: queued=%v err=%v, want %v", i+1, queued, err, want)
		}
	}
	count := func(q string, args ...any) int {
		var n int
		if err := w.db.GetContext(ctx, &n, q, args...); err != nil {
			t.Fatal(err)
		}
		return n
	}
	key := report.NudgeKey(w.p1C2, report.DayOf(today, ny))
	if n := count(`SELECT count(*) FROM email_outbox WHERE assignment_id = $1 AND kind = 'nudge'`, w.p1C2); n != 1 {
		t.Errorf("%d outbox rows after three nudges on one day, want 1", n)
	}
	var to, subject, text, html string
	w.db.QueryRowxContext(ctx, `SELECT to_addr, subject, text_body, html_body FROM email_outbox WHERE dedupe_key = $1`, key).
		Scan(&to, &subject, &text, &html)
	if subject != "A reminder about Course two" || !strings.Contains(text, "was due on March 10, 2026") ||
		!strings.Contains(text, "https://waymark.test/my") || !strings.Contains(html, "Course two") || !strings.HasSuffix(to, "@example.org") {
		t.Errorf("message: to=%q subject=%q\n%s", to, subject, text)
	}
	if n := count(`SELECT count(*) FROM audit_log WHERE action = 'assignment.nudge' AND entity_id = $1 AND actor_id = $2`,
		itoa(w.p1C2), w.managerR); n != 1 {
		t.Errorf("%d audit entries, want 1", n)
	}
	// The next day, another nudge is allowed.
	tomorrow := newService(w.db, today.AddDate(0, 0, 1))
	if queued, err := tomorrow.Nudge(ctx, v, w.managerR, w.p1C2); err != nil || !queued {
		t.Errorf("next-day nudge: queued=%v err=%v", queued, err)
	}
	if _, err := s.Nudge(ctx, v, w.managerR, w.p1C1); !errors.Is(err, report.ErrNothingToNudge) {
		t.Errorf("nudge of completed training: %v", err)
	}
}
