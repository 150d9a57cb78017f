package testdb

import (
	"context"
	"testing"

	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/migrations"
)

// Fresh creates another freshly migrated database on the package's server
// for one test (a command run twice from scratch, say) and returns its
// URL; it is dropped when the test ends.
func Fresh(t testing.TB) string {
	t.Helper()
	DB(t)
	ctx := context.Background()
	admin, err := store.Open(ctx, AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	name := "waymark_test_" + randomHex(6)
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		admin.Close()
		t.Fatalf("testdb: create database: %v", err)
	}
	t.Cleanup(func() {
		admin.ExecContext(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
		admin.Close()
	})
	u := withDatabase(AdminURL(), name)
	db, err := store.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := store.Migrate(ctx, db, migrations.FS); err != nil {
		t.Fatal(err)
	}
	return u
}
