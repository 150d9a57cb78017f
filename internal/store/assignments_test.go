package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
)

// TestPlayerStateIsTheCurrentCycle: the player reads the open cycle when
// there is one (a renewal after a completion), else the newest completed
// one, never a withdrawn one.
func TestPlayerStateIsTheCurrentCycle(t *testing.T) {
	db, org, course, due := courseFixture(t)
	ctx := context.Background()
	s := testfix.Stores(t, db).Assignments
	cases := []struct {
		name     string
		statuses []string // cycle 1, 2, ...
		want     int      // cycle read; 0: none
	}{
		{"renewal open after a completion", []string{"completed", "open"}, 2},
		{"renewal withdrawn", []string{"completed", "withdrawn"}, 1},
		{"only withdrawn", []string{"withdrawn"}, 0},
		{"two completions", []string{"completed", "completed"}, 2},
	}
	for _, c := range cases {
		user, _ := testfix.User(t, db, org, testfix.UserSpec{})
		for i, st := range c.statuses {
			testfix.AssignmentRow(t, db, testfix.AssignmentSpec{UserID: user, CourseID: course, Cycle: i + 1, Status: st, DueAt: due})
		}
		got, err := s.OpenLesson(ctx, user, course, 0, time.Now())
		switch {
		case c.want == 0 && err == nil:
			t.Errorf("%s: read cycle %d, want none", c.name, got.Cycle)
		case c.want != 0 && (err != nil || got.Cycle != c.want):
			t.Errorf("%s: read cycle %d (%v), want %d", c.name, got.Cycle, err, c.want)
		}
	}
}

// courseFixture is a database with an organization and a course, and a
// due date a month ahead.
func courseFixture(t *testing.T) (*sqlx.DB, int64, int64, time.Time) {
	t.Helper()
	db := testdb.DB(t)
	org := testfix.Org(t, db, testfix.Unique("Org "), "hospital", "Suffolk", 0)
	course, _ := testfix.CourseRow(t, db, "")
	return db, org, course, time.Now().Add(30 * 24 * time.Hour)
}
