package mail

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/store"
)

// Outbox is the administrators' view of the outbox: what waits, what was
// parked as failed, and a retry.
type Outbox struct {
	DB  *sqlx.DB
	Now func() time.Time
}

// Row is one outbox message as the admin page lists it.
type Row struct {
	ID            int64      `db:"id"`
	Kind          string     `db:"kind"`
	To            string     `db:"to_addr"`
	Subject       string     `db:"subject"`
	Status        string     `db:"status"`
	Attempts      int        `db:"attempts"`
	LastError     string     `db:"last_error"`
	CreatedAt     time.Time  `db:"created_at"`
	NextAttemptAt time.Time  `db:"next_attempt_at"`
	SentAt        *time.Time `db:"sent_at"`
}

// Counts are the sizes of the parts of the queue an admin acts on.
type Counts struct {
	Queued int `db:"queued"` // waiting to be sent
	Due    int `db:"due"`    // of those, due now
	Failed int `db:"failed"` // parked, waiting for a retry
}

const rowColumns = `id, kind, to_addr, subject, status, attempts, left(last_error, 300) AS last_error,
	created_at, next_attempt_at, sent_at`

// Failed lists messages parked as failed, newest first.
func (o *Outbox) Failed(ctx context.Context, limit int) ([]Row, error) {
	var rows []Row
	err := o.DB.SelectContext(ctx, &rows, `SELECT `+rowColumns+` FROM email_outbox
		WHERE status = 'failed' ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("mail: list failed: %w", err)
	}
	return rows, nil
}

// Statuses are the outbox statuses Recent filters on ("" is all).
var Statuses = []string{"queued", "sent", "failed", "dropped"}

// Recent lists the latest messages, optionally of one status.
func (o *Outbox) Recent(ctx context.Context, status string, limit int) ([]Row, error) {
	var rows []Row
	err := o.DB.SelectContext(ctx, &rows, `SELECT `+rowColumns+` FROM email_outbox
		WHERE ($1 = '' OR status = $1) ORDER BY id DESC LIMIT $2`, status, limit)
	if err != nil {
		return nil, fmt.Errorf("mail: list recent: %w", err)
	}
	return rows, nil
}

// Counts counts queued, due and failed messages (both use partial indexes).
func (o *Outbox) Counts(ctx context.Context) (Counts, error) {
	var c Counts
	err := o.DB.GetContext(ctx, &c, `SELECT
		(SELECT count(*) FROM email_outbox WHERE status = 'queued') AS queued,
		(SELECT count(*) FROM email_outbox WHERE status = 'queued' AND next_attempt_at <= $1) AS due,
		(SELECT count(*) FROM email_outbox WHERE status = 'failed') AS failed`, o.Now())
	if err != nil {
		return c, fmt.Errorf("mail: counts: %w", err)
	}
	return c, nil
}

// ErrNotFailed means the message is not parked as failed (it may have been
// retried already).
var ErrNotFailed = errors.New("mail: the message is not parked as failed")

// Retry queues a failed message again with a fresh set of attempts, and
// records who did it in the audit log in the same transaction.
func (o *Outbox) Retry(ctx context.Context, id, actorID int64) error {
	return store.InTx(ctx, o.DB, func(tx *sqlx.Tx) error {
		var before struct {
			Status    string `db:"status" json:"status"`
			Attempts  int    `db:"attempts" json:"attempts"`
			LastError string `db:"last_error" json:"last_error"`
			Kind      string `db:"kind" json:"kind"`
		}
		err := tx.GetContext(ctx, &before, `SELECT status, attempts, last_error, kind FROM email_outbox WHERE id = $1 FOR UPDATE`, id)
		if err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("mail: outbox %d: %w", id, store.ErrNotFound)
			}
			return fmt.Errorf("mail: retry %d: %w", id, err)
		}
		if before.Status != "failed" {
			return ErrNotFailed
		}
		if _, err := tx.ExecContext(ctx, `UPDATE email_outbox SET status = 'queued', attempts = 0, next_attempt_at = $2, last_error = '',
			failed_reason = '' WHERE id = $1`, id, o.Now()); err != nil {
			return fmt.Errorf("mail: retry %d: %w", id, err)
		}
		return store.Audit(ctx, tx, store.AuditEntry{ActorID: &actorID, Action: "mail.retry", Entity: "email_outbox",
			EntityID: strconv.FormatInt(id, 10), Before: before,
			After: map[string]any{"status": "queued", "attempts": 0, "kind": before.Kind}})
	})
}

// Reason is one reason messages were parked as failed ("smtp 550": the
// server's reply code; "attempts": out of tries) and how many it holds.
type Reason struct {
	Reason string `db:"failed_reason"`
	N      int    `db:"n"`
}

// FailedReasons counts parked messages by reason, largest first.
func (o *Outbox) FailedReasons(ctx context.Context) ([]Reason, error) {
	var rs []Reason
	err := o.DB.SelectContext(ctx, &rs, `SELECT failed_reason, count(*) AS n FROM email_outbox
		WHERE status = 'failed' GROUP BY failed_reason ORDER BY n DESC, failed_reason`)
	if err != nil {
		return nil, fmt.Errorf("mail: failed reasons: %w", err)
	}
	return rs, nil
}

// RetryReason queues again, with fresh attempts, every message parked for
// reason, records who did it (one audit entry with the count and the ids)
// in the same transaction, and returns how many.
func (o *Outbox) RetryReason(ctx context.Context, reason string, actorID int64) (int, error) {
	var ids []int64
	err := store.InTx(ctx, o.DB, func(tx *sqlx.Tx) error {
		if err := tx.SelectContext(ctx, &ids, `UPDATE email_outbox SET status = 'queued', attempts = 0, next_attempt_at = $2,
			last_error = '', failed_reason = ''
			WHERE status = 'failed' AND failed_reason = $1 RETURNING id`, reason, o.Now()); err != nil {
			return fmt.Errorf("mail: retry %q: %w", reason, err)
		}
		if len(ids) == 0 {
			return nil
		}
		return store.Audit(ctx, tx, store.AuditEntry{ActorID: &actorID, Action: "mail.retry_bulk", Entity: "email_outbox",
			EntityID: reason, Before: map[string]any{"status": "failed", "failed_reason": reason, "count": len(ids)},
			After: map[string]any{"status": "queued", "attempts": 0, "count": len(ids), "ids": ids}})
	})
	return len(ids), err
}

// Circuit is the senders' view of the mail server, for the admin page.
func (o *Outbox) Circuit(ctx context.Context) (Circuit, error) { return loadCircuit(ctx, o.DB) }

// ForUser lists the latest messages to one person, newest first (a
// manager's person page: the reminders they were sent).
func (o *Outbox) ForUser(ctx context.Context, userID int64, limit int) ([]Row, error) {
	var rows []Row
	err := o.DB.SelectContext(ctx, &rows, `SELECT `+rowColumns+` FROM email_outbox
		WHERE user_id = $1 ORDER BY id DESC LIMIT $2`, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("mail: list for person: %w", err)
	}
	return rows, nil
}
