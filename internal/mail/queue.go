package mail

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Outgoing is a claimed outbox row on its way to the transport. A Prepare
// hook may fill Subject/Text/HTML/To of a row queued without a body (and set
// Rendered so they are stored), or set Drop to a reason not to send it.
type Outgoing struct {
	ID           int64     `db:"id"`
	DedupeKey    string    `db:"dedupe_key"`
	Kind         string    `db:"kind"`
	UserID       *int64    `db:"user_id"`
	AssignmentID *int64    `db:"assignment_id"`
	To           string    `db:"to_addr"`
	Subject      string    `db:"subject"`
	Text         string    `db:"text_body"`
	HTML         string    `db:"html_body"`
	HeadersJSON  []byte    `db:"headers"`
	Attempts     int       `db:"attempts"`
	CreatedAt    time.Time `db:"created_at"`

	Headers  map[string]string `db:"-"`
	Rendered bool              `db:"-"`
	Drop     string            `db:"-"`
}

// claim leases up to n due rows to owner (one send pass): it bumps
// next_attempt_at to until and counts the attempt, in one short statement,
// skipping rows another sender holds. The owner renews the lease while it
// works (heartbeat); a process that dies after claiming loses nothing: the
// rows come due again one lease after its last renewal.
func claim(ctx context.Context, db sqlx.QueryerContext, owner string, now, until time.Time, n int, quiet bool, exempt []string) ([]*Outgoing, error) {
	var rows []*Outgoing
	err := sqlx.SelectContext(ctx, db, &rows, `UPDATE email_outbox o
		SET next_attempt_at = $2, attempts = o.attempts + 1, claimed_by = $6
		FROM (SELECT id FROM email_outbox
		      WHERE status = 'queued' AND next_attempt_at <= $1 AND (NOT $4 OR kind = ANY($5))
		      ORDER BY next_attempt_at, id LIMIT $3
		      FOR UPDATE SKIP LOCKED) c
		WHERE o.id = c.id
		RETURNING o.id, o.dedupe_key, o.kind, o.user_id, o.assignment_id, o.to_addr, o.subject,
		          o.text_body, o.html_body, o.headers, o.attempts, o.created_at`,
		now, until, n, quiet, pq.Array(exempt), owner)
	if err != nil {
		return nil, fmt.Errorf("mail: claim: %w", err)
	}
	for _, r := range rows {
		if err := json.Unmarshal(r.HeadersJSON, &r.Headers); err != nil {
			return nil, fmt.Errorf("mail: outbox %d headers: %w", r.ID, err)
		}
	}
	return rows, nil
}

// holdForQuietHours moves due rows of non-exempt kinds to the end of quiet
// hours, so the queue shows when they will go.
func holdForQuietHours(ctx context.Context, db sqlx.ExecerContext, now, end time.Time, exempt []string) (int64, error) {
	res, err := db.ExecContext(ctx, `UPDATE email_outbox SET next_attempt_at = $2
		WHERE status = 'queued' AND next_attempt_at <= $1 AND NOT (kind = ANY($3))`, now, end, pq.Array(exempt))
	if err != nil {
		return 0, fmt.Errorf("mail: hold for quiet hours: %w", err)
	}
	return res.RowsAffected()
}

// heartbeat renews the lease of every row owner still holds.
func heartbeat(ctx context.Context, db sqlx.ExecerContext, owner string, until time.Time) error {
	if _, err := db.ExecContext(ctx, `UPDATE email_outbox SET next_attempt_at = $2
		WHERE claimed_by = $1 AND status = 'queued'`, owner, until); err != nil {
		return fmt.Errorf("mail: renew leases: %w", err)
	}
	return nil
}

// countDue counts the rows a pass would take now.
func countDue(ctx context.Context, db sqlx.QueryerContext, now time.Time, quiet bool, exempt []string) (int, error) {
	var n int
	err := sqlx.GetContext(ctx, db, &n, `SELECT count(*) FROM email_outbox
		WHERE status = 'queued' AND next_attempt_at <= $1 AND (NOT $2 OR kind = ANY($3))`, now, quiet, pq.Array(exempt))
	if err != nil {
		return 0, fmt.Errorf("mail: count due: %w", err)
	}
	return n, nil
}

