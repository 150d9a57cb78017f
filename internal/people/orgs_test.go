package people_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testfix"
	"github.com/waymark/waymark/internal/validate"
)

// ancestors returns an organization's ancestor codes by the closure table,
// nearest first.
func ancestors(t *testing.T, db *sqlx.DB, id int64) []string {
	var out []string
	err := db.Select(&out, `SELECT o.code FROM org_closure c JOIN organizations o ON o.id = c.ancestor_id
		WHERE c.descendant_id = $1 AND c.depth > 0 ORDER BY c.depth`, id)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSaveOrgCreatesMovesAndAudits(t *testing.T) {
	svc, db, _ := newService(t)
	ctx := context.Background()
	code := func(p string) string { return strings.ToUpper(testfix.Unique(p)) }
	region, other := code("REGION-"), code("OTHER-")
	admin, _ := testfix.User(t, db, testfix.Org(t, db, "Program office", "state_agency", "Suffolk", 0),
		testfix.UserSpec{Admin: true, Roles: []string{"evaluator"}})

	regionID, err := svc.SaveOrg(ctx, admin, 0, people.OrgInput{Code: region, Name: "DCF Western Region", Type: "dcf_region", County: "Hampden"})
	if err != nil {
		t.Fatal(err)
	}
	otherID, _ := svc.SaveOrg(ctx, admin, 0, people.OrgInput{Code: other, Name: "DCF Central Region", Type: "dcf_region", County: "Worcester"})
	officeCode := strings.ToLower(code("OFFICE-"))
	officeID, err := svc.SaveOrg(ctx, admin, 0, people.OrgInput{Code: officeCode, Name: "Springfield Area Office", Type: "dcf_area_office",
		County: "Hampden", ParentCode: region})
	if err != nil {
		t.Fatal(err)
	}
	unitID, _ := svc.SaveOrg(ctx, admin, 0, people.OrgInput{Code: code("UNIT-"), Name: "Intake unit", Type: "other", ParentCode: officeCode})
	if got := ancestors(t, db, unitID); !slices.Equal(got, []string{strings.ToUpper(officeCode), region}) {
		t.Fatalf("unit ancestors = %v", got)
	}

	// Move the office (and its unit) to the other region.
	if _, err := svc.SaveOrg(ctx, admin, officeID, people.OrgInput{Code: officeCode, Name: "Springfield Area Office", Type: "dcf_area_office",
		County: "Hampden", ParentCode: other}); err != nil {
		t.Fatal(err)
	}
	if got := ancestors(t, db, unitID); !slices.Equal(got, []string{strings.ToUpper(officeCode), other}) {
		t.Fatalf("unit ancestors after the move = %v", got)
	}
	if in, _ := store.NewOrgs(db).InSubtree(ctx, unitID, []int64{regionID}); in {
		t.Fatal("the old region still holds the moved unit")
	}
	if in, _ := store.NewOrgs(db).InSubtree(ctx, unitID, []int64{otherID}); !in {
		t.Fatal("the new region does not hold the moved unit")
	}
	entries := auditFor(t, db, "organization", officeID)
	if len(entries) != 2 || entries[1].Action != "org.update" || !strings.Contains(*entries[1].Before, `"parent": "`+region) ||
		!strings.Contains(*entries[1].After, `"parent": "`+other) {
		t.Fatalf("audit = %+v", entries)
	}

	problems := []struct {
		name  string
		id    int64
		in    people.OrgInput
		field string
	}{
		{"under its own unit", officeID, people.OrgInput{Code: officeCode, Name: "X", Type: "dcf_area_office", ParentCode: orgCode(t, db, unitID)}, "parent"},
		{"under itself", officeID, people.OrgInput{Code: officeCode, Name: "X", Type: "dcf_area_office", ParentCode: officeCode}, "parent"},
		{"taken code", 0, people.OrgInput{Code: region, Name: "X", Type: "other"}, "code"},
		{"bad code", 0, people.OrgInput{Code: "no spaces allowed", Name: "X", Type: "other"}, "code"},
		{"bad type and county", 0, people.OrgInput{Code: code("X-"), Name: "X", Type: "castle", County: "Atlantis"}, "county"},
		{"unknown parent", 0, people.OrgInput{Code: code("X-"), Name: "X", Type: "other", ParentCode: "NOPE-NOPE"}, "parent"},
	}
	for _, tt := range problems {
		_, err := svc.SaveOrg(ctx, admin, tt.id, tt.in)
		if inv, ok := validate.As(err); !ok || inv[tt.field] == "" {
			t.Errorf("%s: error = %v", tt.name, err)
		}
	}
}

func TestDeactivateOrgOnlyWhenEmpty(t *testing.T) {
	svc, db, _ := newService(t)
	ctx := context.Background()
	district := testfix.Org(t, db, "District", "school_district", "Hampden", 0)
	school := testfix.Org(t, db, "School", "school", "Hampden", district)
	person, _ := testfix.User(t, db, school, testfix.UserSpec{Roles: []string{"teacher"}})

	if err := svc.SetOrgActive(ctx, 0, district, false); err == nil || !strings.Contains(err.Error(), "1 active organization(s)") {
		t.Fatalf("deactivating a district with an active school: %v", err)
	}
	if err := svc.SetOrgActive(ctx, 0, school, false); err == nil || !strings.Contains(err.Error(), "1 active people") {
		t.Fatalf("deactivating a school with an active person: %v", err)
	}
	if err := svc.SetActive(ctx, 0, person, false); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{school, district} {
		if err := svc.SetOrgActive(ctx, 0, id, false); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.SetOrgActive(ctx, 0, school, true); err == nil {
		t.Fatal("reactivated a school under a deactivated district")
	}
	if e := auditFor(t, db, "organization", district); len(e) != 1 || e[0].Action != "org.deactivate" ||
		!strings.Contains(*e[0].Before, `"active": true`) || !strings.Contains(*e[0].After, `"active": false`) {
		t.Fatalf("audit = %+v", e)
	}
	// The person's records stay; their organization is still readable.
	if _, err := svc.Person(ctx, person); err != nil {
		t.Fatal(err)
	}
}
