package testdb

import (
	"context"
	"net/url"
	"testing"
)

// URLWithout returns a URL of the package database in which table is seen
// without column, leaving the database itself alone: a schema of the
// test's own, first in the search path, holds a copy of the table with the
// column dropped. It is how a test shows what a schema that no longer
// fits a query does; the schema is dropped when the test ends.
func URLWithout(t testing.TB, table, column string) string {
	t.Helper()
	db := DB(t)
	schema := "shadow_" + randomHex(6)
	ctx := context.Background()
	for _, q := range []string{`CREATE SCHEMA ` + schema,
		`CREATE TABLE ` + schema + `.` + table + ` (LIKE public.` + table + `)`,
		`ALTER TABLE ` + schema + `.` + table + ` DROP COLUMN ` + column} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("testdb: %s: %v", q, err)
		}
	}
	t.Cleanup(func() { db.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`) })
	u, err := url.Parse(sharedURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	return u.String()
}
