package testfix

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/store"
)

// SampleRoles are the job roles the sample catalog
// (internal/catalog/testdata/good) is written for.
var SampleRoles = []store.JobRole{
	{Code: "teacher", Name: "Teacher", Sector: "schools"},
	{Code: "prevention-facilitator", Name: "Prevention facilitator", Sector: "schools"},
}

// SampleCatalog loads the sample catalog the package tests share.
func SampleCatalog(tb testing.TB) *catalog.Catalog {
	tb.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "catalog", "testdata", "good")
	roles := map[string]bool{}
	for _, r := range SampleRoles {
		roles[r.Code] = true
	}
	cat, err := catalog.Load(os.DirFS(dir), roles)
	if err != nil {
		tb.Fatal(err)
	}
	return cat
}

// Sample writes SampleRoles and syncs the sample catalog into db through
// st, as `waymark serve` does with the shipped ones, and returns the
// catalog.
func Sample(tb testing.TB, db *sqlx.DB, st *store.Stores) *catalog.Catalog {
	tb.Helper()
	ctx := context.Background()
	if err := store.UpsertRoles(ctx, db, SampleRoles); err != nil {
		tb.Fatal(err)
	}
	cat := SampleCatalog(tb)
	if _, err := catalog.Sync(ctx, st.Courses, cat); err != nil {
		tb.Fatal(err)
	}
	return cat
}
