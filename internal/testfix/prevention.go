package testfix

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
)

// Prepared records that user completed the course with slug (already synced
// into the database, e.g. "facilitator-preparation") at completedAt, valid
// until expiresAt (zero: never expires). Prevention tests use it in place of
// working through the preparation course.
func Prepared(t testing.TB, db *sqlx.DB, userID int64, slug string, completedAt, expiresAt time.Time) int64 {
	t.Helper()
	var courseID int64
	if err := db.GetContext(context.Background(), &courseID, `SELECT id FROM courses WHERE slug = $1`, slug); err != nil {
		t.Fatalf("testfix: course %q is not in the database: %v", slug, err)
	}
	var cycle int
	if err := db.GetContext(context.Background(), &cycle, `SELECT COALESCE(max(cycle), 0) + 1 FROM assignments
		WHERE user_id = $1 AND course_id = $2`, userID, courseID); err != nil {
		t.Fatal(err)
	}
	a := AssignmentRow(t, db, AssignmentSpec{UserID: userID, CourseID: courseID, Cycle: cycle,
		AssignedAt: completedAt.Add(-24 * time.Hour), DueAt: completedAt.Add(30 * 24 * time.Hour)})
	return CompleteRow(t, db, a, completedAt, expiresAt)
}
