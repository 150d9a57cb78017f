package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// ReminderFacts is what a queued reminder is re-checked and rendered
// against at send time: its assignment now.
type ReminderFacts struct {
	ID          int64      `db:"id"`
	Status      string     `db:"status"`
	DueAt       *time.Time `db:"due_at"`
	LearnerName string     `db:"learner_name"`
	LearnerGone bool       `db:"learner_gone"`
	Course      string     `db:"course_title"`
	ExpiresAt   *time.Time `db:"expires_at"`
	Renewed     bool       `db:"renewed"`
}

// ReminderFactsOf reads the facts of the assignments: one indexed query.
func ReminderFactsOf(ctx context.Context, q sqlx.QueryerContext, ids []int64) ([]*ReminderFacts, error) {
	var fs []*ReminderFacts
	err := sqlx.SelectContext(ctx, q, &fs, `SELECT a.id, a.status, a.due_at, l.name AS learner_name,
			l.deactivated_at IS NOT NULL AS learner_gone, coalesce(cv.title, co.slug) AS course_title, c.expires_at,
			(c.id IS NOT NULL AND EXISTS (SELECT 1 FROM completions n
			  WHERE n.user_id = c.user_id AND n.course_id = c.course_id AND n.completed_at > c.completed_at)) AS renewed
		FROM assignments a
		JOIN users l ON l.id = a.user_id
		JOIN courses co ON co.id = a.course_id
		LEFT JOIN course_versions cv ON cv.id = co.current_version_id
		LEFT JOIN completions c ON c.assignment_id = a.id
		WHERE a.id = ANY($1)`, pq.Array(ids))
	return fs, err
}

// Recipient is a message's addressee now.
type Recipient struct {
	ID    int64  `db:"id"`
	Email string `db:"email"`
	Name  string `db:"name"`
	Gone  bool   `db:"gone"`
}

// RecipientsOf reads the people: one indexed query.
func RecipientsOf(ctx context.Context, q sqlx.QueryerContext, ids []int64) ([]*Recipient, error) {
	var ps []*Recipient
	err := sqlx.SelectContext(ctx, q, &ps, `SELECT id, email, name, deactivated_at IS NOT NULL AS gone
		FROM users WHERE id = ANY($1)`, pq.Array(ids))
	return ps, err
}
