package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// User is a person with an account.
type User struct {
	ID            int64      `db:"id"`
	OrgID         int64      `db:"org_id"`
	Email         string     `db:"email"`
	Name          string     `db:"name"`
	PasswordHash  string     `db:"password_hash"`
	IsAdmin       bool       `db:"is_admin"`
	IsFacilitator bool       `db:"is_facilitator"`
	CreatedAt     time.Time  `db:"created_at"`
	LastLoginAt   *time.Time `db:"last_login_at"`
	DeactivatedAt *time.Time `db:"deactivated_at"`
}

// Active reports whether the account may sign in.
func (u User) Active() bool { return u.DeactivatedAt == nil }

const userColumns = `u.id, u.org_id, u.email, u.name, u.password_hash, u.is_admin, u.is_facilitator,
	u.created_at, u.last_login_at, u.deactivated_at`

// Users stores people, their job roles and manager scopes.
type Users struct{ db *sqlx.DB }

// NewUsers returns the user store.
func NewUsers(db *sqlx.DB) *Users { return &Users{db: db} }

// NormalizeEmail trims and lower-cases an address for lookups.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// ByEmail finds a user by email, case-insensitively.
func (s *Users) ByEmail(ctx context.Context, email string) (User, error) {
	var u User
	err := s.db.GetContext(ctx, &u, `SELECT `+userColumns+` FROM users u WHERE lower(u.email) = $1`, NormalizeEmail(email))
	if err = notFound(err); err != nil {
		return u, fmt.Errorf("store: user by email: %w", err)
	}
	return u, nil
}

// ByID finds a user by id.
func (s *Users) ByID(ctx context.Context, id int64) (User, error) {
	var u User
	err := s.db.GetContext(ctx, &u, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, id)
	if err = notFound(err); err != nil {
		return u, fmt.Errorf("store: user %d: %w", id, err)
	}
	return u, nil
}

// NewUser is what creating a user needs.
type NewUser struct {
	OrgID         int64
	Email         string
	Name          string
	PasswordHash  string
	IsAdmin       bool
	IsFacilitator bool
}

// CreateTx inserts a user; a taken email is ErrConflict.
func (s *Users) CreateTx(ctx context.Context, tx *sqlx.Tx, n NewUser) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, `INSERT INTO users (org_id, email, name, password_hash, is_admin, is_facilitator)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		n.OrgID, strings.TrimSpace(n.Email), strings.TrimSpace(n.Name), n.PasswordHash, n.IsAdmin, n.IsFacilitator)
	if isUnique(err) {
		return 0, fmt.Errorf("store: create user: %w", ErrConflict)
	}
	if err != nil {
		return 0, fmt.Errorf("store: create user: %w", err)
	}
	return id, nil
}

// SetPassword stores a new password hash.
func (s *Users) SetPassword(ctx context.Context, q sqlx.ExecerContext, userID int64, hash string) error {
	_, err := q.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash, userID)
	if err != nil {
		return fmt.Errorf("store: set password: %w", err)
	}
	return nil
}

// TouchLogin records a successful sign-in.
func (s *Users) TouchLogin(ctx context.Context, userID int64, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE users SET last_login_at = $1 WHERE id = $2`, at, userID)
	return err
}

// Roles returns a user's job-role codes.
func (s *Users) Roles(ctx context.Context, userID int64) ([]string, error) {
	var out []string
	err := s.db.SelectContext(ctx, &out, `SELECT role_code FROM user_roles WHERE user_id = $1 ORDER BY role_code`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: user roles: %w", err)
	}
	return out, nil
}

// ScopeOrgs returns the organizations a manager is scoped to.
func (s *Users) ScopeOrgs(ctx context.Context, userID int64) ([]int64, error) {
	var out []int64
	err := s.db.SelectContext(ctx, &out, `SELECT org_id FROM manager_scopes WHERE user_id = $1 ORDER BY org_id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: manager scopes: %w", err)
	}
	return out, nil
}

// SetScopesTx replaces a manager's scopes.
func (s *Users) SetScopesTx(ctx context.Context, tx *sqlx.Tx, userID int64, orgIDs []int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM manager_scopes WHERE user_id = $1 AND NOT (org_id = ANY($2))`, userID, pq.Array(orgIDs)); err != nil {
		return fmt.Errorf("store: set scopes: %w", err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO manager_scopes (user_id, org_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`,
		userID, pq.Array(orgIDs))
	if err != nil {
		return fmt.Errorf("store: set scopes: %w", err)
	}
	return nil
}

// CanSee reports whether viewer may see person: themselves, an admin, or a
// manager whose scope holds the person's organization.
func (s *Users) CanSee(ctx context.Context, viewerID, personID int64) (bool, error) {
	if viewerID == personID {
		return true, nil
	}
	var ok bool
	err := s.db.GetContext(ctx, &ok, `SELECT EXISTS (
		SELECT 1 FROM users v WHERE v.id = $1 AND v.is_admin AND v.deactivated_at IS NULL
	) OR EXISTS (
		SELECT 1 FROM users p
		JOIN org_closure oc ON oc.descendant_id = p.org_id
		JOIN manager_scopes ms ON ms.org_id = oc.ancestor_id AND ms.user_id = $1
		WHERE p.id = $2)`, viewerID, personID)
	if err != nil {
		return false, fmt.Errorf("store: can see: %w", err)
	}
	return ok, nil
}
