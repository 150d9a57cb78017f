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

// claim leases up to n due rows for this process: it bumps next_attempt_at
// to until and counts the attempt, in one short statement, skipping rows
// another sender holds. A process that dies after claiming loses nothing:
// the rows come due again when the lease ends.
func claim(ctx context.Context, db sqlx.QueryerContext, now, until time.Time, n int, quiet bool, exempt []string) ([]*Outgoing, error) {
	var rows []*Outgoing
	err := sqlx.SelectContext(ctx, db, &rows, `UPDATE email_outbox o
		SET next_attempt_at = $2, attempts = o.attempts + 1
		FROM (SELECT id FROM email_outbox
		      WHERE status = 'queued' AND next_attempt_at <= $1 AND (NOT $4 OR kind = ANY($5))
		      ORDER BY next_attempt_at, id LIMIT $3
		      FOR UPDATE SKIP LOCKED) c
		WHERE o.id = c.id
		RETURNING o.id, o.dedupe_key, o.kind, o.user_id, o.assignment_id, o.to_addr, o.subject,
		          o.text_body, o.html_body, o.headers, o.attempts, o.created_at`,
		now, until, n, quiet, pq.Array(exempt))
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

// markSent records delivered rows, storing bodies rendered at send time.
func markSent(ctx context.Context, db *sqlx.DB, now time.Time, sent []*Outgoing) error {
	if len(sent) == 0 {
		return nil
	}
	var ids, rids []int64
	var tos, subjects, texts, htmls []string
	for _, o := range sent {
		ids = append(ids, o.ID)
		if o.Rendered {
			rids = append(rids, o.ID)
			tos, subjects, texts, htmls = append(tos, o.To), append(subjects, o.Subject), append(texts, o.Text), append(htmls, o.HTML)
		}
	}
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("mail: record sent: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE email_outbox SET status = 'sent', sent_at = $2, last_error = ''
		WHERE id = ANY($1) AND status = 'queued'`, pq.Array(ids), now); err != nil {
		return fmt.Errorf("mail: record sent: %w", err)
	}
	if len(rids) > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE email_outbox o
			SET to_addr = r.to_addr, subject = r.subject, text_body = r.text_body, html_body = r.html_body
			FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[]) AS r(id, to_addr, subject, text_body, html_body)
			WHERE o.id = r.id`, pq.Array(rids), pq.Array(tos), pq.Array(subjects), pq.Array(texts), pq.Array(htmls)); err != nil {
			return fmt.Errorf("mail: store rendered bodies: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
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
	_, err := db.ExecContext(ctx, `UPDATE email_outbox o SET status = 'dropped', last_error = r.reason
		FROM unnest($1::bigint[], $2::text[]) AS r(id, reason)
		WHERE o.id = r.id AND o.status = 'queued'`, pq.Array(ids), pq.Array(reasons))
	if err != nil {
		return fmt.Errorf("mail: record dropped: %w", err)
	}
	return nil
}

// markFailed records one failed delivery: parked as failed when permanent
// or out of attempts, else queued again at retryAt.
func markFailed(ctx context.Context, db sqlx.ExecerContext, o *Outgoing, park bool, retryAt time.Time, msg string) error {
	status := "queued"
	if park {
		status = "failed"
	}
	_, err := db.ExecContext(ctx, `UPDATE email_outbox SET status = $2, next_attempt_at = $3, last_error = $4
		WHERE id = $1 AND status = 'queued'`, o.ID, status, retryAt, truncate(msg, 1000))
	if err != nil {
		return fmt.Errorf("mail: record failure of %d: %w", o.ID, err)
	}
	return nil
}

// release hands claimed rows back untried: the attempt is not counted.
func release(ctx context.Context, db sqlx.ExecerContext, rows []*Outgoing, at time.Time, msg string) error {
	if len(rows) == 0 {
		return nil
	}
	ids := make([]int64, len(rows))
	for i, o := range rows {
		ids[i] = o.ID
	}
	_, err := db.ExecContext(ctx, `UPDATE email_outbox SET next_attempt_at = $2, attempts = greatest(attempts - 1, 0),
		last_error = CASE WHEN $3 = '' THEN last_error ELSE $3 END
		WHERE id = ANY($1) AND status = 'queued'`, pq.Array(ids), at, truncate(msg, 1000))
	if err != nil {
		return fmt.Errorf("mail: release: %w", err)
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