// markSent records one delivered row the moment the server accepted it,
// storing a body rendered at send time. It does not ask who holds the row:
// the message went out, whoever's lease it was.
func markSent(ctx context.Context, db sqlx.ExecerContext, now time.Time, o *Outgoing) error {
	_, err := db.ExecContext(ctx, `UPDATE email_outbox SET status = 'sent', sent_at = $2, last_error = '', claimed_by = NULL,
		to_addr = CASE WHEN $3 THEN $4 ELSE to_addr END, subject = CASE WHEN $3 THEN $5 ELSE subject END,
		text_body = CASE WHEN $3 THEN $6 ELSE text_body END, html_body = CASE WHEN $3 THEN $7 ELSE html_body END
		WHERE id = $1 AND status = 'queued'`, o.ID, now, o.Rendered, o.To, o.Subject, o.Text, o.HTML)
	if err != nil {
		return fmt.Errorf("mail: record sent: %w", err)
	}
	return nil
}

// markDropped records rows not sent because they no longer apply.
func markDropped(ctx context.Context, db sqlx.ExecerContext, rows []*Outgoing) error {
	if len(rows) == 0 {
		return nil
	}
	ids, reasons := make([]int64, len(rows)), make([]string, len(rows))
	for i, o := range rows {
		ids[i], reasons[i] = o.ID, o.Drop
	}
	_, err := db.ExecContext(ctx, `UPDATE email_outbox o SET status = 'dropped', last_error = r.reason, claimed_by = NULL
		FROM unnest($1::bigint[], $2::text[]) AS r(id, reason)
		WHERE o.id = r.id AND o.status = 'queued'`, pq.Array(ids), pq.Array(reasons))
	if err != nil {
		return fmt.Errorf("mail: record dropped: %w", err)
	}
	return nil
}

// markFailed records one failed try of a row owner holds: parked as failed
// (with reason) when permanent or out of attempts, else queued again at
// retryAt.
func markFailed(ctx context.Context, db sqlx.ExecerContext, owner string, o *Outgoing, reason string, retryAt time.Time, msg string) error {
	status := "queued"
	if reason != "" {
		status = "failed"
	}
	_, err := db.ExecContext(ctx, `UPDATE email_outbox SET status = $2, next_attempt_at = $3, last_error = $4, failed_reason = $6,
		claimed_by = NULL
		WHERE id = $1 AND status = 'queued' AND claimed_by = $5`, o.ID, status, retryAt, truncate(msg, 1000), owner, reason)
	if err != nil {
		return fmt.Errorf("mail: record failure of %d: %w", o.ID, err)
	}
	return nil
}

// release hands rows owner holds back, due at at: with refund the try is
// not counted (never tried, or stopped by an outage). It ignores rows
// owner no longer holds, so trying it again after a lost reply changes
// nothing.
func release(ctx context.Context, db sqlx.ExecerContext, owner string, rows []*Outgoing, at time.Time, msg string, refund bool) error {
	if len(rows) == 0 {
		return nil
	}
	ids := make([]int64, len(rows))
	for i, o := range rows {
		ids[i] = o.ID
	}
	_, err := db.ExecContext(ctx, `UPDATE email_outbox SET next_attempt_at = $2,
		attempts = CASE WHEN $5 THEN greatest(attempts - 1, 0) ELSE attempts END,
		last_error = CASE WHEN $3 = '' THEN last_error ELSE $3 END, claimed_by = NULL
		WHERE id = ANY($1) AND status = 'queued' AND claimed_by = $4`, pq.Array(ids), at, truncate(msg, 1000), owner, refund)
	if err != nil {
		return fmt.Errorf("mail: release: %w", err)
	}
	return nil
}

// releaseRest hands back, untried, every row owner still holds except
// keep (rows sent whose record could not be written): a claim whose reply
// was lost leaves rows nobody else knows of.
func releaseRest(ctx context.Context, db sqlx.ExecerContext, owner string, keep []int64, at time.Time) error {
	_, err := db.ExecContext(ctx, `UPDATE email_outbox SET next_attempt_at = $2, attempts = greatest(attempts - 1, 0), claimed_by = NULL
		WHERE claimed_by = $1 AND status = 'queued' AND NOT (id = ANY($3))`, owner, at, pq.Array(keep))
	if err != nil {
		return fmt.Errorf("mail: release the rest: %w", err)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
