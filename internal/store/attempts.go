package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Attempt is one showing of a final check: the layout shown (question and
// option order), and once submitted, the answers and the grade.
type Attempt struct {
	ID              int64      `db:"id"`
	Token           string     `db:"token"`
	AssignmentID    int64      `db:"assignment_id"`
	CourseVersionID int64      `db:"course_version_id"`
	Layout          []byte     `db:"layout"`
	StartedAt       time.Time  `db:"started_at"`
	SubmittedAt     *time.Time `db:"submitted_at"`
	Answers         []byte     `db:"answers"`
	Score           *int       `db:"score"`
	Passed          *bool      `db:"passed"`
	// From the assignment, for checks.
	UserID   int64  `db:"user_id"`
	CourseID int64  `db:"course_id"`
	Status   string `db:"status"`
}

const attemptColumns = `q.id, q.token, q.assignment_id, q.course_version_id, q.layout, q.started_at, q.submitted_at,
	q.answers, q.score, q.passed, a.user_id, a.course_id, a.status`

// Attempts stores final-check attempts.
type Attempts struct{ db *sqlx.DB }

// NewAttempts returns the attempt store.
func NewAttempts(db *sqlx.DB) *Attempts { return &Attempts{db: db} }

// Unsubmitted returns the newest attempt of an assignment on a course
// version that has not been submitted, so a reload shows the same layout.
func (s *Attempts) Unsubmitted(ctx context.Context, assignmentID, versionID int64) (Attempt, error) {
	var at Attempt
	err := s.db.GetContext(ctx, &at, `SELECT `+attemptColumns+` FROM quiz_attempts q
		JOIN assignments a ON a.id = q.assignment_id
		WHERE q.assignment_id = $1 AND q.course_version_id = $2 AND q.submitted_at IS NULL
		ORDER BY q.id DESC LIMIT 1`, assignmentID, versionID)
	if err = notFound(err); err != nil {
		return at, fmt.Errorf("store: open attempt: %w", err)
	}
	return at, nil
}

// Create stores a new attempt as it is shown.
func (s *Attempts) Create(ctx context.Context, at Attempt) (int64, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, `INSERT INTO quiz_attempts (token, assignment_id, course_version_id, layout, started_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, at.Token, at.AssignmentID, at.CourseVersionID, at.Layout, at.StartedAt)
	if isUnique(err) {
		return 0, fmt.Errorf("store: create attempt: %w", ErrConflict)
	}
	if err != nil {
		return 0, fmt.Errorf("store: create attempt: %w", err)
	}
	return id, nil
}

// LockByTokenTx locks and returns a person's attempt by its token; an
// unknown token or another person's is ErrNotFound.
func (s *Attempts) LockByTokenTx(ctx context.Context, tx *sqlx.Tx, token string, userID int64) (Attempt, error) {
	var at Attempt
	err := tx.GetContext(ctx, &at, `SELECT `+attemptColumns+` FROM quiz_attempts q
		JOIN assignments a ON a.id = q.assignment_id
		WHERE q.token = $1 AND a.user_id = $2 FOR UPDATE OF q`, token, userID)
	if err = notFound(err); err != nil {
		return at, fmt.Errorf("store: attempt: %w", err)
	}
	return at, nil
}

// ByIDForUser returns one of a person's attempts; another person's is
// ErrNotFound.
func (s *Attempts) ByIDForUser(ctx context.Context, id, userID int64) (Attempt, error) {
	var at Attempt
	err := s.db.GetContext(ctx, &at, `SELECT `+attemptColumns+` FROM quiz_attempts q
		JOIN assignments a ON a.id = q.assignment_id WHERE q.id = $1 AND a.user_id = $2`, id, userID)
	if err = notFound(err); err != nil {
		return at, fmt.Errorf("store: attempt %d: %w", id, err)
	}
	return at, nil
}

// GradeTx records a submission; an attempt graded already is ErrConflict.
func (s *Attempts) GradeTx(ctx context.Context, tx *sqlx.Tx, id int64, answers []byte, score int, passed bool, at time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE quiz_attempts SET submitted_at = $2, answers = $3, score = $4, passed = $5
		WHERE id = $1 AND submitted_at IS NULL`, id, at, answers, score, passed)
	if err != nil {
		return fmt.Errorf("store: grade attempt %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: grade attempt %d: %w", id, ErrConflict)
	}
	return nil
}

// CountSubmitted returns how many attempts of an assignment were submitted.
func (s *Attempts) CountSubmitted(ctx context.Context, assignmentID int64) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM quiz_attempts WHERE assignment_id = $1 AND submitted_at IS NOT NULL`, assignmentID)
	if err != nil {
		return 0, fmt.Errorf("store: count attempts: %w", err)
	}
	return n, nil
}
