package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testfix"
)

// TestCourseRefs: slug × hash pairs resolve to course and version ids;
// pairs not stored are left out.
func TestCourseRefs(t *testing.T) {
	db, _, course, _ := courseFixture(t)
	ctx := context.Background()
	var slug, hash string
	var version int64
	if err := db.QueryRowxContext(ctx, `SELECT c.slug, v.content_hash, v.id FROM courses c
		JOIN course_versions v ON v.id = c.current_version_id WHERE c.id = $1`, course).Scan(&slug, &hash, &version); err != nil {
		t.Fatal(err)
	}
	got, err := store.NewCourses(db).Refs(ctx, []string{slug, slug, "no-such-course"}, []string{hash, "other-hash", hash})
	want := store.CourseRef{Slug: slug, CourseID: course, VersionID: version}
	if err != nil || len(got) != 1 || got[0] != want {
		t.Errorf("refs: %+v (%v), want [%+v]", got, err, want)
	}
}

// TestCompletionExpired: an assignment's completion has expired once its
// expiry has passed; none, or one that never expires, has not.
func TestCompletionExpired(t *testing.T) {
	db, org, course, due := courseFixture(t)
	ctx := context.Background()
	user, _ := testfix.User(t, db, org, testfix.UserSpec{})
	now := time.Now()
	expiring := testfix.AssignmentRow(t, db, testfix.AssignmentSpec{UserID: user, CourseID: course, Cycle: 1, DueAt: due})
	testfix.CompleteRow(t, db, expiring, now.AddDate(-1, 0, 0), now.Add(-time.Hour))
	forever := testfix.AssignmentRow(t, db, testfix.AssignmentSpec{UserID: user, CourseID: course, Cycle: 2, DueAt: due})
	testfix.CompleteRow(t, db, forever, now.AddDate(-1, 0, 0), time.Time{})
	open := testfix.AssignmentRow(t, db, testfix.AssignmentSpec{UserID: user, CourseID: course, Cycle: 3, DueAt: due})
	cs, err := store.NewCompletions(db)
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int64]bool{open: false, expiring: true, forever: false} {
		err := store.InTx(ctx, db, func(tx *sqlx.Tx) error {
			got, err := cs.ExpiredTx(ctx, tx, id, now)
			if err == nil && got != want {
				t.Errorf("assignment %d: expired %v, want %v", id, got, want)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
