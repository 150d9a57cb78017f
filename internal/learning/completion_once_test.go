package learning_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
)

// A course is completed once per assignment and once per person × course
// version × cycle. The safeguards: the two unique constraints on
// completions, and the submission's check that the assignment is still
// open, read with the attempt and again once the assignment is locked.
// Each test below takes one of them alone, the others out of the way.

// insertCompletion writes a completion row directly, past every check of
// the learning engine.
func insertCompletion(db *sqlx.DB, userID, courseID, versionID, assignmentID int64, cycle int) error {
	_, err := db.Exec(`INSERT INTO completions
		(user_id, course_id, course_version_id, assignment_id, cycle, score, minutes, completed_at)
		VALUES ($1, $2, $3, $4, $5, 100, 30, now())`, userID, courseID, versionID, assignmentID, cycle)
	return err
}

// wantUniqueViolation: err is a unique violation of constraint.
func wantUniqueViolation(t *testing.T, err error, constraint string) {
	t.Helper()
	var pe *pq.Error
	if !errors.As(err, &pe) || pe.Code != "23505" || pe.Constraint != constraint {
		t.Fatalf("want a unique violation of %s, got %v", constraint, err)
	}
}

// One assignment, two completions of different cycles: only the unique
// assignment stands in the way.
func TestOneCompletionPerAssignment(t *testing.T) {
	db := testdb.DB(t)
	org := testfix.Org(t, db, "Org", "hospital", "Suffolk", 0)
	user, _ := testfix.User(t, db, org, testfix.UserSpec{})
	course, version := testfix.CourseVersion(t, db, testfix.CourseSpec{})
	asg := testfix.AssignmentRow(t, db, testfix.AssignmentSpec{UserID: user, CourseID: course, DueAt: time.Now().Add(day)})
	if err := insertCompletion(db, user, course, version, asg, 1); err != nil {
		t.Fatal(err)
	}
	wantUniqueViolation(t, insertCompletion(db, user, course, version, asg, 2), "completions_assignment_id_key")
}

// Two assignments of one person, both completed as cycle 1 of the same
// version: only the unique person × version × cycle stands in the way.
func TestOneCompletionPerPersonVersionCycle(t *testing.T) {
	db := testdb.DB(t)
	org := testfix.Org(t, db, "Org", "hospital", "Suffolk", 0)
	user, _ := testfix.User(t, db, org, testfix.UserSpec{})
	course, version := testfix.CourseVersion(t, db, testfix.CourseSpec{})
	first := testfix.AssignmentRow(t, db, testfix.AssignmentSpec{UserID: user, CourseID: course, DueAt: time.Now(), Status: "completed"})
	second := testfix.AssignmentRow(t, db, testfix.AssignmentSpec{UserID: user, CourseID: course, Cycle: 2, DueAt: time.Now().Add(day)})
	if err := insertCompletion(db, user, course, version, first, 1); err != nil {
		t.Fatal(err)
	}
	wantUniqueViolation(t, insertCompletion(db, user, course, version, second, 1), "completions_user_id_course_version_id_cycle_key")
}

// checkStarted takes a new person to an unsubmitted final check of
// sample-course and returns them, the check and its assignment.
func checkStarted(t *testing.T, e *env) (int64, learning.CheckView, int64) {
	t.Helper()
	ctx := context.Background()
	u := e.user()
	if err := e.svc.StartSelf(ctx, u, "sample-course"); err != nil {
		t.Fatal(err)
	}
	e.openAll(u, "sample-course")
	v, err := e.svc.StartCheck(ctx, u, "sample-course")
	if err != nil {
		t.Fatal(err)
	}
	return u, v, e.assignments(u, "sample-course")[0].ID
}

// A passing submission for an assignment no longer open (completed or
// withdrawn, with no completion row to collide with) is graded and writes
// no completion.
func TestSubmitToAClosedAssignmentCompletesNothing(t *testing.T) {
	e := newEnv(t)
	for _, status := range []string{"completed", "withdrawn"} {
		u, v, asg := checkStarted(t, e)
		if _, err := e.db.Exec(`UPDATE assignments SET status = $2,
			completed_at = CASE WHEN $2 = 'completed' THEN now() END, withdrawn_at = CASE WHEN $2 = 'withdrawn' THEN now() END
			WHERE id = $1`, asg, status); err != nil {
			t.Fatal(err)
		}
		sub, err := e.svc.Submit(context.Background(), u, "sample-course", v.Token, e.form("sample-course", v, true))
		if err != nil || !sub.Passed || sub.CompletionID != 0 {
			t.Errorf("%s: %+v %v", status, sub, err)
		}
		if n := len(e.completions(u)); n != 0 {
			t.Errorf("%s: %d completions, want none", status, n)
		}
	}
}

// The completion step re-checks the assignment once it holds its lock: an
// attempt read while the assignment was open, completed meanwhile (with no
// completion row to collide with), writes nothing.
func TestCompletionRechecksTheLockedAssignment(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u, v, asg := checkStarted(t, e)
	attempts := store.NewAttempts(e.db)
	var sub learning.Submission
	e.inTx(func(tx *sqlx.Tx) error {
		at, err := attempts.LockByTokenTx(ctx, tx, v.Token, u)
		if err != nil || at.Status != store.StatusOpen {
			t.Fatalf("attempt: %+v %v", at, err)
		}
		if _, err := tx.Exec(`UPDATE assignments SET status = 'completed', completed_at = now() WHERE id = $1`, asg); err != nil {
			return err
		}
		return learning.CompleteTx(e.svc, ctx, tx, at, e.cat.Get("sample-course"), 100, e.clock.Now(), &sub)
	})
	if sub.CompletionID != 0 {
		t.Errorf("completion %d written for an assignment completed meanwhile", sub.CompletionID)
	}
	if n := len(e.completions(u)); n != 0 {
		t.Errorf("%d completions, want none", n)
	}
}

// The submission reads the assignment's status with the attempt and stops
// there when it is not open: it does not wait for the assignment's lock,
// which whatever closed the assignment may still hold.
func TestSubmitToAClosedAssignmentTakesNoAssignmentLock(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u, v, asg := checkStarted(t, e)
	if _, err := e.db.Exec(`UPDATE assignments SET status = 'completed', completed_at = now() WHERE id = $1`, asg); err != nil {
		t.Fatal(err)
	}
	holder, err := e.db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback()
	if _, err := holder.Exec(`SELECT 1 FROM assignments WHERE id = $1 FOR UPDATE`, asg); err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	sub, err := e.svc.Submit(sctx, u, "sample-course", v.Token, e.form("sample-course", v, true))
	if err != nil || !sub.Passed || sub.CompletionID != 0 {
		t.Fatalf("submission while the assignment is locked: %+v %v", sub, err)
	}
}
