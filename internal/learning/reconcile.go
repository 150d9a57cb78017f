package learning

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/waymark/waymark/internal/store"
)

// Changes counts what a reconciliation did.
type Changes struct {
	Created   int `db:"created"`   // new assignments (first cycles and renewals)
	Reopened  int `db:"reopened"`  // withdrawn assignments opened again
	Updated   int `db:"updated"`   // open assignments given a due date
	Withdrawn int `db:"withdrawn"` // open assignments no role requires any more
}

// Add sums two counts.
func (c Changes) Add(o Changes) Changes {
	return Changes{c.Created + o.Created, c.Reopened + o.Reopened, c.Updated + o.Updated, c.Withdrawn + o.Withdrawn}
}

// scope picks whose assignments a reconciliation looks at: the given users,
// everyone with a role, or (neither set) everyone.
type scope struct {
	users []int64
	role  string
}

func (sc scope) args() (any, string) {
	if sc.users == nil {
		return nil, sc.role
	}
	return pq.Array(sc.users), sc.role
}

// Reconcile brings the assignments of the given people in line with the
// requirements matrix, in the caller's transaction:
//   - a required course with no assignment gets one, due the requirement's
//     due days from now (the shortest when several roles require it);
//   - a withdrawn assignment of a course required again is opened again,
//     with its progress;
//   - an open self-started assignment of a course that becomes required
//     gets the due date;
//   - a completion that expires within the renewal window gets the next
//     cycle (source renewal), due on the expiry date;
//   - an open assignment from the matrix that no remaining role requires is
//     withdrawn; completed ones stay. A deactivated person's open
//     assignments are all withdrawn.
//
// It is set-based (two statements whatever the number of people) and safe
// to run again. It is the people area's OnPeopleChanged hook.
func (s *Service) Reconcile(ctx context.Context, tx *sqlx.Tx, userIDs []int64) error {
	if len(userIDs) == 0 {
		return nil
	}
	_, err := s.reconcile(ctx, tx, scope{users: userIDs}, s.now())
	return err
}

// ReconcileRole reconciles everyone who has a job role (after a change to
// that role's requirements).
func (s *Service) ReconcileRole(ctx context.Context, tx *sqlx.Tx, role string) (Changes, error) {
	return s.reconcile(ctx, tx, scope{role: role}, s.now())
}

// ReconcileAll reconciles every person (after seeding the matrix).
func (s *Service) ReconcileAll(ctx context.Context, tx *sqlx.Tx) (Changes, error) {
	return s.reconcile(ctx, tx, scope{}, s.now())
}

func (s *Service) reconcile(ctx context.Context, tx *sqlx.Tx, sc scope, now time.Time) (Changes, error) {
	users, role := sc.args()
	var ch Changes
	res, err := tx.ExecContext(ctx, withdrawSQL, users, role, now)
	if err != nil {
		return ch, fmt.Errorf("learning: withdraw assignments: %w", err)
	}
	n, _ := res.RowsAffected()
	if err := tx.GetContext(ctx, &ch, assignSQL, users, role, now, s.window); err != nil {
		return ch, fmt.Errorf("learning: assign from requirements: %w", err)
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

// renewalLookback bounds how far back OpenRenewals looks for expired
// completions that never got their next cycle (e.g. after downtime).
const renewalLookback = 400 * 24 * time.Hour

// renewalBatch is how many people one renewal transaction reconciles.
const renewalBatch = 2000

// OpenRenewals opens the next cycle for every completion that expires
// within the renewal window and has none yet, for people whose roles still
// require the course. The new assignment is due on the expiry date. It is
// the periodic job; safe to run on several instances at once.
func (s *Service) OpenRenewals(ctx context.Context, now time.Time) (int, error) {
	var users []int64
	err := s.DB.SelectContext(ctx, &users, `SELECT DISTINCT cm.user_id FROM completions cm
		WHERE cm.expires_at IS NOT NULL AND cm.expires_at <= $1::timestamptz + $2::int * interval '1 day'
		AND cm.expires_at > $3
		AND NOT EXISTS (SELECT 1 FROM assignments b
			WHERE b.user_id = cm.user_id AND b.course_id = cm.course_id AND b.cycle > cm.cycle)
		ORDER BY cm.user_id`, now, s.window, now.Add(-renewalLookback))
	if err != nil {
		return 0, fmt.Errorf("learning: renewals due: %w", err)
	}
	opened := 0
	for len(users) > 0 {
		batch := users[:min(renewalBatch, len(users))]
		users = users[len(batch):]
		err := store.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
			ch, err := s.reconcile(ctx, tx, scope{users: batch}, now)
			opened += ch.Created
			return err
		})
		if err != nil {
			return opened, err
		}
	}
	return opened, nil
}
