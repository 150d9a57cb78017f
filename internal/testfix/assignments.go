package testfix

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
)

// CourseRow inserts a course with one current training version and returns
// the course id. The slug is unique; title may be empty.
func CourseRow(t testing.TB, db *sqlx.DB, title string) (int64, string) {
	t.Helper()
	ctx := context.Background()
	slug := strings.ToLower(Unique("course-"))
	if title == "" {
		title = "Course " + slug
	}
	var id, vid int64
	if err := db.GetContext(ctx, &id, `INSERT INTO courses (slug) VALUES ($1) RETURNING id`, slug); err != nil {
		t.Fatal(err)
	}
	err := db.GetContext(ctx, &vid, `INSERT INTO course_versions
		(course_id, content_hash, version, code, title, kind, language, minutes, pass_mark, renewal_months, lesson_count, audiences, content)
		VALUES ($1, $2, '1', 'T1', $3, 'training', 'en', 30, 80, 12, 2, '{}', '{}') RETURNING id`, id, Unique("hash"), title)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `UPDATE courses SET current_version_id = $1 WHERE id = $2`, vid, id); err != nil {
		t.Fatal(err)
	}
	return id, slug
}

// AssignmentSpec describes a fixture assignment. Zero times default to
// AssignedAt = DueAt - 60 days, AvailableFrom = AssignedAt.
type AssignmentSpec struct {
	UserID, CourseID int64
	Cycle            int // default 1
	DueAt            time.Time
	AssignedAt       time.Time
	Status           string // default open
}

// AssignmentRow inserts an assignment directly and returns its id.
func AssignmentRow(t testing.TB, db *sqlx.DB, s AssignmentSpec) int64 {
	t.Helper()
	if s.Cycle == 0 {
		s.Cycle = 1
	}
	if s.Status == "" {
		s.Status = "open"
	}
	if s.AssignedAt.IsZero() {
		s.AssignedAt = s.DueAt.Add(-60 * 24 * time.Hour)
	}
	var id int64
	err := db.GetContext(context.Background(), &id, `INSERT INTO assignments
		(user_id, course_id, cycle, source, assigned_at, available_from, due_at, status, completed_at, withdrawn_at)
		VALUES ($1, $2, $3, 'requirement', $4, $4, $5, $6,
		        CASE WHEN $6 = 'completed' THEN $4::timestamptz END, CASE WHEN $6 = 'withdrawn' THEN $4::timestamptz END)
		RETURNING id`, s.UserID, s.CourseID, s.Cycle, s.AssignedAt, s.DueAt, s.Status)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// CompleteRow marks an open assignment completed at completedAt and records
// its completion with expiresAt (zero: never expires). It returns the
// completion id.
func CompleteRow(t testing.TB, db *sqlx.DB, assignmentID int64, completedAt, expiresAt time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	var exp any
	if !expiresAt.IsZero() {
		exp = expiresAt
	}
	var id int64
	err := db.GetContext(ctx, &id, `WITH a AS (
			UPDATE assignments SET status = 'completed', completed_at = $2 WHERE id = $1 RETURNING id, user_id, course_id, cycle)
		INSERT INTO completions (user_id, course_id, course_version_id, assignment_id, cycle, score, minutes, completed_at, expires_at)
		SELECT a.user_id, a.course_id, c.current_version_id, a.id, a.cycle, 100, 30, $2, $3
		FROM a JOIN courses c ON c.id = a.course_id
		RETURNING id`, assignmentID, completedAt, exp)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
