package people_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/testfix"
)

// reportTables are the report area's tables with the condition of a row
// that counts: the triggers leave rollup rows at zero where a rebuild has
// none.
var reportTables = []struct{ name, counts string }{
	{"report_pairs", "true"},
	{"report_org_course", countsSome},
	{"report_org_role", countsSome},
	{"report_org", countsSome},
	{"report_state_course", countsSome},
	{"report_state_role", countsSome},
	{"report_org_month", "assigned <> 0 OR credit_start <> 0 OR credit_end <> 0 OR completions <> 0"},
	{"report_state_month", "assigned <> 0 OR credit_start <> 0 OR credit_end <> 0 OR completions <> 0"},
}

const countsSome = `pairs <> 0 OR open <> 0 OR completed <> 0 OR on_time <> 0 OR credit <> 0
	OR due_lt_d0 <> 0 OR due_lt_d14 <> 0 OR exp_lt_d0 <> 0 OR exp_lt_d30 <> 0`

// matchesRebuild fails the test when the report tables differ from what
// report_rebuild makes of the same data. The rebuild is rolled back.
func matchesRebuild(t *testing.T, db *sqlx.DB) {
	t.Helper()
	ctx := context.Background()
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, r := range reportTables {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`CREATE TEMP TABLE kept_%[1]s ON COMMIT DROP AS SELECT * FROM %[1]s WHERE %[2]s`,
			r.name, r.counts)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tx.ExecContext(ctx, `SELECT report_rebuild()`); err != nil {
		t.Fatal(err)
	}
	for _, r := range reportTables {
		var diff []string
		err := tx.SelectContext(ctx, &diff, fmt.Sprintf(`SELECT d::text FROM (
			(SELECT 'kept' AS side, * FROM (SELECT * FROM kept_%[1]s EXCEPT ALL SELECT * FROM %[1]s WHERE %[2]s) k)
			UNION ALL (SELECT 'rebuilt', * FROM (SELECT * FROM %[1]s WHERE %[2]s EXCEPT ALL SELECT * FROM kept_%[1]s) b)) d LIMIT 6`,
			r.name, r.counts))
		if err != nil {
			t.Fatal(err)
		}
		if len(diff) > 0 {
			t.Errorf("%s differs from a rebuild:\n%s", r.name, strings.Join(diff, "\n"))
		}
	}
}

// reportSnapshot is every counted report row, as text.
func reportSnapshot(t *testing.T, db *sqlx.DB) string {
	t.Helper()
	var out strings.Builder
	for _, r := range reportTables {
		var rows []string
		if err := db.Select(&rows, fmt.Sprintf(`SELECT t::text FROM %s t WHERE %s ORDER BY 1`, r.name, r.counts)); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&out, "%s\n%s\n", r.name, strings.Join(rows, "\n"))
	}
	return out.String()
}

func wiredImport(t *testing.T, w *wired, csv string) people.ImportResult {
	t.Helper()
	res, err := w.svc.Import(context.Background(), strings.NewReader(csv), people.ImportOptions{Apply: true, Source: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) > 0 || !res.Applied {
		t.Fatalf("import: %+v", res)
	}
	return res
}

// An import as the server wires it (assignments reconciled, report
// triggers deferred and the imported people's rows refreshed at the end)
// leaves the report tables as a rebuild from scratch would: for new people,
// for people with a history who change roles, organization and name, and
// for people whose withdrawn assignments reopen. The same file again
// changes nothing, and a failing hook leaves no trace.
func TestWiredImportMatchesRebuild(t *testing.T) {
	w := newWired(t, 6)
	const n = 240
	tag := testfix.Unique("m")
	roster := func(shift int) string {
		var b strings.Builder
		w.roster(&b, tag, n, shift)
		return b.String()
	}
	if res := wiredImport(t, w, roster(0)); res.Created != n {
		t.Fatalf("first import: %s", res.Summary())
	}
	matchesRebuild(t, w.db)
	var pairs int
	w.db.Get(&pairs, `SELECT count(*) FROM report_pairs p JOIN users u ON u.id = p.user_id WHERE u.email LIKE $1`, "wired"+tag+"-%")
	if pairs < n {
		t.Fatalf("%d report pairs for %d new people", pairs, n)
	}

	w.history(t, tag, time.Now().Add(-24*time.Hour))
	moved := strings.ReplaceAll(roster(1), `"Imported Person 1`, `"Renamed Person 1`)
	if res := wiredImport(t, w, moved); res.Updated != n {
		t.Fatalf("moving everyone: %s", res.Summary())
	}
	matchesRebuild(t, w.db)
	if res := wiredImport(t, w, roster(0)); res.Updated != n {
		t.Fatalf("moving everyone back: %s", res.Summary())
	}
	matchesRebuild(t, w.db)
	w.history(t, tag, time.Now())
	if res := wiredImport(t, w, roster(1)); res.Updated != n {
		t.Fatalf("moving everyone again: %s", res.Summary())
	}
	matchesRebuild(t, w.db)
	var cover struct{ Credit, Lapsed, Renewed, Twice, Withdrawn int }
	w.db.Get(&cover, `SELECT count(*) FILTER (WHERE p.has_credit) AS credit, count(*) FILTER (WHERE p.lapse_months <> '{}') AS lapsed,
		count(*) FILTER (WHERE p.cycle > 1) AS renewed, count(*) FILTER (WHERE cardinality(p.done_months) > 1) AS twice,
		(SELECT count(*) FROM assignments a JOIN users u ON u.id = a.user_id AND u.email LIKE $1 WHERE a.status = 'withdrawn') AS withdrawn
		FROM report_pairs p JOIN users u ON u.id = p.user_id WHERE u.email LIKE $1`, "wired"+tag+"-%")
	if cover.Credit == 0 || cover.Lapsed == 0 || cover.Renewed == 0 || cover.Twice == 0 || cover.Withdrawn == 0 {
		t.Errorf("the people's history does not cover every case: %+v", cover)
	}

	before := reportSnapshot(t, w.db)
	if res := wiredImport(t, w, roster(1)); res.Unchanged != n {
		t.Fatalf("the same file again: %s", res.Summary())
	}
	if reportSnapshot(t, w.db) != before {
		t.Error("importing the same file again changed the report tables")
	}

	failed := errors.New("hook failed")
	w.svc.OnPeopleChanged = func(ctx context.Context, tx *sqlx.Tx, ids []int64) error {
		if err := w.learn.Reconcile(ctx, tx, ids); err != nil {
			return err
		}
		return failed
	}
	_, err := w.svc.Import(context.Background(), strings.NewReader(roster(0)), people.ImportOptions{Apply: true})
	if !errors.Is(err, failed) {
		t.Fatalf("import with a failing hook: %v", err)
	}
	if reportSnapshot(t, w.db) != before {
		t.Error("an import whose hook failed changed the report tables")
	}
}
