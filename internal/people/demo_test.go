package people_test

import (
	"context"
	"testing"

	"github.com/waymark/waymark/internal/auth"
	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testfix"
	"github.com/waymark/waymark/seeds"
)

func TestSeedDemoIsCompleteAndIdempotent(t *testing.T) {
	svc, db, _ := newService(t)
	ctx := context.Background()
	demo, err := people.LoadDemo(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	first, err := svc.SeedDemo(ctx, demo)
	if err != nil {
		t.Fatal(err)
	}
	if first.OrgsCreated != len(demo.Organizations) || first.PeopleCreated != len(demo.People) {
		t.Fatalf("first run created %d orgs, %d people", first.OrgsCreated, first.PeopleCreated)
	}
	var audits int
	db.Get(&audits, `SELECT count(*) FROM audit_log`)
	second, err := svc.SeedDemo(ctx, demo)
	if err != nil || second.OrgsCreated != 0 || second.PeopleCreated != 0 {
		t.Fatalf("second run: %+v, %v", second, err)
	}
	var audits2 int
	db.Get(&audits2, `SELECT count(*) FROM audit_log`)
	if audits2 != audits {
		t.Fatal("the second run changed something")
	}

	// Every job role is covered, every kind of organization the plan names
	// is there, and there is an admin, a facilitator and scoped managers.
	roles, _ := store.ListRoles(ctx, db)
	covered := map[string]bool{}
	var admins, facilitators, managers int
	for _, p := range demo.People {
		for _, r := range p.Roles {
			covered[r] = true
		}
		if p.Admin {
			admins++
		}
		if p.Facilitator {
			facilitators++
		}
		if len(p.Manages) > 0 {
			managers++
		}
	}
	for _, r := range roles {
		if !covered[r.Code] {
			t.Errorf("no demo person has the role %s", r.Code)
		}
	}
	if admins != 1 || facilitators < 1 || managers < 7 {
		t.Errorf("admins %d, facilitators %d, managers %d", admins, facilitators, managers)
	}
	types := map[string]bool{}
	for _, o := range demo.Organizations {
		types[o.Type] = true
	}
	for _, typ := range []string{"state_agency", "police_department", "school_district", "school", "hospital", "dcf_area_office", "youth_program", "hotel"} {
		if !types[typ] {
			t.Errorf("no demo organization of type %s", typ)
		}
	}
	u, err := testfix.Stores(t, db).Users.ByEmail(ctx, "district-coordinator@demo.waymark.example")
	if err != nil || !auth.CheckPassword(u.PasswordHash, demo.Password) {
		t.Fatalf("the district coordinator cannot sign in with the demo password: %v", err)
	}
	p, _ := svc.Person(ctx, u.ID)
	if len(p.Scopes) != 1 || p.Scopes[0] != "SPFLD-PS" {
		t.Fatalf("coordinator scopes = %v", p.Scopes)
	}
}
