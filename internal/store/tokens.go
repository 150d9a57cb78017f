package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Purposes of single-use sign-in links.
const (
	TokenInvite = "invite"
	TokenReset  = "reset"
)

// AuthToken is a single-use link for an invitation or a password reset.
// Only the hash of the token is stored.
type AuthToken struct {
	TokenHash []byte     `db:"token_hash"`
	UserID    int64      `db:"user_id"`
	Purpose   string     `db:"purpose"`
	CreatedAt time.Time  `db:"created_at"`
	ExpiresAt time.Time  `db:"expires_at"`
	UsedAt    *time.Time `db:"used_at"`
}

const tokenColumns = `token_hash, user_id, purpose, created_at, expires_at, used_at`

// Tokens stores invitation and reset links.
type Tokens struct{ db *sqlx.DB }

// NewTokens returns the token store.
func NewTokens(db *sqlx.DB) *Tokens { return &Tokens{db: db} }

// CreateTx stores a new link.
func (s *Tokens) CreateTx(ctx context.Context, tx *sqlx.Tx, t AuthToken) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO auth_tokens (token_hash, user_id, purpose, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, t.TokenHash, t.UserID, t.Purpose, t.CreatedAt, t.ExpiresAt)
	if err != nil {
		return fmt.Errorf("store: create %s token: %w", t.Purpose, err)
	}
	return nil
}

// Live returns an unused, unexpired link; anything else is ErrNotFound.
func (s *Tokens) Live(ctx context.Context, hash []byte, now time.Time) (AuthToken, error) {
	var t AuthToken
	err := s.db.GetContext(ctx, &t, `SELECT `+tokenColumns+` FROM auth_tokens
		WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`, hash, now)
	if err = notFound(err); err != nil {
		return t, fmt.Errorf("store: token: %w", err)
	}
	return t, nil
}

// ConsumeTx marks a live link used and returns it. A used, expired or
// unknown link is ErrNotFound; of two concurrent uses, one wins.
func (s *Tokens) ConsumeTx(ctx context.Context, tx *sqlx.Tx, hash []byte, now time.Time) (AuthToken, error) {
	var t AuthToken
	err := tx.GetContext(ctx, &t, `UPDATE auth_tokens SET used_at = $2
		WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING `+tokenColumns, hash, now)
	if err = notFound(err); err != nil {
		return t, fmt.Errorf("store: use token: %w", err)
	}
	return t, nil
}

// RetireTx ends a person's unused links of one purpose ("" for every
// purpose), so only the newest link works.
func (s *Tokens) RetireTx(ctx context.Context, tx *sqlx.Tx, userID int64, purpose string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE auth_tokens SET used_at = $3
		WHERE user_id = $1 AND used_at IS NULL AND ($2 = '' OR purpose = $2)`, userID, purpose, now)
	if err != nil {
		return fmt.Errorf("store: retire tokens: %w", err)
	}
	return nil
}

// LastIssued returns when the person's newest link of a purpose was made
// (zero when never).
func (s *Tokens) LastIssued(ctx context.Context, userID int64, purpose string) (time.Time, error) {
	var at *time.Time
	err := s.db.GetContext(ctx, &at, `SELECT max(created_at) FROM auth_tokens WHERE user_id = $1 AND purpose = $2`, userID, purpose)
	if err != nil || at == nil {
		return time.Time{}, err
	}
	return *at, nil
}
