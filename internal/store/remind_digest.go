package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// EveryManagerOnDigest selects (user_id, list) for every manager and the
// digest list, for mail.SubscribeSelected.
const EveryManagerOnDigest = `SELECT DISTINCT ms.user_id, 'digest' FROM manager_scopes ms`

// DigestWaiting lists the active managers on the digest list who have no
// digest for week (its dedupe key's week part) queued yet.
func DigestWaiting(ctx context.Context, q sqlx.QueryerContext, week string) ([]int64, error) {
	var waiting []int64
	err := sqlx.SelectContext(ctx, q, &waiting, `SELECT ms.user_id FROM mail_subscriptions ms
		JOIN users u ON u.id = ms.user_id AND u.deactivated_at IS NULL
		WHERE ms.list = 'digest' AND ms.unsubscribed_at IS NULL
		  AND EXISTS (SELECT 1 FROM manager_scopes x WHERE x.user_id = ms.user_id)
		  AND NOT EXISTS (SELECT 1 FROM email_outbox o WHERE o.dedupe_key = 'digest:' || ms.user_id || ':' || $1)`, week)
	return waiting, err
}

// DigestCount is one manager's digest: overdue assignments and lapsing
// completions in their scope, with their unsubscribe token.
type DigestCount struct {
	UserID   int64  `db:"user_id"`
	Email    string `db:"email"`
	Name     string `db:"name"`
	Token    string `db:"token"`
	Overdue  int    `db:"overdue"`
	Expiring int    `db:"expiring"`
}

// DigestCounts counts, for each manager, the open assignments overdue at
// now and the completions lapsing in (now, horizon] and not renewed, over
// the manager's scope.
func DigestCounts(ctx context.Context, q sqlx.QueryerContext, managers []int64, now, horizon time.Time) ([]DigestCount, error) {
	var rows []DigestCount
	err := sqlx.SelectContext(ctx, q, &rows, digestCounts, pq.Array(managers), now, horizon)
	return rows, err
}

// digestCounts: per organization first (one pass over overdue assignments
// and lapsing completions), then summed over each manager's distinct
// subtree organizations. $1 managers, $2 now, $3 lapse horizon.
const digestCounts = `WITH scope AS MATERIALIZED (
		SELECT DISTINCT ms.user_id, oc.descendant_id AS org_id
		FROM manager_scopes ms JOIN org_closure oc ON oc.ancestor_id = ms.org_id
		WHERE ms.user_id = ANY($1)),
	orgs AS MATERIALIZED (SELECT DISTINCT org_id FROM scope),
	overdue AS MATERIALIZED (
		SELECT u.org_id, count(*) AS n FROM assignments a JOIN users u ON u.id = a.user_id AND u.deactivated_at IS NULL
		WHERE a.status = 'open' AND a.due_at < $2 AND u.org_id IN (SELECT org_id FROM orgs)
		GROUP BY u.org_id),
	expiring AS MATERIALIZED (
		SELECT u.org_id, count(*) AS n FROM completions c JOIN users u ON u.id = c.user_id AND u.deactivated_at IS NULL
		WHERE c.expires_at > $2 AND c.expires_at <= $3 AND u.org_id IN (SELECT org_id FROM orgs)
		  AND NOT EXISTS (SELECT 1 FROM completions n
		                  WHERE n.user_id = c.user_id AND n.completed_at > c.completed_at AND n.course_id = c.course_id)
		GROUP BY u.org_id),
	per_manager AS MATERIALIZED (
		SELECT sc.user_id, coalesce(sum(o.n), 0)::int AS overdue, coalesce(sum(e.n), 0)::int AS expiring
		FROM scope sc
		LEFT JOIN overdue o ON o.org_id = sc.org_id
		LEFT JOIN expiring e ON e.org_id = sc.org_id
		GROUP BY sc.user_id)
	SELECT m.id AS user_id, m.email, m.name, sub.token, p.overdue, p.expiring
	FROM per_manager p
	JOIN users m ON m.id = p.user_id
	JOIN mail_subscriptions sub ON sub.user_id = m.id AND sub.list = 'digest'
	ORDER BY m.id`
