package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
)

// TestTypedOrgsStayInTheSubtree: the class organization choices and the
// lookup by code see only active organizations of the asked types in the
// root's subtree (anywhere with all).
func TestTypedOrgsStayInTheSubtree(t *testing.T) {
	db := testdb.DB(t)
	ctx := context.Background()
	district := testfix.Org(t, db, testfix.Unique("District "), "school_district", "Suffolk", 0)
	school := testfix.Org(t, db, testfix.Unique("A school "), "school", "Suffolk", district)
	testfix.Org(t, db, testfix.Unique("A hospital "), "hospital", "Suffolk", district)
	closed := testfix.Org(t, db, testfix.Unique("A closed school "), "school", "Suffolk", district)
	other := testfix.Org(t, db, testfix.Unique("Elsewhere "), "school_district", "Essex", 0)
	away := testfix.Org(t, db, testfix.Unique("Away school "), "school", "Essex", other)
	orgs := store.NewOrgs(db)
	if err := store.InTx(ctx, db, func(tx *sqlx.Tx) error {
		return orgs.SetActiveTx(ctx, tx, closed, ptrTime(time.Now()))
	}); err != nil {
		t.Fatal(err)
	}
	types := []string{"school", "youth_program"}
	got, err := store.TypedOrgsUnder(ctx, db, district, types)
	if err != nil || len(got) != 1 || got[0].ID != school || got[0].Type != "school" {
		t.Fatalf("under the district: %+v (%v), want only the open school %d", got, err, school)
	}
	awayOrg, err := orgs.ByID(ctx, away)
	if err != nil {
		t.Fatal(err)
	}
	code := strings.ToLower(awayOrg.Code)
	if _, err := store.TypedOrgByCode(ctx, db, code, types, district, false); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a school of another district by code: %v, want ErrNotFound", err)
	}
	if o, err := store.TypedOrgByCode(ctx, db, code, types, district, true); err != nil || o.ID != away {
		t.Errorf("any school for all: %+v (%v), want %d", o, err, away)
	}
	if o, err := store.TypedOrgByCode(ctx, db, code, types, other, false); err != nil || o.ID != away {
		t.Errorf("in its own district: %+v (%v), want %d", o, err, away)
	}
	if _, err := store.TypedOrgByCode(ctx, db, code, []string{"hospital"}, other, false); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another type: %v, want ErrNotFound", err)
	}
}

// TestFacilitatorAbove: a co-facilitator is an active facilitator whose
// organization's subtree holds the class's organization.
func TestFacilitatorAbove(t *testing.T) {
	db := testdb.DB(t)
	ctx := context.Background()
	district := testfix.Org(t, db, testfix.Unique("District "), "school_district", "Suffolk", 0)
	school := testfix.Org(t, db, testfix.Unique("School "), "school", "Suffolk", district)
	other := testfix.Org(t, db, testfix.Unique("Other "), "school", "Essex", 0)
	fac, facEmail := testfix.User(t, db, district, testfix.UserSpec{Facilitator: true})
	_, plainEmail := testfix.User(t, db, district, testfix.UserSpec{})
	cases := []struct {
		name  string
		email string
		org   int64
		want  int64 // 0: not found
	}{
		{"facilitator above the school", facEmail, school, fac},
		{"facilitator at the school's district", store.NormalizeEmail(" " + strings.ToUpper(facEmail)), district, fac},
		{"facilitator elsewhere", facEmail, other, 0},
		{"not a facilitator", plainEmail, school, 0},
	}
	for _, c := range cases {
		got, err := store.FacilitatorAbove(ctx, db, c.email, c.org)
		switch {
		case c.want == 0 && !errors.Is(err, store.ErrNotFound):
			t.Errorf("%s: %d (%v), want ErrNotFound", c.name, got, err)
		case c.want != 0 && (err != nil || got != c.want):
			t.Errorf("%s: %d (%v), want %d", c.name, got, err, c.want)
		}
	}
}

// TestCurrentCompletion: the preparation check reads the completion still
// valid now, the one that never expires first; courses resolve by slug and
// to their current version.
func TestCurrentCompletion(t *testing.T) {
	db, org, course, _ := courseFixture(t)
	ctx := context.Background()
	var slug string
	if err := db.GetContext(ctx, &slug, `SELECT slug FROM courses WHERE id = $1`, course); err != nil {
		t.Fatal(err)
	}
	user, _ := testfix.User(t, db, org, testfix.UserSpec{})
	now := time.Now().Truncate(time.Second)
	if _, err := store.CurrentCompletion(ctx, db, user, slug, now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no completion: %v, want ErrNotFound", err)
	}
	testfix.Prepared(t, db, user, slug, now.AddDate(-2, 0, 0), now.AddDate(-1, 0, 0))
	if _, err := store.CurrentCompletion(ctx, db, user, slug, now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("expired completion: %v, want ErrNotFound", err)
	}
	testfix.Prepared(t, db, user, slug, now.AddDate(0, -1, 0), now.AddDate(1, 0, 0))
	c, err := store.CurrentCompletion(ctx, db, user, slug, now)
	if err != nil || c.ExpiresAt == nil || !c.ExpiresAt.Equal(now.AddDate(1, 0, 0)) {
		t.Errorf("valid completion: %+v (%v)", c, err)
	}
	if id, err := store.CourseIDBySlug(ctx, db, slug); err != nil || id != course {
		t.Errorf("course by slug: %d (%v), want %d", id, err, course)
	}
	if _, err := store.CourseIDBySlug(ctx, db, slug+"-missing"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown slug: %v, want ErrNotFound", err)
	}
	var want int64
	if err := db.GetContext(ctx, &want, `SELECT current_version_id FROM courses WHERE id = $1`, course); err != nil {
		t.Fatal(err)
	}
	if v, err := store.CurrentVersionID(ctx, db, &course); err != nil || v == nil || *v != want {
		t.Errorf("current version: %v (%v), want %d", v, err, want)
	}
	missing := int64(-1)
	for _, id := range []*int64{nil, &missing} {
		if v, err := store.CurrentVersionID(ctx, db, id); err != nil || v != nil {
			t.Errorf("current version of %v: %v (%v), want none", id, v, err)
		}
	}
}

func ptrTime(t time.Time) *time.Time { return &t }
