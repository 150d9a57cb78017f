package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// ReconcileCounts counts what a reconciliation of assignments with the
// requirements matrix did.
type ReconcileCounts struct {
	Created   int `db:"created"`   // new assignments (first cycles and renewals)
	Reopened  int `db:"reopened"`  // withdrawn assignments opened again
	Updated   int `db:"updated"`   // open assignments given a due date
	Withdrawn int `db:"withdrawn"` // open assignments no role requires any more
}

// Add sums two counts.
func (c ReconcileCounts) Add(o ReconcileCounts) ReconcileCounts {
	return ReconcileCounts{c.Created + o.Created, c.Reopened + o.Reopened, c.Updated + o.Updated, c.Withdrawn + o.Withdrawn}
}

// ReconcileTx brings the assignments of some people in line with the
// requirements matrix, in the caller's transaction, with two set-based
// statements: the first withdraws open assignments no role requires any
// more (all of a deactivated person's), the second opens what is missing
// (new assignments due the requirement's due days from now, withdrawn ones opened
// again, self-started ones given the due date, the next cycle for
// completions expiring within windowDays). users picks the people (nil:
// everyone) and role, when not empty, narrows them to those with the role.
func (s *Assignments) ReconcileTx(ctx context.Context, tx *sqlx.Tx, users []int64, role string, now time.Time, windowDays int) (ReconcileCounts, error) {
	var userArg any
	if users != nil {
		userArg = pq.Array(users)
	}
	var ch ReconcileCounts
	res, err := tx.ExecContext(ctx, withdrawSQL, userArg, role, now)
	if err != nil {
		return ch, fmt.Errorf("store: withdraw assignments: %w", err)
	}
	n, _ := res.RowsAffected()
	if err := tx.GetContext(ctx, &ch, assignSQL, userArg, role, now, windowDays); err != nil {
		return ch, fmt.Errorf("store: assign from requirements: %w", err)
	}
	ch.Withdrawn = int(n)
	return ch, nil
}

// inScope is the people filter shared by both statements ($1 users or
// NULL, $2 role or the empty string).
const inScope = `($1::bigint[] IS NULL OR %[1]s = ANY($1::bigint[]))
	AND ($2::text = '' OR %[1]s IN (SELECT user_id FROM user_roles WHERE role_code = $2::text))`

// requiredBy is true when one of the person's roles requires the course.
const requiredBy = `EXISTS (SELECT 1 FROM user_roles ur
	JOIN requirements r ON r.role_code = ur.role_code AND r.removed_at IS NULL AND NOT r.optional
	WHERE ur.user_id = a.user_id AND r.course_id = a.course_id)`

var withdrawSQL = `UPDATE assignments a SET status = 'withdrawn', withdrawn_at = $3
	FROM users u
	WHERE u.id = a.user_id AND a.status = 'open' AND ` + fmt.Sprintf(inScope, "a.user_id") + `
	AND (u.deactivated_at IS NOT NULL OR (a.source IN ('requirement', 'renewal') AND NOT ` + requiredBy + `))`

var assignSQL = `WITH need AS (
	SELECT ur.user_id, r.course_id, min(r.due_days) AS due_days
	FROM user_roles ur
	JOIN users u ON u.id = ur.user_id AND u.deactivated_at IS NULL
	JOIN requirements r ON r.role_code = ur.role_code AND r.removed_at IS NULL AND NOT r.optional
	JOIN courses c ON c.id = r.course_id AND c.retired_at IS NULL
	WHERE ` + fmt.Sprintf(inScope, "ur.user_id") + `
	GROUP BY ur.user_id, r.course_id
), last AS (
	SELECT DISTINCT ON (a.user_id, a.course_id) a.user_id, a.course_id, a.id, a.cycle, a.status, a.due_at, a.source
	FROM assignments a
	WHERE a.user_id IN (SELECT user_id FROM need)
	ORDER BY a.user_id, a.course_id, a.cycle DESC
), latest AS (
	-- The completion through its unique index, only for pairs that have a
	-- cycle (none do for new people).
	SELECT n.user_id, n.course_id, $3::timestamptz + n.due_days * interval '24 hours' AS due_at,
		l.id, l.cycle, l.status, l.due_at AS old_due, l.source,
		(SELECT cm.expires_at FROM completions cm WHERE cm.assignment_id = l.id) AS expires_at
	FROM need n
	LEFT JOIN last l ON l.user_id = n.user_id AND l.course_id = n.course_id
), reopened AS (
	-- "Neither open nor completed" is withdrawn, written so that no index
	-- on status applies: each row is reached through its id. (Statistics
	-- know nothing of the assignments just withdrawn in this transaction,
	-- so scanning the withdrawn ones and the list for each looks cheap and
	-- is quadratic.)
	UPDATE assignments a SET status = 'open', withdrawn_at = NULL, source = 'requirement', assigned_by = NULL,
		assigned_at = $3, due_at = l.due_at
	FROM latest l WHERE a.id = l.id AND l.status = 'withdrawn' AND a.status <> 'open' AND a.status <> 'completed'
	RETURNING a.id
), updated AS (
	UPDATE assignments a SET source = CASE WHEN a.source = 'self' THEN 'requirement' ELSE a.source END,
		due_at = COALESCE(a.due_at, l.due_at)
	FROM latest l WHERE a.id = l.id AND l.status = 'open' AND (l.old_due IS NULL OR l.source = 'self')
	RETURNING a.id
), created AS (
	-- The next cycle after the latest, so that a concurrent reconciliation
	-- of the same person conflicts on (user_id, course_id, cycle); in key
	-- order, which appends to the indexes.
	INSERT INTO assignments (user_id, course_id, cycle, source, assigned_at, available_from, due_at)
	SELECT l.user_id, l.course_id, COALESCE(l.cycle, 0) + 1,
		CASE WHEN l.id IS NULL THEN 'requirement' ELSE 'renewal' END, $3, $3,
		CASE WHEN l.expires_at > $3 THEN l.expires_at ELSE l.due_at END
	FROM latest l
	WHERE l.id IS NULL
	   OR (l.status = 'completed' AND l.expires_at <= $3::timestamptz + $4::int * interval '1 day')
	ORDER BY l.user_id, l.course_id
	ON CONFLICT (user_id, course_id, cycle) DO NOTHING
	RETURNING id
)
SELECT (SELECT count(*) FROM created) AS created, (SELECT count(*) FROM reopened) AS reopened,
	(SELECT count(*) FROM updated) AS updated`
