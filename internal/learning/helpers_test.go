package learning_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// clock is a fake clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

var boston, _ = time.LoadLocation("America/New_York")

// env is a learning service over the package database and the test
// catalog (sample-course: 2 lessons, pacing, 1 question, pass mark 80,
// renewal 12 months; sample-prep: the same; sample-series: prevention).
type env struct {
	t     testing.TB
	db    *sqlx.DB
	svc   *learning.Service
	clock *clock
	cat   *catalog.Catalog
	org   int64
	admin int64
}

func newEnv(t testing.TB) *env {
	t.Helper()
	db := testdb.DB(t)
	ctx := context.Background()
	cat := testfix.SampleCatalog(t)
	if err := store.UpsertRoles(ctx, db, []store.JobRole{{Code: "teacher", Name: "Teacher", Sector: "schools"},
		{Code: "prevention-facilitator", Name: "Prevention facilitator", Sector: "schools"},
		{Code: learning.CaseworkerRole, Name: "Victim-witness advocate", Sector: "justice"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.Sync(ctx, store.NewCourses(db), cat); err != nil {
		t.Fatal(err)
	}
	ck := &clock{t: time.Date(2025, 3, 10, 9, 0, 0, 0, boston)}
	svc, err := learning.New(ctx, db, testfix.Stores(t, db), cat, learning.Options{Now: ck.Now, Location: boston, RenewalWindowDays: 60})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: db, svc: svc, clock: ck, cat: cat}
	e.org = testfix.Org(t, db, "Test district", "school_district", "Suffolk", 0)
	e.admin, _ = testfix.User(t, db, e.org, testfix.UserSpec{Admin: true})
	return e
}

// role creates a job role of its own for one test.
func (e *env) role() string {
	e.t.Helper()
	code := testfix.Unique("role-")
	if err := store.UpsertRoles(context.Background(), e.db, []store.JobRole{{Code: code, Name: code, Sector: "test"}}); err != nil {
		e.t.Fatal(err)
	}
	return code
}

func (e *env) user(roles ...string) int64 {
	e.t.Helper()
	id, _ := testfix.User(e.t, e.db, e.org, testfix.UserSpec{Roles: roles})
	return id
}

func (e *env) require(role, slug string, dueDays int, renewal *int, optional bool) int64 {
	e.t.Helper()
	id, _, err := e.svc.AddRequirement(context.Background(), e.admin, learning.RequirementChange{Role: role, CourseSlug: slug,
		DueDays: dueDays, RenewalMonths: renewal, Optional: optional})
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// inTx runs fn in a committed transaction.
func (e *env) inTx(fn func(tx *sqlx.Tx) error) {
	e.t.Helper()
	if err := store.InTx(context.Background(), e.db, fn); err != nil {
		e.t.Fatal(err)
	}
}

// grant gives a person a role and reconciles, as the people area does.
func (e *env) grant(userID int64, role string) {
	e.t.Helper()
	e.inTx(func(tx *sqlx.Tx) error {
		if _, err := tx.Exec(`INSERT INTO user_roles (user_id, role_code) VALUES ($1, $2)`, userID, role); err != nil {
			return err
		}
		return e.svc.Reconcile(context.Background(), tx, []int64{userID})
	})
}

// revoke takes a role away and reconciles.
func (e *env) revoke(userID int64, role string) {
	e.t.Helper()
	e.inTx(func(tx *sqlx.Tx) error {
		if _, err := tx.Exec(`DELETE FROM user_roles WHERE user_id = $1 AND role_code = $2`, userID, role); err != nil {
			return err
		}
		return e.svc.Reconcile(context.Background(), tx, []int64{userID})
	})
}

// assignments returns a person's assignments of a course, by cycle.
func (e *env) assignments(userID int64, slug string) []store.Assignment {
	e.t.Helper()
	courseID, _ := e.svc.CourseID(slug)
	var out []store.Assignment
	err := e.db.Select(&out, `SELECT id, user_id, course_id, cycle, source, assigned_by, assigned_at, available_from, due_at,
		status, started_at, last_activity_at, completed_at, withdrawn_at
		FROM assignments WHERE user_id = $1 AND course_id = $2 ORDER BY cycle`, userID, courseID)
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *env) completions(userID int64) []store.Completion {
	e.t.Helper()
	var out []store.Completion
	err := e.db.Select(&out, `SELECT id, user_id, course_id, course_version_id, assignment_id, attempt_id, cycle, score,
		minutes, completed_at, expires_at FROM completions WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

// openAll opens every lesson of a course.
func (e *env) openAll(userID int64, slug string) {
	e.t.Helper()
	for n := 1; n <= len(e.cat.Get(slug).Lessons); n++ {
		if _, err := e.svc.Player(context.Background(), userID, slug, n); err != nil {
			e.t.Fatal(err)
		}
	}
}

// form answers every shown question, rightly or wrongly.
func (e *env) form(slug string, v learning.CheckView, right bool) map[string][]string {
	out := map[string][]string{}
	for _, q := range v.Questions {
		for _, o := range q.Options {
			if e.cat.Get(slug).Quiz[indexOf(e.cat.Get(slug).Quiz, q.ID)].Options[o.Value].Correct == right {
				out[learning.FieldPrefix+q.ID] = append(out[learning.FieldPrefix+q.ID], strconv.Itoa(o.Value))
				if !q.Multiple {
					break
				}
			}
		}
	}
	return out
}

func indexOf(quiz []catalog.Question, id string) int {
	for i, q := range quiz {
		if q.ID == id {
			return i
		}
	}
	return -1
}

// pass takes a person through a course: every lesson, then a passing check.
func (e *env) pass(userID int64, slug string) learning.Submission {
	e.t.Helper()
	e.openAll(userID, slug)
	v, err := e.svc.StartCheck(context.Background(), userID, slug)
	if err != nil {
		e.t.Fatal(err)
	}
	sub, err := e.svc.Submit(context.Background(), userID, slug, v.Token, e.form(slug, v, true))
	if err != nil || !sub.Passed || sub.CompletionID == 0 {
		e.t.Fatalf("pass %s: %+v %v", slug, sub, err)
	}
	return sub
}

func ptr[T any](v T) *T { return &v }

func pqInt64s(v []int64) any { return pq.Array(v) }
