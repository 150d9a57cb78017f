package learning_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/seed"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testfix"
)

const day = 24 * time.Hour

func TestRoleGainedAssignsWithDueDate(t *testing.T) {
	e := newEnv(t)
	r1, r2 := e.role(), e.role()
	e.require(r1, "sample-course", 30, nil, false)
	e.require(r2, "sample-course", 10, nil, false)
	e.require(r2, "sample-prep", 45, nil, true) // optional: no assignment

	u := e.user()
	e.clock.Add(3 * day)
	gained := e.clock.Now()
	e.grant(u, r1)
	got := e.assignments(u, "sample-course")
	if len(got) != 1 || got[0].DueAt == nil || !got[0].DueAt.Equal(gained.Add(30*day)) || got[0].Source != store.SourceRequirement ||
		got[0].Cycle != 1 || got[0].Status != store.StatusOpen || !got[0].AvailableFrom.Equal(gained) {
		t.Fatalf("after gaining %s: %+v", r1, got)
	}

	// A second role requiring the same course adds nothing and keeps the date.
	e.clock.Add(day)
	e.grant(u, r2)
	if got := e.assignments(u, "sample-course"); len(got) != 1 || !got[0].DueAt.Equal(gained.Add(30*day)) {
		t.Fatalf("after a second role: %+v", got)
	}
	if got := e.assignments(u, "sample-prep"); len(got) != 0 {
		t.Fatalf("an optional requirement assigned: %+v", got)
	}

	// Someone gaining both at once gets the shortest due window.
	v := e.user()
	e.inTx(func(tx *sqlx.Tx) error {
		for _, r := range []string{r1, r2} {
			if _, err := tx.Exec(`INSERT INTO user_roles (user_id, role_code) VALUES ($1, $2)`, v, r); err != nil {
				return err
			}
		}
		return e.svc.Reconcile(context.Background(), tx, []int64{v})
	})
	if got := e.assignments(v, "sample-course"); len(got) != 1 || !got[0].DueAt.Equal(e.clock.Now().Add(10*day)) {
		t.Fatalf("two roles at once: %+v", got)
	}

	// Reconciling again changes nothing.
	e.inTx(func(tx *sqlx.Tx) error { return e.svc.Reconcile(context.Background(), tx, []int64{u, v}) })
	if got := e.assignments(u, "sample-course"); len(got) != 1 {
		t.Fatalf("reconcile is not idempotent: %+v", got)
	}
}

func TestRequirementAddedAssignsExistingPeople(t *testing.T) {
	e := newEnv(t)
	r, other := e.role(), e.role()
	u1, u2, u3 := e.user(r), e.user(r, other), e.user(other)
	e.clock.Add(day)
	_, ch, err := e.svc.AddRequirement(context.Background(), e.admin, learning.RequirementChange{Role: r, CourseSlug: "sample-course", DueDays: 14})
	if err != nil {
		t.Fatal(err)
	}
	if ch.Created != 2 {
		t.Errorf("created %d assignments, want 2", ch.Created)
	}
	for _, u := range []int64{u1, u2} {
		if got := e.assignments(u, "sample-course"); len(got) != 1 || !got[0].DueAt.Equal(e.clock.Now().Add(14*day)) {
			t.Errorf("user %d: %+v", u, got)
		}
	}
	if got := e.assignments(u3, "sample-course"); len(got) != 0 {
		t.Errorf("a person without the role was assigned: %+v", got)
	}
	var audits int
	e.db.Get(&audits, `SELECT count(*) FROM audit_log WHERE action = 'requirement.add' AND actor_id = $1 AND after->>'role' = $2`, e.admin, r)
	if audits != 1 {
		t.Errorf("audit entries: %d", audits)
	}
	// The same pair again is a conflict.
	_, _, err = e.svc.AddRequirement(context.Background(), e.admin, learning.RequirementChange{Role: r, CourseSlug: "sample-course", DueDays: 3})
	if !errors.Is(err, store.ErrConflict) {
		t.Errorf("duplicate requirement: %v", err)
	}
	// Prevention guides cannot be required.
	_, _, err = e.svc.AddRequirement(context.Background(), e.admin, learning.RequirementChange{Role: r, CourseSlug: "sample-series", DueDays: 3})
	if !errors.Is(err, learning.ErrNotAssignable) {
		t.Errorf("prevention requirement: %v", err)
	}
}

