package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// PendingImport is a checked roster file waiting to be applied.
type PendingImport struct {
	AdminID   int64     `db:"admin_id"`
	SHA256    []byte    `db:"sha256"`
	FileName  string    `db:"file_name"`
	Content   []byte    `db:"content"`
	CreatedAt time.Time `db:"created_at"`
	ExpiresAt time.Time `db:"expires_at"`
}

// KeepPendingImport stores (or renews) a checked file for its admin and
// drops every expired one.
func KeepPendingImport(ctx context.Context, db sqlx.ExtContext, p PendingImport) error {
	if _, err := db.ExecContext(ctx, `DELETE FROM pending_imports WHERE expires_at <= $1`, p.CreatedAt); err != nil {
		return fmt.Errorf("store: drop expired imports: %w", err)
	}
	_, err := db.ExecContext(ctx, `INSERT INTO pending_imports (admin_id, sha256, file_name, content, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (admin_id, sha256) DO UPDATE SET file_name = EXCLUDED.file_name, created_at = EXCLUDED.created_at,
			expires_at = EXCLUDED.expires_at`,
		p.AdminID, p.SHA256, p.FileName, p.Content, p.CreatedAt, p.ExpiresAt)
	if err != nil {
		return fmt.Errorf("store: keep pending import: %w", err)
	}
	return nil
}

// PendingImportOf reads the admin's live pending file with that hash;
// ErrNotFound when there is none (another admin's, expired or already
// applied).
func PendingImportOf(ctx context.Context, q sqlx.QueryerContext, adminID int64, sum []byte, now time.Time) (PendingImport, error) {
	var p PendingImport
	err := sqlx.GetContext(ctx, q, &p, `SELECT admin_id, sha256, file_name, content, created_at, expires_at
		FROM pending_imports WHERE admin_id = $1 AND sha256 = $2 AND expires_at > $3`, adminID, sum, now)
	if err = notFound(err); err != nil {
		return p, fmt.Errorf("store: pending import: %w", err)
	}
	return p, nil
}

// DropPendingImport deletes a pending file (once applied).
func DropPendingImport(ctx context.Context, q sqlx.ExecerContext, adminID int64, sum []byte) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM pending_imports WHERE admin_id = $1 AND sha256 = $2`, adminID, sum); err != nil {
		return fmt.Errorf("store: drop pending import: %w", err)
	}
	return nil
}

// Uninvited is a person who has never signed in nor chosen a password,
// with their organization's name for the invitation.
type Uninvited struct {
	ID      int64  `db:"id"`
	Email   string `db:"email"`
	Name    string `db:"name"`
	OrgID   int64  `db:"org_id"`
	OrgName string `db:"org_name"`
}

const uninvitedCols = `SELECT u.id, u.email, u.name, u.org_id, o.name AS org_name
	FROM users u JOIN organizations o ON o.id = u.org_id
	WHERE u.password_hash = '' AND u.last_login_at IS NULL AND u.deactivated_at IS NULL`

// RosterUninvited returns the people of a staged and applied roster (in
// tx) who have not signed in yet, by id.
func RosterUninvited(ctx context.Context, tx *sqlx.Tx) ([]Uninvited, error) {
	var out []Uninvited
	err := tx.SelectContext(ctx, &out, uninvitedCols+` AND lower(u.email) IN (SELECT email_key FROM roster_raw) ORDER BY u.id`)
	if err != nil {
		return nil, fmt.Errorf("store: roster people to invite: %w", err)
	}
	return out, nil
}

// UninvitedUnder returns the active people in the organization's subtree
// who have not signed in yet, by id.
func UninvitedUnder(ctx context.Context, q sqlx.QueryerContext, orgID int64) ([]Uninvited, error) {
	var out []Uninvited
	err := sqlx.SelectContext(ctx, q, &out, uninvitedCols+` AND `+InSubtree("u.org_id", "$1")+` ORDER BY u.id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("store: people to invite under %d: %w", orgID, err)
	}
	return out, nil
}
