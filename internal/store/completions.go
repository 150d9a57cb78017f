package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Completion is a passed course: once per user × course version × cycle,
// never overwritten; history across cycles is kept.
type Completion struct {
	ID              int64      `db:"id"`
	UserID          int64      `db:"user_id"`
	CourseID        int64      `db:"course_id"`
	CourseVersionID int64      `db:"course_version_id"`
	AssignmentID    int64      `db:"assignment_id"`
	AttemptID       *int64     `db:"attempt_id"`
	Cycle           int        `db:"cycle"`
	Score           int        `db:"score"`
	Minutes         int        `db:"minutes"`
	CompletedAt     time.Time  `db:"completed_at"`
	ExpiresAt       *time.Time `db:"expires_at"`
}

const completionColumns = `cm.id, cm.user_id, cm.course_id, cm.course_version_id, cm.assignment_id, cm.attempt_id,
	cm.cycle, cm.score, cm.minutes, cm.completed_at, cm.expires_at`

// Completions stores completions.
type Completions struct {
	db      *sqlx.DB
	credits *sqlx.Stmt
}

// NewCompletions returns the completion store with its hot query prepared.
func NewCompletions(db *sqlx.DB) (*Completions, error) {
	p := preparer{db: db}
	s := &Completions{db: db, credits: p.prepare("completions.credits", `SELECT cm.id, c.slug, v.title, cm.minutes, cm.completed_at
		FROM completions cm
		JOIN course_versions v ON v.id = cm.course_version_id
		JOIN courses c ON c.id = cm.course_id
		WHERE cm.user_id = $1 ORDER BY cm.completed_at, cm.id`)}
	if err := p.done(); err != nil {
		return nil, err
	}
	return s, nil
}

// CreateTx records a completion. A second completion of the same
// assignment, or of the same user × version × cycle, is ErrConflict.
func (s *Completions) CreateTx(ctx context.Context, tx *sqlx.Tx, c Completion) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, `INSERT INTO completions
		(user_id, course_id, course_version_id, assignment_id, attempt_id, cycle, score, minutes, completed_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		c.UserID, c.CourseID, c.CourseVersionID, c.AssignmentID, c.AttemptID, c.Cycle, c.Score, c.Minutes, c.CompletedAt, c.ExpiresAt)
	if isUnique(err) {
		return 0, fmt.Errorf("store: create completion: %w", ErrConflict)
	}
	if err != nil {
		return 0, fmt.Errorf("store: create completion: %w", err)
	}
	return id, nil
}

// ByID returns one completion.
func (s *Completions) ByID(ctx context.Context, id int64) (Completion, error) {
	var c Completion
	err := s.db.GetContext(ctx, &c, `SELECT `+completionColumns+` FROM completions cm WHERE cm.id = $1`, id)
	if err = notFound(err); err != nil {
		return c, fmt.Errorf("store: completion %d: %w", id, err)
	}
	return c, nil
}

// ByAttempt returns the completion a passing attempt wrote, or ErrNotFound.
func (s *Completions) ByAttempt(ctx context.Context, attemptID int64) (Completion, error) {
	var c Completion
	err := s.db.GetContext(ctx, &c, `SELECT `+completionColumns+` FROM completions cm WHERE cm.attempt_id = $1`, attemptID)
	if err = notFound(err); err != nil {
		return c, fmt.Errorf("store: completion of attempt %d: %w", attemptID, err)
	}
	return c, nil
}

// CreditRow is one completion as the credit summary counts it.
type CreditRow struct {
	CompletionID int64     `db:"id"`
	Slug         string    `db:"slug"`
	Title        string    `db:"title"`
	Minutes      int       `db:"minutes"`
	CompletedAt  time.Time `db:"completed_at"`
}

// Credits returns a person's completions with their credited minutes,
// oldest first.
func (s *Completions) Credits(ctx context.Context, userID int64) ([]CreditRow, error) {
	var out []CreditRow
	if err := s.credits.SelectContext(ctx, &out, userID); err != nil {
		return nil, fmt.Errorf("store: credits of user %d: %w", userID, err)
	}
	return out, nil
}
