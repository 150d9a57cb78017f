// Package mail owns outgoing email: templates, the outbox table every
// message is written to first, and the sender that delivers from it
// (gopkg.in/mail.v2 over SMTP, or .eml files in MAIL_DIR).
package mail

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Message is one email to queue. DedupeKey makes queueing idempotent: a
// second message with the same key is not added.
type Message struct {
	DedupeKey    string
	Kind         string // reminder.due-14, invite, reset, digest, nudge…
	UserID       *int64
	AssignmentID *int64
	To           string
	Subject      string
	Text         string
	HTML         string
	Headers      map[string]string
	NotBefore    time.Time // zero: as soon as possible
}

// Enqueue writes m to the outbox through q (a transaction or the pool). It
// reports whether a row was added; an existing dedupe key adds nothing.
func Enqueue(ctx context.Context, q sqlx.ExtContext, m Message) (bool, error) {
	headers, err := json.Marshal(m.Headers)
	if err != nil {
		return false, fmt.Errorf("mail: headers: %w", err)
	}
	if m.Headers == nil {
		headers = []byte("{}")
	}
	var notBefore any
	if !m.NotBefore.IsZero() {
		notBefore = m.NotBefore
	}
	res, err := q.ExecContext(ctx, `INSERT INTO email_outbox
		(dedupe_key, kind, user_id, assignment_id, to_addr, subject, text_body, html_body, headers, next_attempt_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, COALESCE($10::timestamptz, now()))
		ON CONFLICT (dedupe_key) DO NOTHING`,
		m.DedupeKey, m.Kind, m.UserID, m.AssignmentID, m.To, m.Subject, m.Text, m.HTML, headers, notBefore)
	if err != nil {
		return false, fmt.Errorf("mail: enqueue %s: %w", m.Kind, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
