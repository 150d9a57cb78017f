package testfix

import (
	"testing"

	"github.com/waymark/waymark/courses"
	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/seed"
	"github.com/waymark/waymark/seeds"
)

// Shipped loads the job roles and the course catalog the binary ships.
func Shipped(tb testing.TB) ([]seed.Role, *catalog.Catalog) {
	tb.Helper()
	roles, err := seed.LoadRoles(seeds.FS)
	if err != nil {
		tb.Fatal(err)
	}
	cat, err := catalog.Load(courses.FS, seed.RoleSet(roles))
	if err != nil {
		tb.Fatal(err)
	}
	return roles, cat
}
