package mail

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Queued returns which of the dedupe keys are in the outbox: one lookup
// on its dedupe key index.
func Queued(ctx context.Context, q sqlx.QueryerContext, keys []string) ([]string, error) {
	var found []string
	if err := sqlx.SelectContext(ctx, q, &found, `SELECT dedupe_key FROM email_outbox WHERE dedupe_key = ANY($1)`, pq.Array(keys)); err != nil {
		return nil, fmt.Errorf("mail: queued keys: %w", err)
	}
	return found, nil
}

// AnalyzeOutbox refreshes the outbox's planner statistics.
func AnalyzeOutbox(ctx context.Context, q sqlx.ExecerContext) error {
	if _, err := q.ExecContext(ctx, `ANALYZE email_outbox`); err != nil {
		return fmt.Errorf("mail: analyze the outbox: %w", err)
	}
	return nil
}

// EnqueueSelectSQL is a statement that queues the rows of sel, a SELECT of
// (dedupe_key, kind, user_id, assignment_id, to_addr, subject, text_body,
// html_body, next_attempt_at), and returns how many it added by kind.
// Rows are inserted in key order so concurrent statements wait on each
// other instead of deadlocking; a key already queued adds nothing.
func EnqueueSelectSQL(sel string) string { return fmt.Sprintf(enqueueSelect, sel) }

const enqueueSelect = `WITH ins AS (
		INSERT INTO email_outbox (dedupe_key, kind, user_id, assignment_id, to_addr, subject, text_body, html_body, next_attempt_at)
		%s
		ORDER BY 1
		ON CONFLICT (dedupe_key) DO NOTHING
		RETURNING kind)
	SELECT kind, count(*) AS n FROM ins GROUP BY kind`

// SubscribeSelected subscribes the rows of sel, a SELECT of (user_id,
// list), to their lists; existing subscriptions (and unsubscriptions) stay.
func SubscribeSelected(ctx context.Context, q sqlx.ExecerContext, sel string) error {
	if _, err := q.ExecContext(ctx, `INSERT INTO mail_subscriptions (user_id, list)
		`+sel+`
		ON CONFLICT (user_id, list) DO NOTHING`); err != nil {
		return fmt.Errorf("mail: subscribe: %w", err)
	}
	return nil
}
