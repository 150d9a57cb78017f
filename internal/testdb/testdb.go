// Package testdb gives each test package its own freshly migrated
// PostgreSQL database and drops it when the package's tests end.
//
// Use it from TestMain:
//
//	func TestMain(m *testing.M) { testdb.Main(m) }
//
// and get the handle with testdb.DB(t). The server is found through
// TEST_DATABASE_URL, then DATABASE_URL, then postgres://postgres@127.0.0.1:5432.
// When none answers, tests skip locally and fail when CI=true.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/migrations"
)

var (
	shared    *sqlx.DB
	sharedURL string
	openErr   error
)

// AdminURL is the URL of the server's maintenance database.
func AdminURL() string {
	for _, k := range []string{"TEST_DATABASE_URL", "DATABASE_URL"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// Main creates the package database, runs the tests and drops it.
func Main(m *testing.M) {
	ctx := context.Background()
	admin, err := store.Open(ctx, AdminURL())
	if err != nil {
		openErr = err
		os.Exit(m.Run())
	}
	name := "waymark_test_" + randomHex(6)
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		openErr = fmt.Errorf("testdb: create database: %w", err)
		os.Exit(m.Run())
	}
	sharedURL = withDatabase(AdminURL(), name)
	shared, openErr = store.Open(ctx, sharedURL)
	if openErr == nil {
		if _, err := store.Migrate(ctx, shared, migrations.FS); err != nil {
			openErr = err
		}
	}
	code := m.Run()
	if shared != nil {
		shared.Close()
	}
	admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	admin.Close()
	os.Exit(code)
}

// DB returns the package database, or skips (fails under CI=true) when no
// PostgreSQL server answers.
func DB(t testing.TB) *sqlx.DB {
	t.Helper()
	if shared == nil || openErr != nil {
		err := openErr
		if err == nil {
			err = fmt.Errorf("testdb.Main was not called from TestMain")
		}
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is required under CI: %v", err)
		}
		t.Skipf("no PostgreSQL for tests: %v", err)
	}
	return shared
}

// URL returns the connection URL of the package database (after DB).
func URL(t testing.TB) string {
	DB(t)
	return sharedURL
}

func withDatabase(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
