package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// ManualAssign is a manager's or administrator's assignment of a course to
// one person (UserID) or to everyone active in an organization's subtree
// (OrgID); the other is nil.
type ManualAssign struct {
	UserID        *int64
	OrgID         *int64
	CourseID      int64
	DueAt         time.Time
	AvailableFrom time.Time
	At            time.Time
	ActorID       int64
}

// ManualCounts counts what a manual assignment did.
type ManualCounts struct {
	Created  int `db:"created"`  // new assignments
	Reopened int `db:"reopened"` // withdrawn ones opened again
	Updated  int `db:"updated"`  // open ones given this due date (never a later one)
	Skipped  int `db:"skipped"`  // already completed and current
}

// AssignManualTx assigns the course set-based over the targets in one
// statement: withdrawn assignments open again, open ones keep an earlier
// due date, people whose completion is still current are skipped, and
// everyone else gets a new cycle.
func (s *Assignments) AssignManualTx(ctx context.Context, tx *sqlx.Tx, m ManualAssign) (ManualCounts, error) {
	var res ManualCounts
	err := tx.GetContext(ctx, &res, manualSQL, m.UserID, m.OrgID, m.CourseID, m.DueAt, m.AvailableFrom, m.At, m.ActorID)
	if err != nil {
		return res, fmt.Errorf("store: assign course: %w", err)
	}
	return res, nil
}

// manualSQL: $1 user or NULL, $2 organization or NULL, $3 course, $4 due,
// $5 available from, $6 now, $7 actor.
var manualSQL = `WITH targets AS (
	SELECT u.id AS user_id FROM users u
	WHERE u.deactivated_at IS NULL AND (
		u.id = $1::bigint OR
		` + InSubtree("u.org_id", "$2") + `)
), last AS (
	SELECT DISTINCT ON (a.user_id) a.user_id, a.id, a.cycle, a.status
	FROM assignments a
	WHERE a.course_id = $3 AND a.user_id IN (SELECT user_id FROM targets)
	ORDER BY a.user_id, a.cycle DESC
), latest AS (
	SELECT t.user_id, l.id, l.cycle, l.status, cm.expires_at
	FROM targets t
	LEFT JOIN last l ON l.user_id = t.user_id
	LEFT JOIN completions cm ON cm.assignment_id = l.id
), reopened AS (
	UPDATE assignments a SET status = 'open', withdrawn_at = NULL, source = 'manual', assigned_by = $7,
		assigned_at = $6, available_from = $5, due_at = $4
	FROM latest l WHERE a.id = l.id AND l.status = 'withdrawn' AND a.status = 'withdrawn'
	RETURNING a.id
), updated AS (
	UPDATE assignments a SET due_at = LEAST(COALESCE(a.due_at, $4), $4),
		source = CASE WHEN a.source = 'self' THEN 'manual' ELSE a.source END,
		assigned_by = CASE WHEN a.source = 'self' THEN $7 ELSE a.assigned_by END
	FROM latest l WHERE a.id = l.id AND l.status = 'open' AND a.status = 'open'
	RETURNING a.id
), created AS (
	INSERT INTO assignments (user_id, course_id, cycle, source, assigned_by, assigned_at, available_from, due_at)
	SELECT l.user_id, $3, COALESCE(l.cycle, 0) + 1, 'manual', $7, $6, $5, $4
	FROM latest l
	WHERE l.id IS NULL OR (l.status = 'completed' AND l.expires_at <= $6)
	ON CONFLICT DO NOTHING
	RETURNING id
)
SELECT (SELECT count(*) FROM created) AS created, (SELECT count(*) FROM reopened) AS reopened,
	(SELECT count(*) FROM updated) AS updated,
	(SELECT count(*) FROM latest WHERE status = 'completed' AND (expires_at IS NULL OR expires_at > $6)) AS skipped`
