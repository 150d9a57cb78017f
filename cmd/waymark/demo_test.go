package main

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/report"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testdb"
)

// demoFigures is what the state administrator's dashboard shows after
// seed --demo, and what the history wrote.
type demoFigures struct {
	Total    report.Counts
	Trend    []report.TrendPoint
	Sections map[string]int // rows per dashboard section
	Rows     map[string]int // rows per table the history writes
}

func seedDemoInto(t *testing.T, url string) demoFigures {
	t.Helper()
	t.Setenv("DATABASE_URL", url)
	t.Setenv("COURSES_DIR", "")
	var out bytes.Buffer
	start := time.Now()
	if code := run(context.Background(), []string{"seed", "--demo"}, &out, &out); code != 0 {
		t.Fatalf("seed --demo: exit %d\n%s", code, out.String())
	}
	t.Logf("seed --demo in %.1fs: %s", time.Since(start).Seconds(), strings.SplitN(out.String(), "\n", 5)[3])
	db, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	loc, _ := time.LoadLocation("America/New_York")
	d, err := report.New(db, report.Options{Location: loc}).Dashboard(context.Background(), report.View{Scope: store.Scope{All: true}})
	if err != nil {
		t.Fatal(err)
	}
	f := demoFigures{Total: d.Total, Trend: d.Trend, Rows: map[string]int{},
		Sections: map[string]int{"branch": len(d.ByBranch), "course": len(d.ByCourse), "role": len(d.ByRole),
			"county": len(d.ByCounty), "type": len(d.ByType)}}
	for _, table := range []string{"users", "assignments", "completions", "certificates", "email_outbox", "audit_log",
		"prevention_classes", "prevention_deliveries", "prevention_survey_phases", "lesson_progress"} {
		var n int
		if err := db.Get(&n, `SELECT count(*) FROM `+table); err != nil {
			t.Fatal(err)
		}
		f.Rows[table] = n
	}
	var revoked int
	db.Get(&revoked, `SELECT count(*) FROM certificates WHERE revoked_at IS NOT NULL`)
	f.Rows["revoked certificates"] = revoked
	return f
}

// After seed --demo every figure of the state administrator's dashboard
// is a real, non-zero figure with a year of history behind it; the seed
// is deterministic (a second database seeded from scratch shows the same
// figures) and idempotent (seeding again adds nothing).
func TestDemoShowsAYearOfRealFiguresDeterministically(t *testing.T) {
	first := testdb.Fresh(t)
	a := seedDemoInto(t, first)
	c := a.Total
	for name, v := range map[string]int{"counted": c.Pairs, "complete": c.Complete(), "completed on time": c.OnTime,
		"late": c.Late(), "overdue": c.Overdue(), "due in 14 days": c.DueSoon(), "expiring in 30 days": c.Expiring(),
		"lapsed": c.Lapsed(), "not complete": c.NotComplete()} {
		if v == 0 {
			t.Errorf("the dashboard's %s figure is 0", name)
		}
	}
	if rate, ok := c.CompletionRate(); !ok || rate < 0.4 || rate > 0.95 {
		t.Errorf("completion rate %.2f: not a believable figure", rate)
	}
	if rate, ok := c.OnTimeRate(); !ok || rate < 0.4 || rate > 0.95 {
		t.Errorf("on-time rate %.2f: not a believable figure", rate)
	}
	months := 0
	for _, p := range a.Trend {
		if p.Completions > 0 {
			months++
		}
	}
	if len(a.Trend) != 12 || months < 11 {
		t.Errorf("completions in %d of %d trend months, want them spread over the year", months, len(a.Trend))
	}
	for name, n := range a.Sections {
		if n < 2 {
			t.Errorf("the dashboard's by-%s section has %d rows", name, n)
		}
	}
	for table, n := range a.Rows {
		if n == 0 {
			t.Errorf("the demo wrote no %s", table)
		}
	}
	var renewals int
	db, _ := store.Open(context.Background(), first)
	db.Get(&renewals, `SELECT count(*) FROM completions WHERE cycle > 1`)
	var facilitatorReady int
	db.Get(&facilitatorReady, `SELECT count(*) FROM completions cm JOIN users u ON u.id = cm.user_id JOIN courses c ON c.id = cm.course_id
		WHERE u.email = 'counselor@demo.waymark.example' AND c.slug = 'facilitator-preparation'`)
	db.Close()
	if renewals == 0 || facilitatorReady != 1 {
		t.Errorf("renewals %d, facilitator's preparation completions %d", renewals, facilitatorReady)
	}

	if again := seedDemoInto(t, first); !reflect.DeepEqual(again, a) {
		t.Errorf("seeding again changed the demo:\n%s", diffFigures(a, again))
	}
	if other := seedDemoInto(t, testdb.Fresh(t)); !reflect.DeepEqual(other.Total, a.Total) || !reflect.DeepEqual(other.Trend, a.Trend) ||
		!reflect.DeepEqual(other.Rows, a.Rows) {
		t.Errorf("a second database seeded from scratch shows other figures:\n%s", diffFigures(a, other))
	}
}

func diffFigures(a, b demoFigures) string {
	return fmt.Sprintf("total %+v\n   vs %+v\nrows %v\n  vs %v", a.Total, b.Total, a.Rows, b.Rows)
}