func TestRoleLostWithdrawsOpenKeepsCompleted(t *testing.T) {
	e := newEnv(t)
	r := e.role()
	e.require(r, "sample-course", 30, nil, false)
	e.require(r, "sample-prep", 30, nil, false)
	u := e.user()
	e.grant(u, r)
	e.pass(u, "sample-prep")
	e.svc.Player(context.Background(), u, "sample-course", 1) // some progress

	e.clock.Add(day)
	e.revoke(u, r)
	open := e.assignments(u, "sample-course")
	if len(open) != 1 || open[0].Status != store.StatusWithdrawn || open[0].WithdrawnAt == nil {
		t.Fatalf("open assignment after losing the role: %+v", open)
	}
	done := e.assignments(u, "sample-prep")
	if len(done) != 1 || done[0].Status != store.StatusCompleted || len(e.completions(u)) != 1 {
		t.Fatalf("completed assignment after losing the role: %+v", done)
	}

	// Gaining the role back reopens the same assignment with its progress.
	e.clock.Add(day)
	e.grant(u, r)
	again := e.assignments(u, "sample-course")
	if len(again) != 1 || again[0].ID != open[0].ID || again[0].Status != store.StatusOpen ||
		!again[0].DueAt.Equal(e.clock.Now().Add(30*day)) {
		t.Fatalf("after regaining the role: %+v", again)
	}
	p, err := e.svc.Player(context.Background(), u, "sample-course", 0)
	if err != nil || !p.Opened(1) {
		t.Fatalf("progress lost: %v %+v", err, p.State)
	}

	// A manager's assignment is not withdrawn with a role.
	due := e.clock.Now().Add(20 * day)
	if _, err := e.svc.AssignManual(context.Background(), learning.ManualAssignment{ActorID: e.admin, CourseSlug: "sample-course",
		UserID: u, DueAt: due}); err != nil {
		t.Fatal(err)
	}
	e.revoke(u, r)
	if got := e.assignments(u, "sample-course"); got[0].Status != store.StatusWithdrawn {
		// It came from the matrix first, so it goes with the role.
		t.Fatalf("requirement assignment kept: %+v", got)
	}
	w := e.user()
	if _, err := e.svc.AssignManual(context.Background(), learning.ManualAssignment{ActorID: e.admin, CourseSlug: "sample-course",
		UserID: w, DueAt: due}); err != nil {
		t.Fatal(err)
	}
	e.grant(w, r)
	e.revoke(w, r)
	if got := e.assignments(w, "sample-course"); len(got) != 1 || got[0].Status != store.StatusOpen || got[0].Source != store.SourceManual {
		t.Fatalf("manual assignment after role change: %+v", got)
	}

	// Deactivation withdraws every open assignment.
	e.db.Exec(`UPDATE users SET deactivated_at = now() WHERE id = $1`, w)
	e.inTx(func(tx *sqlx.Tx) error { return e.svc.Reconcile(context.Background(), tx, []int64{w}) })
	if got := e.assignments(w, "sample-course"); got[0].Status != store.StatusWithdrawn {
		t.Fatalf("deactivated person's assignment: %+v", got)
	}
}

func TestRemovingARequirementWithdraws(t *testing.T) {
	e := newEnv(t)
	r, r2 := e.role(), e.role()
	u, both := e.user(r), e.user(r, r2)
	id := e.require(r, "sample-course", 30, nil, false)
	e.require(r2, "sample-course", 60, nil, false)
	e.clock.Add(day)
	if _, err := e.svc.UpdateRequirement(context.Background(), e.admin, id, learning.RequirementChange{DueDays: 7, Optional: true}); err != nil {
		t.Fatal(err)
	}
	if got := e.assignments(u, "sample-course"); got[0].Status != store.StatusWithdrawn {
		t.Fatalf("made optional, still open: %+v", got)
	}
	if got := e.assignments(both, "sample-course"); got[0].Status != store.StatusOpen {
		t.Fatalf("still required by another role, but withdrawn: %+v", got)
	}
	if _, err := e.svc.UpdateRequirement(context.Background(), e.admin, id, learning.RequirementChange{DueDays: 7}); err != nil {
		t.Fatal(err)
	}
	if got := e.assignments(u, "sample-course"); got[0].Status != store.StatusOpen || !got[0].DueAt.Equal(e.clock.Now().Add(7*day)) {
		t.Fatalf("required again: %+v", got)
	}
	if _, err := e.svc.RemoveRequirement(context.Background(), e.admin, id); err != nil {
		t.Fatal(err)
	}
	if got := e.assignments(u, "sample-course"); got[0].Status != store.StatusWithdrawn {
		t.Fatalf("requirement removed, still open: %+v", got)
	}
	if _, err := e.svc.RemoveRequirement(context.Background(), e.admin, id); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("removing twice: %v", err)
	}
	var n int
	e.db.Get(&n, `SELECT count(*) FROM audit_log WHERE entity = 'requirement' AND entity_id = $1::text AND before IS NOT NULL`, id)
	if n != 3 {
		t.Errorf("audited changes with before values: %d, want 3", n)
	}
}

