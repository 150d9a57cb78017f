package people_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/seed"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testfix"
	"github.com/waymark/waymark/seeds"
)

// wired is the people service as the server wires it: the learning area's
// Reconcile is OnPeopleChanged, over the shipped catalog and requirements
// matrix, and the report triggers are live.
type wired struct {
	svc   *people.Service
	learn *learning.Service
	db    *sqlx.DB
	orgs  []string // organization codes to import people into
	roles []string // every job-role code
}

var shippedOnce sync.Once

// newWired wires the service over the package database: the shipped roles,
// courses and requirements, and orgs new schools to import into.
func newWired(tb testing.TB, orgs int) *wired {
	tb.Helper()
	ctx := context.Background()
	svc, db, clk := newService(tb)
	roles, cat := testfix.Shipped(tb)
	learn := wireLearning(tb, svc, db, cat, clk.Now)
	shippedOnce.Do(func() {
		reqs, err := seed.LoadRequirements(seeds.FS, seed.RoleSet(roles), cat)
		if err == nil {
			_, _, err = learn.SeedRequirements(ctx, reqs)
		}
		if err != nil {
			tb.Fatal(err)
		}
	})
	w := &wired{svc: svc, learn: learn, db: db}
	for _, r := range roles {
		w.roles = append(w.roles, r.Code)
	}
	root := testfix.Org(tb, db, "Wired district", "school_district", "Hampden", 0)
	for i := range orgs {
		w.orgs = append(w.orgs, orgCode(tb, db, testfix.Org(tb, db, fmt.Sprintf("Wired school %d", i), "school", "Hampden", root)))
	}
	return w
}

// wireLearning syncs the catalog and sets the learning service's Reconcile
// as svc's hook.
func wireLearning(tb testing.TB, svc *people.Service, db *sqlx.DB, cat *catalog.Catalog, now func() time.Time) *learning.Service {
	tb.Helper()
	ctx := context.Background()
	if _, err := catalog.Sync(ctx, store.NewCourses(db), cat); err != nil {
		tb.Fatal(err)
	}
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		tb.Fatal(err)
	}
	learn, err := learning.New(ctx, db, testfix.Stores(tb, db), cat, learning.Options{Now: now, Location: loc})
	if err != nil {
		tb.Fatal(err)
	}
	svc.OnPeopleChanged = learn.Reconcile
	return learn
}

// wiredFromURL wires the service over an existing, seeded dataset (the
// benchmark generator's), importing into its first 500 units as the
// benchmark harness does.
func wiredFromURL(tb testing.TB, url string) *wired {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	_, cat := testfix.Shipped(tb)
	svc := people.New(db, testfix.Stores(tb, db), people.Options{})
	w := &wired{svc: svc, learn: wireLearning(tb, svc, db, cat, time.Now), db: db}
	if err := db.SelectContext(ctx, &w.orgs, `SELECT code FROM organizations WHERE code LIKE 'U%' ORDER BY id LIMIT 500`); err != nil {
		tb.Fatal(err)
	}
	if err := db.SelectContext(ctx, &w.roles, `SELECT code FROM job_roles ORDER BY code`); err != nil {
		tb.Fatal(err)
	}
	if len(w.orgs) == 0 {
		tb.Fatal("the dataset has no units to import into")
	}
	return w
}

// roster writes n people tagged tag the way the benchmark harness does: a
// role each, a second one on every third row, spread over the
// organizations. shift moves everyone to other roles and organizations
// (0: none), so that a second import with another shift updates them all.
func (w *wired) roster(out io.Writer, tag string, n, shift int) {
	b := bufio.NewWriter(out)
	b.WriteString(header)
	for i := range n {
		k := i + shift
		rs := w.roles[k%len(w.roles)]
		if k%3 == 0 {
			rs += ";" + w.roles[(k+5)%len(w.roles)]
		}
		fmt.Fprintf(b, "wired%s-%d@example.org,\"Imported Person %d\",%s,%s,\n", tag, i, i, w.orgs[k%len(w.orgs)], rs)
	}
	b.Flush()
}

// rosterFile writes the roster to a file in dir.
func (w *wired) rosterFile(tb testing.TB, dir, tag string, n, shift int) string {
	tb.Helper()
	path := fmt.Sprintf("%s/%s-%d.csv", dir, tag, shift)
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w.roster(f, tag, n, shift)
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

// history gives the people imported under tag some past: about half of
// their open assignments completed (with the completion the learning area
// writes, expiring per the course; first cycles up to 400 days before at,
// renewals at at), and some withdrawn. The report
// triggers wait and the report tables are rebuilt once.
func (w *wired) history(tb testing.TB, tag string, at time.Time) {
	tb.Helper()
	err := store.InTx(context.Background(), w.db, func(tx *sqlx.Tx) error {
		if _, err := tx.Exec(`SET LOCAL waymark.report_deferred = on`); err != nil {
			return err
		}
		for _, q := range []string{
			`UPDATE assignments a SET status = 'completed',
				completed_at = $2::timestamptz - CASE WHEN a.cycle = 1 THEN a.id % 400 ELSE 0 END * interval '1 day'
			FROM users u WHERE u.id = a.user_id AND u.email LIKE $1 AND a.status = 'open' AND a.id % 2 = 0`,
			`INSERT INTO completions (user_id, course_id, course_version_id, assignment_id, cycle, score, minutes, completed_at, expires_at)
			SELECT a.user_id, a.course_id, c.current_version_id, a.id, a.cycle, 90, cv.minutes, a.completed_at,
				CASE WHEN cv.renewal_months > 0 THEN a.completed_at + make_interval(months => cv.renewal_months) END
			FROM assignments a JOIN users u ON u.id = a.user_id
			JOIN courses c ON c.id = a.course_id JOIN course_versions cv ON cv.id = c.current_version_id
			WHERE u.email LIKE $1 AND a.status = 'completed' AND NOT EXISTS (SELECT 1 FROM completions x WHERE x.assignment_id = a.id)
				AND $2::timestamptz IS NOT NULL`,
			`UPDATE assignments a SET status = 'withdrawn', withdrawn_at = $2
			FROM users u WHERE u.id = a.user_id AND u.email LIKE $1 AND a.status = 'open' AND a.id % 7 = 1`,
		} {
			if _, err := tx.Exec(q, "wired"+tag+"-%", at); err != nil {
				return err
			}
		}
		_, err := tx.Exec(`SELECT report_rebuild()`)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
}
