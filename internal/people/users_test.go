package people_test

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/auth"
	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testfix"
	"github.com/waymark/waymark/internal/validate"
)

var linkPattern = regexp.MustCompile(regexp.QuoteMeta(baseURL) + `/password/set/([A-Za-z0-9_-]{43})`)

func TestSaveUserCreatesInvitesAndAudits(t *testing.T) {
	svc, db, _ := newService(t)
	ctx := context.Background()
	org := testfix.Org(t, db, "Lowell Police Department", "police_department", "Middlesex", 0)
	admin, _ := testfix.User(t, db, org, testfix.UserSpec{Admin: true, Roles: []string{"training-coordinator"}})
	email := testfix.Unique("Officer.") + "@Example.org"

	var hooked [][]int64
	svc.OnPeopleChanged = func(ctx context.Context, tx *sqlx.Tx, ids []int64) error {
		var roles int
		tx.GetContext(ctx, &roles, `SELECT count(*) FROM user_roles WHERE user_id = $1`, ids[0])
		if roles != 2 {
			t.Errorf("the hook does not see the new roles in its transaction: %d", roles)
		}
		hooked = append(hooked, ids)
		return nil
	}
	id, err := svc.SaveUser(ctx, admin, 0, people.UserInput{Email: " " + email + " ", Name: "Kevin Sullivan",
		OrgCode: strings.ToLower(orgCode(t, db, org)), Roles: []string{"patrol-officer", "Detective or investigator"}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.Person(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if p.Email != email || p.HasPassword || !slices.Equal(p.Roles, []string{"detective", "patrol-officer"}) || p.OrgID != org {
		t.Fatalf("stored person = %+v", p)
	}
	if len(hooked) != 1 || !slices.Equal(hooked[0], []int64{id}) {
		t.Fatalf("hook calls = %v", hooked)
	}
	msgs := outbox(t, db, email)
	if len(msgs) != 1 || msgs[0].Kind != "invite" || msgs[0].Subject != "You are invited to Waymark" ||
		!linkPattern.MatchString(msgs[0].Text) || !strings.Contains(msgs[0].Text, "Lowell Police Department") {
		t.Fatalf("invitation = %+v", msgs)
	}
	entries := auditFor(t, db, "user", id)
	if len(entries) != 1 || entries[0].Action != "user.create" || *entries[0].Actor != admin || entries[0].Before != nil ||
		!strings.Contains(*entries[0].After, `"roles": ["detective", "patrol-officer"]`) {
		t.Fatalf("audit = %+v", entries)
	}
	if strings.Contains(*entries[0].After, "password") {
		t.Fatal("the audit log holds a password field")
	}
}

func TestSaveUserReportsEveryFieldProblem(t *testing.T) {
	svc, db, _ := newService(t)
	ctx := context.Background()
	org := testfix.Org(t, db, "Org", "other", "Suffolk", 0)
	_, taken := testfix.User(t, db, org, testfix.UserSpec{Roles: []string{"teacher"}})
	tests := []struct {
		name string
		in   people.UserInput
		want map[string]string
	}{
		{"empty", people.UserInput{}, map[string]string{"email": "Enter an email", "name": "Enter the person's name",
			"org": "Enter the code", "roles": "at least one job role"}},
		{"bad values", people.UserInput{Email: "not-an-email", Name: "A\nB", OrgCode: "NO-SUCH-ORG", Roles: []string{"astronaut"},
			Scopes: []string{"NOWHERE"}}, map[string]string{"email": "like name@example.org", "name": "line breaks",
			"org": `"NO-SUCH-ORG"`, "roles": `"astronaut" is not a job role`, "scopes": `"NOWHERE"`}},
		{"email taken in another case", people.UserInput{Email: strings.ToUpper(taken), Name: "X", OrgCode: orgCode(t, db, org),
			Roles: []string{"teacher"}}, map[string]string{"email": "already uses"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.SaveUser(ctx, 0, 0, tt.in)
			inv, ok := validate.As(err)
			if !ok {
				t.Fatalf("error = %v, want validate.Errors", err)
			}
			for field, want := range tt.want {
				if !strings.Contains(inv[field], want) {
					t.Errorf("%s: %q lacks %q", field, inv[field], want)
				}
			}
			if len(inv) != len(tt.want) {
				t.Errorf("problems = %v", inv)
			}
		})
	}
}

func TestUpdateAuditsBeforeAndAfterAndCallsHookOnlyForRoleOrgOrActiveChanges(t *testing.T) {
	svc, db, _ := newService(t)
	ctx := context.Background()
	district := testfix.Org(t, db, "Springfield Public Schools", "school_district", "Hampden", 0)
	school := testfix.Org(t, db, "Central High", "school", "Hampden", district)
	id, email := testfix.User(t, db, school, testfix.UserSpec{Name: "Emily Chen", Roles: []string{"teacher"}})
	calls := 0
	svc.OnPeopleChanged = func(context.Context, *sqlx.Tx, []int64) error { calls++; return nil }
	base := people.UserInput{Email: email, Name: "Emily Chen", OrgCode: orgCode(t, db, school), Roles: []string{"teacher"}}

	steps := []struct {
		name      string
		change    func(in people.UserInput) people.UserInput
		wantCalls int
		before    string
		after     string
	}{
		{"name only", func(in people.UserInput) people.UserInput { in.Name = "Emily Chen-Li"; return in }, 0,
			`"name": "Emily Chen"`, `"name": "Emily Chen-Li"`},
		{"roles", func(in people.UserInput) people.UserInput {
			in.Name, in.Roles = "Emily Chen-Li", []string{"teacher", "school-counselor"}
			return in
		}, 1, `"roles": ["teacher"]`, `"roles": ["school-counselor", "teacher"]`},
		{"organization and scope", func(in people.UserInput) people.UserInput {
			in.Name, in.Roles, in.OrgCode = "Emily Chen-Li", []string{"teacher", "school-counselor"}, orgCode(t, db, district)
			in.Scopes, in.IsFacilitator = []string{orgCode(t, db, school)}, true
			return in
		}, 2, `"manager_scopes": []`, `"manager_scopes": ["` + orgCode(t, db, school) + `"]`},
	}
	for i, st := range steps {
		if _, err := svc.SaveUser(ctx, 0, id, st.change(base)); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if calls != st.wantCalls {
			t.Errorf("%s: hook called %d times in all, want %d", st.name, calls, st.wantCalls)
		}
		entries := auditFor(t, db, "user", id)
		if len(entries) != i+1 {
			t.Fatalf("%s: %d audit entries", st.name, len(entries))
		}
		last := entries[i]
		if last.Action != "user.update" || last.Before == nil || !strings.Contains(*last.Before, st.before) || !strings.Contains(*last.After, st.after) {
			t.Errorf("%s: audit = %s → %s", st.name, deref(last.Before), deref(last.After))
		}
	}
	p, _ := svc.Person(ctx, id)
	if p.OrgID != district || !p.IsFacilitator || !p.IsManager() {
		t.Fatalf("person after updates = %+v", p)
	}
}

func TestHookErrorRollsBackTheChange(t *testing.T) {
	svc, db, _ := newService(t)
	ctx := context.Background()
	org := testfix.Org(t, db, "Org", "other", "Suffolk", 0)
	id, _ := testfix.User(t, db, org, testfix.UserSpec{Roles: []string{"teacher"}})
	svc.OnPeopleChanged = func(context.Context, *sqlx.Tx, []int64) error { return errors.New("assignments failed") }
	err := svc.SetRoles(ctx, 0, id, []string{"teacher", "school-nurse"})
	if err == nil || !strings.Contains(err.Error(), "assignments failed") {
		t.Fatalf("error = %v", err)
	}
	if roles, _ := testfix.Stores(t, db).Users.Roles(ctx, id); !slices.Equal(roles, []string{"teacher"}) {
		t.Fatalf("roles after a failed hook = %v", roles)
	}
	if n := len(auditFor(t, db, "user", id)); n != 0 {
		t.Fatalf("%d audit entries for a rolled-back change", n)
	}
}

func TestDeactivateKeepsRecordsEndsSessionsAndBlocksSignIn(t *testing.T) {
	svc, db, clk := newService(t)
	ctx := context.Background()
	org := testfix.Org(t, db, "Org", "other", "Suffolk", 0)
	admin, _ := testfix.User(t, db, org, testfix.UserSpec{Admin: true, Roles: []string{"evaluator"}})
	id, email := testfix.User(t, db, org, testfix.UserSpec{Roles: []string{"teacher"}})
	sessions := testfix.Stores(t, db).Sessions
	authSvc := &auth.Service{Users: testfix.Stores(t, db).Users, Sessions: sessions, Now: clk.Now}
	token, _, err := authSvc.Login(ctx, email, testfix.Password, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	var courseID int64
	if err := db.Get(&courseID, `INSERT INTO courses (slug) VALUES ($1) RETURNING id`, testfix.Unique("course-")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO assignments (user_id, course_id, source) VALUES ($1, $2, 'manual')`, id, courseID); err != nil {
		t.Fatal(err)
	}
	var hookIDs []int64
	svc.OnPeopleChanged = func(_ context.Context, _ *sqlx.Tx, ids []int64) error { hookIDs = append(hookIDs, ids...); return nil }

	if err := svc.SetActive(ctx, admin, id, false); err != nil {
		t.Fatal(err)
	}
	if _, err := authSvc.Resolve(ctx, token); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("session after deactivation: %v", err)
	}
	if _, _, err := authSvc.Login(ctx, email, testfix.Password, "192.0.2.1"); !errors.Is(err, auth.ErrBadCredentials) {
		t.Fatalf("sign-in of a deactivated person: %v", err)
	}
	var assignments, roles int
	db.Get(&assignments, `SELECT count(*) FROM assignments WHERE user_id = $1`, id)
	db.Get(&roles, `SELECT count(*) FROM user_roles WHERE user_id = $1`, id)
	if assignments != 1 || roles != 1 {
		t.Fatalf("records after deactivation: %d assignments, %d roles", assignments, roles)
	}
	if err := svc.SetActive(ctx, admin, id, true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := authSvc.Login(ctx, email, testfix.Password, "192.0.2.2"); err != nil {
		t.Fatalf("sign-in after reactivation: %v", err)
	}
	if !slices.Equal(hookIDs, []int64{id, id}) {
		t.Fatalf("hook ids = %v", hookIDs)
	}
	var actions []string
	for _, e := range auditFor(t, db, "user", id) {
		actions = append(actions, e.Action)
	}
	if !slices.Equal(actions, []string{"user.deactivate", "user.reactivate"}) {
		t.Fatalf("audit actions = %v", actions)
	}
	if err := svc.SetActive(ctx, admin, admin, false); err == nil {
		t.Fatal("an administrator deactivated their own account")
	}
}

func TestAdminCannotRemoveOwnAdminAccess(t *testing.T) {
	svc, db, _ := newService(t)
	ctx := context.Background()
	org := testfix.Org(t, db, "Org", "other", "Suffolk", 0)
	admin, email := testfix.User(t, db, org, testfix.UserSpec{Admin: true, Roles: []string{"evaluator"}})
	_, err := svc.SaveUser(ctx, admin, admin, people.UserInput{Email: email, Name: "Me", OrgCode: orgCode(t, db, org),
		Roles: []string{"evaluator"}, IsAdmin: false})
	if inv, ok := validate.As(err); !ok || inv["admin"] == "" {
		t.Fatalf("error = %v", err)
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
