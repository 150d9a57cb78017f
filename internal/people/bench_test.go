package people_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testfix"
)

// writeRoster writes a roster of n people spread over orgs, with one to
// three job roles each and a manager scope on every hundredth row.
func writeRoster(tb testing.TB, path, tag string, n int, orgs []string) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	roles := []string{"teacher", "school-counselor", "patrol-officer", "detective", "emergency-clinician", "dcf-social-worker", "hotel-frontline"}
	fmt.Fprint(w, header)
	for i := 0; i < n; i++ {
		org := orgs[i%len(orgs)]
		rs := roles[i%len(roles)]
		if i%3 == 0 {
			rs += ";" + roles[(i+2)%len(roles)]
		}
		scope := ""
		if i%100 == 0 {
			scope = org
		}
		fmt.Fprintf(w, "person%d.%s@example.org,\"Person %d, Tester\",%s,%s,%s\n", i, tag, i, org, rs, scope)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
}

func benchImport(b *testing.B, svc *people.Service, path string, apply bool) people.ImportResult {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	res, err := svc.Import(context.Background(), f, people.ImportOptions{Apply: apply, Source: "benchmark"})
	if err != nil {
		b.Fatal(err)
	}
	if len(res.Problems) > 0 {
		b.Fatalf("problems: %v", res.Problems[:min(5, len(res.Problems))])
	}
	return res
}

// BenchmarkImport50k imports a generated 50,000-row roster: new people,
// then the same file again (nothing changes), then a dry run. The issue
// asks for under 30 seconds for the first.
func BenchmarkImport50k(b *testing.B) {
	const n = 50_000
	svc, db, _ := newService(b)
	svc.OnPeopleChanged = func(context.Context, *sqlx.Tx, []int64) error { return nil }
	root := testfix.Org(b, db, "Bench district", "school_district", "Hampden", 0)
	var orgs []string
	for i := 0; i < 50; i++ {
		orgs = append(orgs, orgCode(b, db, testfix.Org(b, db, fmt.Sprintf("School %d", i), "school", "Hampden", root)))
	}
	dir := b.TempDir()
	b.Run("create", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			path := filepath.Join(dir, fmt.Sprintf("roster-%d.csv", i))
			writeRoster(b, path, testfix.Unique("b"), n, orgs)
			b.StartTimer()
			if res := benchImport(b, svc, path, true); res.Created != n {
				b.Fatalf("created %d", res.Created)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	path := filepath.Join(dir, "same.csv")
	writeRoster(b, path, testfix.Unique("s"), n, orgs)
	benchImport(b, svc, path, true)
	b.Run("unchanged", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if res := benchImport(b, svc, path, true); res.Unchanged != n {
				b.Fatalf("unchanged %d", res.Unchanged)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("dry-run", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			benchImport(b, svc, path, false)
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}

// BenchmarkImportWired imports 50,000 new people as the server wires the
// import (the learning area's Reconcile in the same transaction, report
// triggers live), then the same file again (nothing changes), then the
// same people moved to other roles and organizations. It reports the
// hook's share (hook-s/op) and the assignments the first import created.
// By default it runs on the package database after importing a
// background of 20,000 people with some history; with
// WAYMARK_BENCH_DATABASE_URL it runs on an existing dataset (a copy of the
// one `make bench` generates: the rows it imports stay there).
// WAYMARK_BENCH_IMPORT_ROWS sets another number of rows.
func BenchmarkImportWired(b *testing.B) {
	n := 50_000
	if v, err := strconv.Atoi(os.Getenv("WAYMARK_BENCH_IMPORT_ROWS")); err == nil && v > 0 {
		n = v
	}
	w := benchWired(b)
	var hook time.Duration
	w.svc.OnPeopleChanged = func(ctx context.Context, tx *sqlx.Tx, ids []int64) error {
		start := time.Now()
		defer func() { hook += time.Since(start) }()
		return w.learn.Reconcile(ctx, tx, ids)
	}
	dir, tag := b.TempDir(), testfix.Unique("")
	var path string
	run := func(name string, want func(people.ImportResult) int, file func(i int) string) {
		b.Run(name, func(b *testing.B) {
			hook = 0
			var before, after int64
			w.db.Get(&before, `SELECT count(*) FROM assignments`)
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				path = file(i)
				b.StartTimer()
				if res := benchImport(b, w.svc, path, true); want(res) != n {
					b.Fatalf("%s: %s", name, res.Summary())
				}
			}
			b.StopTimer()
			w.db.Get(&after, `SELECT count(*) FROM assignments`)
			b.ReportMetric(hook.Seconds()/float64(b.N), "hook-s/op")
			b.ReportMetric(float64(after-before)/float64(b.N), "assignments/op")
		})
	}
	run("create", func(r people.ImportResult) int { return r.Created },
		func(i int) string { return w.rosterFile(b, dir, fmt.Sprintf("%sc%d", tag, i), n, 0) })
	run("unchanged", func(r people.ImportResult) int { return r.Unchanged }, func(int) string { return path })
	run("update", func(r people.ImportResult) int { return r.Updated },
		func(i int) string { return w.rosterFile(b, dir, fmt.Sprintf("%sc0", tag), n, 1+i) })
}

// benchWired is the wired service over WAYMARK_BENCH_DATABASE_URL, or over
// the package database with a background of 20,000 people.
func benchWired(b *testing.B) *wired {
	if url := os.Getenv("WAYMARK_BENCH_DATABASE_URL"); url != "" {
		return wiredFromURL(b, url)
	}
	w := newWired(b, 200)
	tag := testfix.Unique("bg")
	var csv strings.Builder
	w.roster(&csv, tag, 20_000, 0)
	hook := w.svc.OnPeopleChanged
	w.svc.OnPeopleChanged = nil
	if _, err := w.svc.Import(context.Background(), strings.NewReader(csv.String()), people.ImportOptions{Apply: true}); err != nil {
		b.Fatal(err)
	}
	w.svc.OnPeopleChanged = hook
	err := store.InTx(context.Background(), w.db, func(tx *sqlx.Tx) error {
		_, err := tx.Exec(`SET LOCAL waymark.report_deferred = on`)
		if err == nil {
			_, err = w.learn.ReconcileAll(context.Background(), tx)
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	w.history(b, tag, time.Now())
	if _, err := w.db.Exec(`VACUUM ANALYZE`); err != nil {
		b.Fatal(err)
	}
	return w
}
