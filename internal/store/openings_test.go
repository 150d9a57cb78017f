package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testfix"
)

// TestOpeningsGroupCommit holds the first write of a lesson opening on a
// row lock, sends more openings meanwhile (one twice, one assignment with
// two lessons) and checks that they were written together in one more
// statement, each exactly once, with started and activity times right.
func TestOpeningsGroupCommit(t *testing.T) {
	db, org, course, due := courseFixture(t)
	ctx := context.Background()
	const people = 12
	users, ids := make([]int64, people), make([]int64, people)
	for i := range people {
		users[i], _ = testfix.User(t, db, org, testfix.UserSpec{})
		ids[i] = testfix.AssignmentRow(t, db, testfix.AssignmentSpec{UserID: users[i], CourseID: course, DueAt: due})
	}
	s := testfix.Stores(t, db).Assignments
	t0 := time.Now().Truncate(time.Millisecond)

	// A single opening is written at once: nothing waits for company.
	if _, err := s.OpenLesson(ctx, users[0], course, 1, t0); err != nil {
		t.Fatal(err)
	}
	if got := store.OpeningWrites(s); got != 1 {
		t.Fatalf("one opening took %d writes", got)
	}

	blocker, err := db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer blocker.Rollback()
	if _, err := blocker.ExecContext(ctx, `SELECT 1 FROM assignments WHERE id = $1 FOR UPDATE`, ids[1]); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	open := func(user int64, lesson int, at time.Time) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.OpenLesson(ctx, user, course, lesson, at); err != nil {
				t.Error(err)
			}
		}()
	}
	open(users[1], 1, t0) // its write waits on the lock
	waitFor(t, "the first write to wait on the lock", func() bool {
		var n int
		db.GetContext(ctx, &n, `SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`)
		return n == 1
	})
	sent := 0
	for i := 2; i < people; i++ {
		open(users[i], 1, t0.Add(time.Duration(i)*time.Second))
		sent++
	}
	open(users[2], 1, t0.Add(time.Hour)) // the same lesson again
	open(users[3], 2, t0.Add(time.Hour)) // a second lesson of one assignment
	sent += 2
	waitFor(t, "the openings to queue", func() bool { return store.PendingOpenings(s) == sent })
	if err := blocker.Rollback(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if got := store.OpeningWrites(s); got != 3 {
		t.Errorf("%d openings were written in %d statements after the first, want 2", sent+1, got-1)
	}

	var rows []struct {
		ID       int64     `db:"id"`
		Lessons  int       `db:"lessons"`
		Started  time.Time `db:"started_at"`
		Activity time.Time `db:"last_activity_at"`
	}
	if err := db.SelectContext(ctx, &rows, `SELECT a.id, count(p.*) AS lessons, a.started_at, a.last_activity_at
		FROM assignments a JOIN lesson_progress p ON p.assignment_id = a.id
		WHERE a.course_id = $1 GROUP BY a.id ORDER BY a.id`, course); err != nil {
		t.Fatal(err)
	}
	if len(rows) != people {
		t.Fatalf("%d assignments have openings, want %d", len(rows), people)
	}
	for i, r := range rows {
		wantLessons, first, last := 1, t0.Add(time.Duration(i)*time.Second), t0.Add(time.Duration(i)*time.Second)
		if i < 2 {
			first, last = t0, t0
		}
		if i == 2 { // the repeat is not a first opening: it changes nothing
			first, last = t0.Add(2*time.Second), t0.Add(2*time.Second)
		}
		if i == 3 {
			wantLessons, last = 2, t0.Add(time.Hour)
		}
		if r.ID != ids[i] || r.Lessons != wantLessons || !r.Started.Equal(first) || !r.Activity.Equal(last) {
			t.Errorf("assignment %d: %d lessons, started %v, active %v; want %d, %v, %v",
				i, r.Lessons, r.Started, r.Activity, wantLessons, first, last)
		}
	}
}

// waitFor polls cond for up to ten seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}
