package store_test

import (
	"context"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func TestConcurrentMigratorsApplyEachMigrationOnce(t *testing.T) {
	db := testdb.DB(t)
	ctx := context.Background()
	// A separate schema-less set of migrations in their own table space:
	// each migration appends a row, so a double application shows up.
	fsys := fstest.MapFS{
		"9001_probe_table.sql": {Data: []byte(`CREATE TABLE migrate_probe (n int); SELECT pg_sleep(0.2);`)},
		"9002_probe_row.sql":   {Data: []byte(`INSERT INTO migrate_probe VALUES (1); SELECT pg_sleep(0.2);`)},
		"9003_probe_row2.sql":  {Data: []byte(`INSERT INTO migrate_probe VALUES (2);`)},
	}
	const migrators = 4
	var wg sync.WaitGroup
	applied := make([][]string, migrators)
	errs := make([]error, migrators)
	for i := 0; i < migrators; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			applied[i], errs[i] = store.Migrate(ctx, db, fsys)
		}(i)
	}
	wg.Wait()
	total := 0
	for i := range errs {
		if errs[i] != nil {
			t.Fatalf("migrator %d: %v", i, errs[i])
		}
		total += len(applied[i])
	}
	if total != 3 {
		t.Fatalf("migrations applied %d times in all, want 3: %v", total, applied)
	}
	var rows int
	if err := db.GetContext(ctx, &rows, `SELECT count(*) FROM migrate_probe`); err != nil {
		t.Fatal(err)
	}
	if rows != 2 {
		t.Fatalf("probe rows = %d, want 2", rows)
	}
}

func TestFailedMigrationLeavesNothingHalfApplied(t *testing.T) {
	db := testdb.DB(t)
	ctx := context.Background()
	fsys := fstest.MapFS{
		"9101_half.sql": {Data: []byte(`CREATE TABLE half_probe (n int); INSERT INTO half_probe VALUES ('not a number');`)},
	}
	if _, err := store.Migrate(ctx, db, fsys); err == nil {
		t.Fatal("a broken migration succeeded")
	}
	var exists bool
	db.GetContext(ctx, &exists, `SELECT to_regclass('half_probe') IS NOT NULL`)
	if exists {
		t.Fatal("a failed migration left its table behind")
	}
	if err := store.CheckSchema(ctx, db, fsys); err == nil {
		t.Fatal("CheckSchema accepted a schema with a pending migration")
	}
}