func TestExpiryOpensNewCycle(t *testing.T) {
	e := newEnv(t)
	r := e.role()
	e.require(r, "sample-course", 30, ptr(6), false) // the requirement's own renewal period
	u := e.user()
	e.grant(u, r)
	sub := e.pass(u, "sample-course")
	done := e.clock.Now()
	cm := e.completions(u)
	want := done.In(boston).AddDate(0, 6, 0)
	if len(cm) != 1 || cm[0].ID != sub.CompletionID || cm[0].ExpiresAt == nil || !cm[0].ExpiresAt.Equal(want) || cm[0].Cycle != 1 {
		t.Fatalf("completion: %+v, want expiry %v", cm, want)
	}
	ctx := context.Background()
	if _, err := e.svc.OpenRenewals(ctx, want.Add(-61*day)); err != nil {
		t.Fatal(err)
	}
	if got := e.assignments(u, "sample-course"); len(got) != 1 {
		t.Fatalf("renewal opened before the window: %+v", got)
	}
	e.clock.Set(want.Add(-59 * day))
	if _, err := e.svc.OpenRenewals(ctx, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	got := e.assignments(u, "sample-course")
	if len(got) != 2 || got[1].Cycle != 2 || got[1].Source != store.SourceRenewal || got[1].Status != store.StatusOpen ||
		!got[1].DueAt.Equal(want) || got[0].Status != store.StatusCompleted {
		t.Fatalf("renewal cycle: %+v", got)
	}
	if _, err := e.svc.OpenRenewals(ctx, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if got := e.assignments(u, "sample-course"); len(got) != 2 {
		t.Fatalf("renewal opened twice: %+v", got)
	}
	// Passing the new cycle adds a second completion; the first is kept.
	e.pass(u, "sample-course")
	if cm := e.completions(u); len(cm) != 2 || cm[1].Cycle != 2 || cm[0].ID != sub.CompletionID {
		t.Fatalf("history: %+v", cm)
	}

	// A course that never expires (renewal 0) opens no cycle.
	r0 := e.role()
	e.require(r0, "sample-prep", 30, ptr(0), false)
	v := e.user()
	e.grant(v, r0)
	e.pass(v, "sample-prep")
	if cm := e.completions(v); cm[0].ExpiresAt != nil {
		t.Fatalf("renewal 0 set an expiry: %+v", cm)
	}

	// Someone whose completion lapsed long ago gets a cycle when they gain
	// a role again, due from that moment.
	w := e.user()
	e.grant(w, r)
	e.pass(w, "sample-course")
	e.revoke(w, r)
	e.clock.Add(400 * day)
	e.grant(w, r)
	got = e.assignments(w, "sample-course")
	if len(got) != 2 || got[1].Source != store.SourceRenewal || !got[1].DueAt.Equal(e.clock.Now().Add(30*day)) {
		t.Fatalf("lapsed completion: %+v", got)
	}
}

func TestSeedRequirementsKeepsAdminChanges(t *testing.T) {
	e := newEnv(t)
	r := e.role()
	u := e.user(r)
	rows := []seed.Requirement{{Role: r, Course: "sample-course", DueDays: 30}, {Role: r, Course: "sample-prep", DueDays: 60, Optional: true}}
	added, ch, err := e.svc.SeedRequirements(context.Background(), rows)
	if err != nil || added != 2 || ch.Created < 1 {
		t.Fatalf("seed: %d %+v %v", added, ch, err)
	}
	if got := e.assignments(u, "sample-course"); len(got) != 1 {
		t.Fatalf("seeding did not assign: %+v", got)
	}
	reqs, _ := e.svc.Requirements(context.Background())
	for _, q := range reqs {
		if q.RoleCode == r && q.CourseSlug == "sample-course" {
			if _, err := e.svc.RemoveRequirement(context.Background(), e.admin, q.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	added, _, err = e.svc.SeedRequirements(context.Background(), rows)
	if err != nil || added != 0 {
		t.Fatalf("seeding again re-added a removed pair: %d %v", added, err)
	}
}

func TestAssignManualToSubtree(t *testing.T) {
	e := newEnv(t)
	school := testfix.Org(t, e.db, "School", "school", "Suffolk", e.org)
	other := testfix.Org(t, e.db, "Elsewhere", "school_district", "Essex", 0)
	a, _ := testfix.User(t, e.db, e.org, testfix.UserSpec{})
	b, _ := testfix.User(t, e.db, school, testfix.UserSpec{})
	c, _ := testfix.User(t, e.db, school, testfix.UserSpec{})
	d, _ := testfix.User(t, e.db, other, testfix.UserSpec{})
	ctx := context.Background()
	// b finished it already; c has it open with a later due date.
	if err := e.svc.StartSelf(ctx, b, "sample-prep"); err != nil {
		t.Fatal(err)
	}
	e.pass(b, "sample-prep")
	late := e.clock.Now().Add(90 * day)
	if _, err := e.svc.AssignManual(ctx, learning.ManualAssignment{ActorID: e.admin, CourseSlug: "sample-prep", UserID: c, DueAt: late}); err != nil {
		t.Fatal(err)
	}
	due := e.clock.Now().Add(20 * day)
	from := e.clock.Now().Add(2 * day)
	res, err := e.svc.AssignManual(ctx, learning.ManualAssignment{ActorID: e.admin, CourseSlug: "sample-prep", OrgID: e.org,
		DueAt: due, AvailableFrom: from})
	if err != nil {
		t.Fatal(err)
	}
	// e.admin and a are in e.org too.
	if res.Skipped != 1 || res.Updated != 1 || res.Created < 1 {
		t.Fatalf("result: %+v", res)
	}
	if got := e.assignments(a, "sample-prep"); len(got) != 1 || !got[0].DueAt.Equal(due) || !got[0].AvailableFrom.Equal(from) ||
		got[0].Source != store.SourceManual || got[0].AssignedBy == nil || *got[0].AssignedBy != e.admin {
		t.Fatalf("a: %+v", got)
	}
	if got := e.assignments(c, "sample-prep"); len(got) != 1 || !got[0].DueAt.Equal(due) {
		t.Fatalf("c kept the later date: %+v", got)
	}
	if got := e.assignments(d, "sample-prep"); len(got) != 0 {
		t.Fatalf("outside the subtree: %+v", got)
	}
	// Not available yet: the player says so.
	if _, err := e.svc.Player(ctx, a, "sample-prep", 1); !errors.Is(err, learning.ErrNotAvailable) {
		t.Fatalf("before available_from: %v", err)
	}
	if _, err := e.svc.AssignManual(ctx, learning.ManualAssignment{ActorID: e.admin, CourseSlug: "sample-series", UserID: a, DueAt: due}); !errors.Is(err, learning.ErrNotAssignable) {
		t.Fatalf("prevention guide assigned: %v", err)
	}
}

func TestStartSelf(t *testing.T) {
	e := newEnv(t)
	u := e.user()
	ctx := context.Background()
	if _, err := e.svc.Player(ctx, u, "sample-course", 1); !errors.Is(err, learning.ErrNotAssigned) {
		t.Fatalf("player without assignment: %v", err)
	}
	for i := 0; i < 2; i++ {
		if err := e.svc.StartSelf(ctx, u, "sample-course"); err != nil {
			t.Fatal(err)
		}
	}
	got := e.assignments(u, "sample-course")
	if len(got) != 1 || got[0].Source != store.SourceSelf || got[0].DueAt != nil {
		t.Fatalf("self start: %+v", got)
	}
	if err := e.svc.StartSelf(ctx, u, "sample-series"); !errors.Is(err, learning.ErrNotAssignable) {
		t.Fatalf("prevention start: %v", err)
	}
	if err := e.svc.StartSelf(ctx, u, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown start: %v", err)
	}
	// Becoming required gives the self-started course a due date.
	r := e.role()
	e.require(r, "sample-course", 10, nil, false)
	e.grant(u, r)
	got = e.assignments(u, "sample-course")
	if len(got) != 1 || got[0].DueAt == nil || got[0].Source != store.SourceRequirement {
		t.Fatalf("self start made required: %+v", got)
	}
}
