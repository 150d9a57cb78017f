package mail

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Circuit is the senders' shared view of the mail server (mail_circuit):
// open after an outage (refused or timed-out connections, 421, a run of
// 4xx across recipients) until OpenUntil, when one pass probes it again.
type Circuit struct {
	State       string     `db:"state"` // closed or open
	OpenUntil   *time.Time `db:"open_until"`
	Opens       int        `db:"opens"` // outages in a row; the wait doubles with each
	LastError   string     `db:"last_error"`
	LastErrorAt *time.Time `db:"last_error_at"`
	ChangedAt   *time.Time `db:"changed_at"`
}

// OpenAt reports whether senders wait at t (an open circuit whose wait has
// passed lets the next pass probe the server).
func (c Circuit) OpenAt(t time.Time) bool {
	return c.State == "open" && c.OpenUntil != nil && t.Before(*c.OpenUntil)
}

func loadCircuit(ctx context.Context, db sqlx.QueryerContext) (Circuit, error) {
	var c Circuit
	err := sqlx.GetContext(ctx, db, &c, `SELECT state, open_until, opens, left(last_error, 300) AS last_error, last_error_at, changed_at
		FROM mail_circuit`)
	if err != nil {
		return c, fmt.Errorf("mail: read the circuit: %w", err)
	}
	return c, nil
}

func openCircuit(ctx context.Context, db sqlx.ExecerContext, now, until time.Time, opens int, msg string) error {
	if _, err := db.ExecContext(ctx, `UPDATE mail_circuit SET state = 'open', open_until = $2, opens = $3,
		last_error = $4, last_error_at = $1, changed_at = $1`, now, until, opens, truncate(msg, 1000)); err != nil {
		return fmt.Errorf("mail: open the circuit: %w", err)
	}
	return nil
}

// closeCircuit records that the server answered again; the last error stays
// for the admin page.
func closeCircuit(ctx context.Context, db sqlx.ExecerContext, now time.Time) error {
	if _, err := db.ExecContext(ctx, `UPDATE mail_circuit SET state = 'closed', open_until = NULL, opens = 0, changed_at = $1
		WHERE state = 'open'`, now); err != nil {
		return fmt.Errorf("mail: close the circuit: %w", err)
	}
	return nil
}

// noteError keeps the last delivery error for the admin page.
func noteError(ctx context.Context, db sqlx.ExecerContext, now time.Time, msg string) error {
	if _, err := db.ExecContext(ctx, `UPDATE mail_circuit SET last_error = $2, last_error_at = $1`, now, truncate(msg, 1000)); err != nil {
		return fmt.Errorf("mail: note the last error: %w", err)
	}
	return nil
}

// circuitWait is how long the opens-th outage in a row waits: BaseDelay
// doubled per outage, capped at CircuitMax, with jitter in [half, full] so
// instances do not probe together.
func (s *Sender) circuitWait(p Policy, opens int) time.Duration {
	return s.doubling(p.BaseDelay, p.CircuitMax, opens)
}
