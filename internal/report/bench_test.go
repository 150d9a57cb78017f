package report_test

import (
	"context"
	"io"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/report"
	"github.com/waymark/waymark/internal/testdb"
)

// The benchmarks run on a synthetic state generated once per package run:
// WAYMARK_BENCH_ASSIGNMENTS assignments (default 200,000), a tenth as many
// people and one organization per 40 people. For the 2M / 200k
// figures: WAYMARK_BENCH_ASSIGNMENTS=2000000 go test -run '^$' -bench . ./internal/report
// Each benchmark reports its median (ms-p50) next to the mean.

var (
	benchOnce sync.Once
	benchRes  report.SynthResult
	benchErr  error
)

func benchState(b *testing.B) report.SynthResult {
	b.Helper()
	db := testdb.DB(b)
	benchOnce.Do(func() {
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
	s := report.New(testdb.DB(b), ny, time.Now, nil)
	v := report.View{Scope: report.Scope{All: true}}
	timed(b, func() error { _, err := s.Dashboard(context.Background(), v); return err })
}

func BenchmarkDashboardLargeOrg(b *testing.B) {
	res := benchState(b)
	s := report.New(testdb.DB(b), ny, time.Now, nil)
	v := report.View{Scope: report.Scope{Roots: []int64{res.LargestOrg}}, Focus: res.LargestOrg}
	timed(b, func() error { _, err := s.Dashboard(context.Background(), v); return err })
}

// BenchmarkDrilldown is the first page of a large organization's people,
// sorted by name, with the page's filter options.
func BenchmarkDrilldown(b *testing.B) {
	res := benchState(b)
	s := report.New(testdb.DB(b), ny, time.Now, nil)
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
	s := report.New(testdb.DB(b), ny, time.Now, nil)
	v := report.View{Scope: report.Scope{Roots: []int64{res.LargestOrg}}, Focus: res.LargestOrg}
	timed(b, func() error {
		_, _, err := s.People(context.Background(), v, report.Filter{Status: "overdue", Sort: "due", Page: 3})
		return err
	})
}

func BenchmarkDrilldownStatewide(b *testing.B) {
	benchState(b)
	s := report.New(testdb.DB(b), ny, time.Now, nil)
	v := report.View{Scope: report.Scope{All: true}}
	timed(b, func() error { _, _, err := s.People(context.Background(), v, report.Filter{Sort: "name"}); return err })
}

// BenchmarkCSVExportStatewide streams every counted pair of the state as
// CSV to nowhere; B/op shows the memory per export stays flat.
func BenchmarkCSVExportStatewide(b *testing.B) {
	benchState(b)
	s := report.New(testdb.DB(b), ny, time.Now, nil)
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
