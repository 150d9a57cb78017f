package wiring_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/waymark/waymark/internal/config"
	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
	"github.com/waymark/waymark/internal/web"
	"github.com/waymark/waymark/internal/wiring"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// TestNewSetsTheHooks builds the app as serve does and follows both hooks
// through it: a person given a job role is assigned its course (people →
// learning), and passing the course's final check issues a certificate and
// queues its email (learning → certificate).
func TestNewSetsTheHooks(t *testing.T) {
	db := testdb.DB(t)
	ctx := context.Background()
	cfg, err := config.Load(func(k string) string { return map[string]string{"DATABASE_URL": testdb.URL(t)}[k] })
	if err != nil {
		t.Fatal(err)
	}
	st := testfix.Stores(t, db)
	cat := testfix.Sample(t, db, st)
	d, err := wiring.New(ctx, wiring.Base{Config: cfg, DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Stores: st, Catalog: cat, Roles: testfix.SampleRoles})
	if err != nil {
		t.Fatal(err)
	}
	if d.People.OnPeopleChanged == nil || d.Learning.OnCompleted == nil {
		t.Fatalf("hooks: people → learning set %v, learning → certificate set %v",
			d.People.OnPeopleChanged != nil, d.Learning.OnCompleted != nil)
	}
	if _, err := web.New(d); err != nil {
		t.Fatalf("web.New: %v", err)
	}

	org := testfix.Org(t, db, "Hooked School", "school", "Essex", 0)
	admin, _ := testfix.User(t, db, org, testfix.UserSpec{Name: "Administrator", Admin: true})
	if _, _, err := d.Learning.AddRequirement(ctx, admin, learning.RequirementChange{Role: "teacher", CourseSlug: "sample-course", DueDays: 30}); err != nil {
		t.Fatal(err)
	}
	user, _ := testfix.User(t, db, org, testfix.UserSpec{Name: "New Teacher"})
	if err := d.People.SetRoles(ctx, admin, user, []string{"teacher"}); err != nil {
		t.Fatal(err)
	}
	var assigned int
	if err := db.GetContext(ctx, &assigned, `SELECT count(*) FROM assignments WHERE user_id = $1 AND status = 'open'`, user); err != nil {
		t.Fatal(err)
	}
	if assigned != 1 {
		t.Fatalf("a new teacher has %d open assignments, want 1: people's hook does not reconcile", assigned)
	}

	for n := 1; n <= len(cat.Get("sample-course").Lessons); n++ {
		if _, err := d.Learning.Player(ctx, user, "sample-course", n); err != nil {
			t.Fatal(err)
		}
	}
	v, err := d.Learning.StartCheck(ctx, user, "sample-course")
	if err != nil {
		t.Fatal(err)
	}
	sub, err := d.Learning.Submit(ctx, user, "sample-course", v.Token, map[string][]string{learning.FieldPrefix + "q1": {"0"}})
	if err != nil || sub.CompletionID == 0 {
		t.Fatalf("passing the check: %+v, %v", sub, err)
	}
	var certs, emails int
	if err := db.GetContext(ctx, &certs, `SELECT count(*) FROM certificates WHERE completion_id = $1`, sub.CompletionID); err != nil {
		t.Fatal(err)
	}
	if err := db.GetContext(ctx, &emails, `SELECT count(*) FROM email_outbox WHERE kind = 'certificate.ready' AND user_id = $1`, user); err != nil {
		t.Fatal(err)
	}
	if certs != 1 || emails != 1 {
		t.Fatalf("a completion has %d certificates and %d ready emails, want 1 and 1: learning's hook does not issue", certs, emails)
	}
}
