package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Session is a signed-in browser. Only the hash of its token is stored.
type Session struct {
	TokenHash  []byte    `db:"token_hash"`
	UserID     int64     `db:"user_id"`
	CSRFToken  string    `db:"csrf_token"`
	CreatedAt  time.Time `db:"created_at"`
	LastSeenAt time.Time `db:"last_seen_at"`
	ExpiresAt  time.Time `db:"expires_at"`
}

// Sessions stores sessions in PostgreSQL, shared by every app instance.
type Sessions struct {
	db       *sqlx.DB
	signedIn *sqlx.Stmt
	touch    *sqlx.Stmt
}

// NewSessions returns the session store with its hot queries prepared.
func NewSessions(db *sqlx.DB) (*Sessions, error) {
	p := preparer{db: db}
	s := &Sessions{db: db, signedIn: p.prepare("sessions.signed-in", signedInSQL),
		touch: p.prepare("sessions.touch", `UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2`)}
	if err := p.done(); err != nil {
		return nil, err
	}
	return s, nil
}

// Create stores a new session.
func (s *Sessions) Create(ctx context.Context, sess Session) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)
		VALUES ($1, $2, $3, $4, $4, $5)`, sess.TokenHash, sess.UserID, sess.CSRFToken, sess.CreatedAt, sess.ExpiresAt)
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// SignedIn is a live session with what every page needs of its person,
// read in one query.
type SignedIn struct {
	Session
	OrgID         int64         `db:"org_id"`
	Name          string        `db:"name"`
	IsAdmin       bool          `db:"is_admin"`
	IsFacilitator bool          `db:"is_facilitator"`
	Scopes        pq.Int64Array `db:"scopes"`
}

// signedInSQL reads a live session with its person: every signed-in
// request runs it, so it is prepared once and scanned by position (sqlx's
// mapping by name was a tenth of a lesson page's server CPU).
const signedInSQL = `SELECT s.user_id, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at,
		u.org_id, u.name, u.is_admin, u.is_facilitator,
		ARRAY(SELECT ms.org_id FROM manager_scopes ms WHERE ms.user_id = u.id ORDER BY ms.org_id) AS scopes
	FROM sessions s JOIN users u ON u.id = s.user_id
	WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND u.deactivated_at IS NULL`

// GetSignedIn returns the live session of an active user with the user's
// flags and manager scopes, in one indexed query. It refreshes last_seen_at
// at most once a minute.
func (s *Sessions) GetSignedIn(ctx context.Context, hash []byte, now time.Time, idle time.Duration) (SignedIn, error) {
	si := SignedIn{Session: Session{TokenHash: hash}}
	err := s.signedIn.QueryRowContext(ctx, hash, now, now.Add(-idle)).Scan(&si.UserID, &si.CSRFToken, &si.CreatedAt, &si.LastSeenAt,
		&si.ExpiresAt, &si.OrgID, &si.Name, &si.IsAdmin, &si.IsFacilitator, &si.Scopes)
	if err = notFound(err); err != nil {
		return si, fmt.Errorf("store: session: %w", err)
	}
	if now.Sub(si.LastSeenAt) > time.Minute {
		// Pages are read minutes apart, so most of them touch the session:
		// prepared, like the lookup.
		if _, err := s.touch.ExecContext(ctx, now, hash); err != nil {
			return si, fmt.Errorf("store: touch session: %w", err)
		}
	}
	return si, nil
}

// Delete ends one session.
func (s *Sessions) Delete(ctx context.Context, hash []byte) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hash)
	return err
}

// DeleteForUser ends every session of a user (password change, deactivation).
func (s *Sessions) DeleteForUser(ctx context.Context, q sqlx.ExecerContext, userID int64) error {
	_, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	return err
}

// DeleteExpired removes sessions past their expiry or idle limit.
func (s *Sessions) DeleteExpired(ctx context.Context, now time.Time, idle time.Duration) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2`, now, now.Add(-idle))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// RecordLoginFailure notes a failed sign-in for each key.
func (s *Sessions) RecordLoginFailure(ctx context.Context, now time.Time, keys ...string) error {
	for _, k := range keys {
		if _, err := s.db.ExecContext(ctx, `INSERT INTO login_failures (key, at) VALUES ($1, $2)`, k, now); err != nil {
			return fmt.Errorf("store: login failure: %w", err)
		}
	}
	return nil
}

// LoginFailures counts failures for key since a moment.
func (s *Sessions) LoginFailures(ctx context.Context, key string, since time.Time) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM login_failures WHERE key = $1 AND at > $2`, key, since)
	return n, err
}

// ClearLoginFailures forgets failures for key after a successful sign-in.
func (s *Sessions) ClearLoginFailures(ctx context.Context, key string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM login_failures WHERE key = $1`, key)
	return err
}
