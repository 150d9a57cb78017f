// Package mail owns outgoing email: templates, the outbox table every
// message is written to first, and the sender that delivers from it
// (gopkg.in/mail.v2 over SMTP, or .eml files in MAIL_DIR).
package mail

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
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

// EnqueueMany writes many messages in one statement (keys already queued
// are skipped) and returns how many rows were added.
func EnqueueMany(ctx context.Context, q sqlx.ExtContext, ms []Message) (int, error) {
	if len(ms) == 0 {
		return 0, nil
	}
	n := len(ms)
	keys, kinds, tos, subjects, texts, htmls, headers := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	users, assignments := make([]sql.NullInt64, n), make([]sql.NullInt64, n)
	notBefore := make([]sql.NullTime, n)
	for i, m := range ms {
		h, err := json.Marshal(m.Headers)
		if err != nil || m.Headers == nil {
			h = []byte("{}")
		}
		keys[i], kinds[i], tos[i], subjects[i], texts[i], htmls[i], headers[i] = m.DedupeKey, m.Kind, m.To, m.Subject, m.Text, m.HTML, string(h)
		if m.UserID != nil {
			users[i] = sql.NullInt64{Int64: *m.UserID, Valid: true}
		}
		if m.AssignmentID != nil {
			assignments[i] = sql.NullInt64{Int64: *m.AssignmentID, Valid: true}
		}
		if !m.NotBefore.IsZero() {
			notBefore[i] = sql.NullTime{Time: m.NotBefore, Valid: true}
		}
	}
	res, err := q.ExecContext(ctx, `INSERT INTO email_outbox
		(dedupe_key, kind, user_id, assignment_id, to_addr, subject, text_body, html_body, headers, next_attempt_at)
		SELECT k, kind, u, a, t, s, tx, h, hd::jsonb, coalesce(nb, now())
		FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[],
		            $9::text[], $10::timestamptz[]) AS m(k, kind, u, a, t, s, tx, h, hd, nb)
		ORDER BY k
		ON CONFLICT (dedupe_key) DO NOTHING`,
		pq.Array(keys), pq.Array(kinds), pq.Array(users), pq.Array(assignments), pq.Array(tos), pq.Array(subjects),
		pq.Array(texts), pq.Array(htmls), pq.Array(headers), pq.Array(notBefore))
	if err != nil {
		return 0, fmt.Errorf("mail: enqueue %d messages: %w", n, err)
	}
	added, _ := res.RowsAffected()
	return int(added), nil
}
