package testfix

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/waymark/waymark/internal/store"
)

// CourseSpec describes a tiny course version synced through
// store.Courses.Sync. Zero values get defaults.
type CourseSpec struct {
	Slug          string // default unique
	Title         string // default "Course <slug>"
	Code          string // default "T1"
	Version       string // default "1.0"
	Minutes       int    // default 45
	RenewalMonths int
	Audiences     []string
}

// CourseVersion syncs a one-lesson training course and returns its course
// id and current version id. Calling it again with the same slug and a
// different Version adds a new version of the same course.
func CourseVersion(t testing.TB, db *sqlx.DB, s CourseSpec) (courseID, versionID int64) {
	t.Helper()
	if s.Slug == "" {
		s.Slug = strings.ToLower(Unique("course-"))
	}
	if s.Title == "" {
		s.Title = "Course " + s.Slug
	}
	if s.Code == "" {
		s.Code = "T1"
	}
	if s.Version == "" {
		s.Version = "1.0"
	}
	if s.Minutes == 0 {
		s.Minutes = 45
	}
	ctx := context.Background()
	courses := store.NewCourses(db)
	_, err := courses.Sync(ctx, []store.CourseVersion{{
		Slug: s.Slug, ContentHash: Unique("hash-"), Version: s.Version, Code: s.Code, Title: s.Title,
		Kind: "training", Language: "en", Minutes: s.Minutes, PassMark: 80, RenewalMonths: s.RenewalMonths,
		LessonCount: 1, Audiences: pq.StringArray(append([]string{}, s.Audiences...)), Content: []byte(`{}`),
	}})
	if err != nil {
		t.Fatal(err)
	}
	cur, err := courses.CurrentVersions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v, ok := cur[s.Slug]
	if !ok {
		t.Fatalf("course %s has no current version after sync", s.Slug)
	}
	return v.CourseID, v.ID
}

// CompletionSpec describes a completed assignment. Zero values get
// defaults: cycle 1, score 90, the version's minutes, completed now, no
// expiry.
type CompletionSpec struct {
	UserID      int64
	CourseID    int64
	VersionID   int64
	Cycle       int
	Score       int
	Minutes     int
	CompletedAt time.Time
	ExpiresAt   *time.Time
}

// Completion inserts a completed assignment and its completion row
// directly (as the learning engine would) and returns the completion id.
func Completion(t testing.TB, db *sqlx.DB, s CompletionSpec) int64 {
	t.Helper()
	if s.Cycle == 0 {
		s.Cycle = 1
	}
	if s.Score == 0 {
		s.Score = 90
	}
	if s.CompletedAt.IsZero() {
		s.CompletedAt = time.Now()
	}
	ctx := context.Background()
	var id int64
	err := store.InTx(ctx, db, func(tx *sqlx.Tx) error {
		if s.Minutes == 0 {
			if err := tx.GetContext(ctx, &s.Minutes, `SELECT minutes FROM course_versions WHERE id = $1`, s.VersionID); err != nil {
				return err
			}
		}
		var assignmentID int64
		err := tx.GetContext(ctx, &assignmentID, `INSERT INTO assignments
			(user_id, course_id, cycle, source, assigned_at, available_from, status, completed_at)
			VALUES ($1, $2, $3, 'manual', $4, $4, 'completed', $4) RETURNING id`,
			s.UserID, s.CourseID, s.Cycle, s.CompletedAt)
		if err != nil {
			return err
		}
		return tx.GetContext(ctx, &id, `INSERT INTO completions
			(user_id, course_id, course_version_id, assignment_id, cycle, score, minutes, completed_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			s.UserID, s.CourseID, s.VersionID, assignmentID, s.Cycle, s.Score, s.Minutes, s.CompletedAt, s.ExpiresAt)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}
