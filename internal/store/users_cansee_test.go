package store_test

import (
	"context"
	"testing"

	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
)

// TestCanSee: a manager sees the people of their scope's subtree and no
// one else, an administrator sees everyone, and a deactivated viewer sees
// no one but themselves.
func TestCanSee(t *testing.T) {
	db := testdb.DB(t)
	ctx := context.Background()
	region := testfix.Org(t, db, "Region", "dcf_region", "Suffolk", 0)
	unit := testfix.Org(t, db, "Unit", "dcf_area_office", "Suffolk", region)
	elsewhere := testfix.Org(t, db, "Elsewhere", "dcf_region", "Worcester", 0)
	inUnit, _ := testfix.User(t, db, unit, testfix.UserSpec{Name: "In the unit"})
	outside, _ := testfix.User(t, db, elsewhere, testfix.UserSpec{Name: "Elsewhere"})
	manager, _ := testfix.User(t, db, region, testfix.UserSpec{Name: "Manager", Scopes: []int64{region}})
	gone, _ := testfix.User(t, db, region, testfix.UserSpec{Name: "Former manager", Scopes: []int64{region}})
	admin, _ := testfix.User(t, db, elsewhere, testfix.UserSpec{Name: "Admin", Admin: true})
	goneAdmin, _ := testfix.User(t, db, elsewhere, testfix.UserSpec{Name: "Former admin", Admin: true})
	if _, err := db.ExecContext(ctx, `UPDATE users SET deactivated_at = now() WHERE id = ANY(ARRAY[$1, $2]::bigint[])`, gone, goneAdmin); err != nil {
		t.Fatal(err)
	}
	users, err := store.NewUsers(db)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name           string
		viewer, person int64
		want           bool
	}{
		{"manager, person in a child organization", manager, inUnit, true},
		{"manager, person outside the scope", manager, outside, false},
		{"deactivated manager, person in the scope", gone, inUnit, false},
		{"administrator, anyone", admin, inUnit, true},
		{"deactivated administrator", goneAdmin, inUnit, false},
		{"a person, another", inUnit, outside, false},
		{"a person, themselves", inUnit, inUnit, true},
	}
	for _, tt := range tests {
		got, err := users.CanSee(ctx, tt.viewer, tt.person)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("%s: CanSee = %v, want %v", tt.name, got, tt.want)
		}
	}
}
