package testfix

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
)

// Cycle describes one fixture assignment cycle with every field the
// reports read. Zero values: cycle 1, source requirement, status open, no
// due date (DueAt nil), never expiring.
type Cycle struct {
	UserID, CourseID int64
	Cycle            int
	Source           string // requirement | manual | renewal | self
	Status           string // open | completed | withdrawn
	AssignedAt       time.Time
	DueAt            *time.Time
	CompletedAt      time.Time  // when Status is completed
	ExpiresAt        *time.Time // the completion's expiry; nil: never
	LastActivityAt   *time.Time
}

// CycleRow inserts an assignment cycle, and its completion when completed,
// straight into the schema (as the learning area would). It returns the
// assignment id and the completion id (0 when not completed).
func CycleRow(t testing.TB, db *sqlx.DB, c Cycle) (assignmentID, completionID int64) {
	t.Helper()
	if c.Cycle == 0 {
		c.Cycle = 1
	}
	if c.Source == "" {
		c.Source = "requirement"
	}
	status := c.Status
	if status == "" || status == "completed" {
		status = "open"
	}
	var withdrawn *time.Time
	if status == "withdrawn" {
		withdrawn = &c.AssignedAt
	}
	err := db.GetContext(context.Background(), &assignmentID, `INSERT INTO assignments
		(user_id, course_id, cycle, source, assigned_at, available_from, due_at, status, last_activity_at, withdrawn_at)
		VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9) RETURNING id`,
		c.UserID, c.CourseID, c.Cycle, c.Source, c.AssignedAt, c.DueAt, status, c.LastActivityAt, withdrawn)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status == "completed" {
		var exp time.Time
		if c.ExpiresAt != nil {
			exp = *c.ExpiresAt
		}
		completionID = CompleteRow(t, db, assignmentID, c.CompletedAt, exp)
	}
	return assignmentID, completionID
}

// RevokedCertificate issues a certificate for a completion and revokes it.
func RevokedCertificate(t testing.TB, db *sqlx.DB, completionID int64, at time.Time) {
	t.Helper()
	ctx := context.Background()
	var id int64
	if err := db.GetContext(ctx, &id, `INSERT INTO certificates (completion_id, code, issued_at) VALUES ($1, $2, $3) RETURNING id`,
		completionID, Unique("CERT"), at); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `UPDATE certificates SET revoked_at = $2, revoked_reason = 'issued in error' WHERE id = $1`,
		id, at); err != nil {
		t.Fatal(err)
	}
}

// Deactivate marks a person deactivated at at.
func Deactivate(t testing.TB, db *sqlx.DB, userID int64, at time.Time) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(), `UPDATE users SET deactivated_at = $2 WHERE id = $1`, userID, at); err != nil {
		t.Fatal(err)
	}
}
