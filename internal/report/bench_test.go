package report_test

import (
	"context"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/report"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testdb"
)

// The benchmarks run on a synthetic state generated once per package run:
// WAYMARK_BENCH_ASSIGNMENTS assignments (default 200,000), a tenth as many
// people and one organization per 40 people. For the 2M / 200k
// figures: WAYMARK_BENCH_ASSIGNMENTS=2000000 go test -run '^$' -bench . ./internal/report
// Each benchmark reports its median (ms-p50) next to the mean.
// WAYMARK_BENCH_DATABASE_URL runs them on an existing database instead
// (one filled by Synthesize or by waymark's benchmark generator).

var (
	benchOnce sync.Once
	benchDB   *sqlx.DB
	benchRes  report.SynthResult
	benchErr  error
)

func benchState(b *testing.B) report.SynthResult {
	b.Helper()
	if url := os.Getenv("WAYMARK_BENCH_DATABASE_URL"); url != "" {
		benchOnce.Do(func() {
			ctx := context.Background()
			if benchDB, benchErr = store.Open(ctx, url); benchErr != nil {
				return
			}
			benchErr = benchDB.GetContext(ctx, &benchRes.LargestOrg, `SELECT oc.ancestor_id FROM org_closure oc
				JOIN organizations o ON o.id = oc.ancestor_id AND o.parent_id IS NOT NULL
				JOIN report_pairs p ON p.org_id = oc.descendant_id
				GROUP BY oc.ancestor_id ORDER BY count(*) DESC, oc.ancestor_id LIMIT 1`)
		})
		if benchErr != nil {
			b.Fatal(benchErr)
		}
		return benchRes
	}
	db := testdb.DB(b)
	benchOnce.Do(func() {
		benchDB = db
		n := 200_000
		if v, err := strconv.Atoi(os.Getenv("WAYMARK_BENCH_ASSIGNMENTS")); err == nil && v > 0 {
			n = v
		}
		users := max(100, n/10)
		start := time.Now()
		benchRes, benchErr = report.Synthesize(context.Background(), db, report.SynthSizes{
			Orgs: max(20, users/40), Users: users, Assignments: n, Prefix: "BENCH"})
		b.Logf("generated %d organizations, %d people, %d assignments, %d completions in %s",
			benchRes.Orgs, benchRes.Users, benchRes.Assignments, benchRes.Completions, time.Since(start).Round(time.Second))
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchRes
}

// timed runs fn b.N times and reports the median as ms-p50.
func timed(b *testing.B, fn func() error) {
	b.Helper()
	var took []time.Duration
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		if err := fn(); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "ms-p50")
}

func BenchmarkDashboardStatewide(b *testing.B) {
	benchState(b)
	s := report.New(benchDB, report.Options{Location: ny})
	v := report.View{Scope: report.Scope{All: true}}
	timed(b, func() error { _, err := s.Dashboard(context.Background(), v); return err })
}

func BenchmarkDashboardLargeOrg(b *testing.B) {
	res := benchState(b)
	s := report.New(benchDB, report.Options{Location: ny})
	v := report.View{Scope: report.Scope{Roots: []int64{res.LargestOrg}}, Focus: res.LargestOrg}
	timed(b, func() error { _, err := s.Dashboard(context.Background(), v); return err })
}

// BenchmarkDrilldown is the first page of a large organization's people,
// sorted by name, with the page's filter options.
func BenchmarkDrilldown(b *testing.B) {
	res := benchState(b)
	s := report.New(benchDB, report.Options{Location: ny})
	v := report.View{Scope: report.Scope{Roots: []int64{res.LargestOrg}}, Focus: res.LargestOrg}
	timed(b, func() error {
		if _, _, err := s.People(context.Background(), v, report.Filter{Sort: "name"}); err != nil {
			return err
		}
		_, err := s.FilterOptions(context.Background(), v)
		return err
	})
}

func BenchmarkDrilldownOverdueByDue(b *testing.B) {
	res := benchState(b)
	s := report.New(benchDB, report.Options{Location: ny})
	v := report.View{Scope: report.Scope{Roots: []int64{res.LargestOrg}}, Focus: res.LargestOrg}
	timed(b, func() error {
		_, _, err := s.People(context.Background(), v, report.Filter{Status: "overdue", Sort: "due", Page: 3})
		return err
	})
}

func BenchmarkDrilldownStatewide(b *testing.B) {
	benchState(b)
	s := report.New(benchDB, report.Options{Location: ny})
	v := report.View{Scope: report.Scope{All: true}}
	timed(b, func() error { _, _, err := s.People(context.Background(), v, report.Filter{Sort: "name"}); return err })
}

// BenchmarkCSVExportStatewide streams every counted pair of the state as
// CSV to nowhere; B/op shows the memory per export stays flat.
func BenchmarkCSVExportStatewide(b *testing.B) {
	benchState(b)
	s := report.New(benchDB, report.Options{Location: ny})
	v := report.View{Scope: report.Scope{All: true}}
	rows := 0
	timed(b, func() error {
		w := report.NewCSVWriter(io.Discard, ny, nil)
		rows = 0
		err := s.EachPerson(context.Background(), v, report.Filter{Sort: "org"}, func(p report.Person) error {
			rows++
			return w.Write(p)
		})
		if err != nil {
			return err
		}
		return w.Flush()
	})
	b.ReportMetric(float64(rows), "rows")
}

// BenchmarkCalibration counts a million generated rows in PostgreSQL: a
// yardstick of how busy the machine was when the other figures were taken
// (about 60 ms on an idle core of the benchmark machine).
func BenchmarkCalibration(b *testing.B) {
	benchState(b)
	timed(b, func() error {
		var n int
		return benchDB.GetContext(context.Background(), &n, `SELECT count(*) FROM generate_series(1, 1000000)`)
	})
}

// BenchmarkDrilldownSmallOrg is a small team's first page sorted by name:
// it must not walk the state's name index to find its few people.
func BenchmarkDrilldownSmallOrg(b *testing.B) {
	benchState(b)
	var small int64
	if err := benchDB.GetContext(context.Background(), &small, `SELECT org_id FROM report_pairs
		GROUP BY org_id ORDER BY count(*), org_id LIMIT 1`); err != nil {
		b.Fatal(err)
	}
	s := report.New(benchDB, report.Options{Location: ny})
	v := report.View{Scope: report.Scope{Roots: []int64{small}}, Focus: small}
	timed(b, func() error { _, _, err := s.People(context.Background(), v, report.Filter{Sort: "name"}); return err })
}

// BenchmarkCSVExportCourse streams the state's rows of its most assigned
// course (about 135,000 at 2M assignments) as CSV and reports how far the
// Go heap rose above where it started while doing so (heap-growth-MB):
// rows are written as they are read, so it stays flat.
func BenchmarkCSVExportCourse(b *testing.B) {
	benchState(b)
	var course int64
	if err := benchDB.GetContext(context.Background(), &course, `SELECT course_id FROM report_state_course
		GROUP BY course_id ORDER BY sum(pairs) DESC LIMIT 1`); err != nil {
		b.Fatal(err)
	}
	s := report.New(benchDB, report.Options{Location: ny})
	v := report.View{Scope: report.Scope{All: true}}
	rows, growth := 0, uint64(0)
	timed(b, func() error {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base, peak := ms.HeapAlloc, ms.HeapAlloc
		w := report.NewCSVWriter(io.Discard, ny, nil)
		rows = 0
		err := s.EachPerson(context.Background(), v, report.Filter{Course: course, Sort: "org"}, func(p report.Person) error {
			if rows++; rows%5000 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
			return w.Write(p)
		})
		growth = max(growth, peak-base)
		if err != nil {
			return err
		}
		return w.Flush()
	})
	b.ReportMetric(float64(rows), "rows")
	b.ReportMetric(float64(growth)/(1<<20), "heap-growth-MB")
}
