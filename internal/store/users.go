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
type Users struct {
	db    *sqlx.DB
	roles *sqlx.Stmt
}

// NewUsers returns the user store with its hot query prepared.
func NewUsers(db *sqlx.DB) (*Users, error) {
	p := preparer{db: db}
	s := &Users{db: db, roles: p.prepare("users.roles", userRolesSQL)}
	if err := p.done(); err != nil {
		return nil, err
	}
	return s, nil
}

// userRolesSQL reads a person's job-role codes in order.
const userRolesSQL = `SELECT role_code FROM user_roles WHERE user_id = $1 ORDER BY role_code`

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
	if err := s.roles.SelectContext(ctx, &out, userID); err != nil {
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
	if orgIDs == nil {
		orgIDs = []int64{} // a nil array is NULL, which would match nothing
	}
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
// manager whose scope holds the person's organization. A deactivated
// viewer sees no one else.
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
		JOIN users v ON v.id = ms.user_id AND v.deactivated_at IS NULL
		WHERE p.id = $2)`, viewerID, personID)
	if err != nil {
		return false, fmt.Errorf("store: can see: %w", err)
	}
	return ok, nil
}

// UserListItem is a row of the people list.
type UserListItem struct {
	ID            int64          `db:"id"`
	Email         string         `db:"email"`
	Name          string         `db:"name"`
	OrgID         int64          `db:"org_id"`
	OrgCode       string         `db:"org_code"`
	OrgName       string         `db:"org_name"`
	IsAdmin       bool           `db:"is_admin"`
	IsFacilitator bool           `db:"is_facilitator"`
	IsManager     bool           `db:"is_manager"`
	HasPassword   bool           `db:"has_password"`
	Roles         pq.StringArray `db:"roles"`
	DeactivatedAt *time.Time     `db:"deactivated_at"`
}

// UserFilter narrows the people list. Empty fields match everything.
type UserFilter struct {
	Q      string // part of the name or email
	OrgID  int64  // people in this organization's subtree
	Role   string // job-role code
	Status string // "active" (default), "deactivated", "all"
	Sort   string // "name" (default), "email", "newest"
	Limit  int
	Offset int
}

// userSorts whitelists the list's sort keys.
var userSorts = map[string]string{
	"name":   "lower(u.name), u.id",
	"email":  "lower(u.email), u.id",
	"newest": "u.created_at DESC, u.id DESC",
}

// List returns one page of people and the number that match.
func (s *Users) List(ctx context.Context, f UserFilter) ([]UserListItem, int, error) {
	where, args := []string{"true"}, []any{}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if q := strings.TrimSpace(f.Q); q != "" {
		p := arg("%" + likeEscape(q) + "%")
		where = append(where, "(u.name ILIKE "+p+" OR u.email ILIKE "+p+")")
	}
	if f.OrgID != 0 {
		where = append(where, InSubtree("u.org_id", arg(f.OrgID)))
	}
	if f.Role != "" {
		where = append(where, "EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role_code = "+arg(f.Role)+")")
	}
	switch f.Status {
	case "all":
	case "deactivated":
		where = append(where, "u.deactivated_at IS NOT NULL")
	default:
		where = append(where, "u.deactivated_at IS NULL")
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := s.db.GetContext(ctx, &total, `SELECT count(*) FROM users u WHERE `+cond, args...); err != nil {
		return nil, 0, fmt.Errorf("store: count users: %w", err)
	}
	order, ok := userSorts[f.Sort]
	if !ok {
		order = userSorts["name"]
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	lim, off := arg(f.Limit), arg(f.Offset)
	var out []UserListItem
	err := s.db.SelectContext(ctx, &out, `SELECT u.id, u.email, u.name, u.org_id, o.code AS org_code, o.name AS org_name,
			u.is_admin, u.is_facilitator, u.password_hash <> '' AS has_password, u.deactivated_at,
			EXISTS (SELECT 1 FROM manager_scopes m WHERE m.user_id = u.id) AS is_manager,
			ARRAY(SELECT r.role_code FROM user_roles r WHERE r.user_id = u.id ORDER BY r.role_code) AS roles
		FROM users u JOIN organizations o ON o.id = u.org_id
		WHERE `+cond+` ORDER BY `+order+` LIMIT `+lim+` OFFSET `+off, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list users: %w", err)
	}
	return out, total, nil
}

// ByIDForUpdate reads a user and locks the row until the transaction ends.
func (s *Users) ByIDForUpdate(ctx context.Context, tx *sqlx.Tx, id int64) (User, error) {
	var u User
	err := tx.GetContext(ctx, &u, `SELECT `+userColumns+` FROM users u WHERE u.id = $1 FOR UPDATE`, id)
	if err = notFound(err); err != nil {
		return u, fmt.Errorf("store: user %d: %w", id, err)
	}
	return u, nil
}

// UpdateTx writes a user's organization, email, name and flags; a taken
// email is ErrConflict.
func (s *Users) UpdateTx(ctx context.Context, tx *sqlx.Tx, id int64, n NewUser) error {
	_, err := tx.ExecContext(ctx, `UPDATE users SET org_id = $2, email = $3, name = $4, is_admin = $5, is_facilitator = $6
		WHERE id = $1`, id, n.OrgID, strings.TrimSpace(n.Email), strings.TrimSpace(n.Name), n.IsAdmin, n.IsFacilitator)
	if isUnique(err) {
		return fmt.Errorf("store: update user %d: %w", id, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: update user %d: %w", id, err)
	}
	return nil
}

// SetActiveTx deactivates (at non-nil) or reactivates a user. Nothing the
// person did is removed.
func (s *Users) SetActiveTx(ctx context.Context, tx *sqlx.Tx, id int64, deactivatedAt *time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE users SET deactivated_at = $2 WHERE id = $1`, id, deactivatedAt); err != nil {
		return fmt.Errorf("store: user %d active state: %w", id, err)
	}
	return nil
}

// SetRolesTx replaces a user's job roles, keeping the grant date of roles
// they already had.
func (s *Users) SetRolesTx(ctx context.Context, tx *sqlx.Tx, userID int64, roles []string) error {
	if roles == nil {
		roles = []string{} // a nil array is NULL, which would match nothing
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_roles WHERE user_id = $1 AND NOT (role_code = ANY($2))`, userID, pq.Array(roles)); err != nil {
		return fmt.Errorf("store: set roles: %w", err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role_code) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
		userID, pq.Array(roles))
	if err != nil {
		return fmt.Errorf("store: set roles: %w", err)
	}
	return nil
}

// RolesTx returns a user's job-role codes as the transaction sees them.
func (s *Users) RolesTx(ctx context.Context, q sqlx.QueryerContext, userID int64) ([]string, error) {
	out := []string{}
	err := sqlx.SelectContext(ctx, q, &out, userRolesSQL, userID)
	if err != nil {
		return nil, fmt.Errorf("store: user roles: %w", err)
	}
	return out, nil
}

// ScopeOrgsTx returns a manager's scope organizations as the transaction
// sees them.
func (s *Users) ScopeOrgsTx(ctx context.Context, q sqlx.QueryerContext, userID int64) ([]int64, error) {
	out := []int64{}
	err := sqlx.SelectContext(ctx, q, &out, `SELECT org_id FROM manager_scopes WHERE user_id = $1 ORDER BY org_id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: manager scopes: %w", err)
	}
	return out, nil
}

// ByIDTx reads a user inside a transaction without locking it.
func (s *Users) ByIDTx(ctx context.Context, q sqlx.QueryerContext, id int64) (User, error) {
	var u User
	err := sqlx.GetContext(ctx, q, &u, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, id)
	if err = notFound(err); err != nil {
		return u, fmt.Errorf("store: user %d: %w", id, err)
	}
	return u, nil
}

// ByIDsForUpdateTx locks and reads the users with the given ids, in id
// order (so that concurrent batches lock in one order).
func (s *Users) ByIDsForUpdateTx(ctx context.Context, tx *sqlx.Tx, ids []int64) ([]User, error) {
	var out []User
	err := tx.SelectContext(ctx, &out, `SELECT `+userColumns+` FROM users u WHERE u.id = ANY($1) ORDER BY u.id FOR UPDATE`, pq.Array(ids))
	if err != nil {
		return nil, fmt.Errorf("store: lock users: %w", err)
	}
	return out, nil
}

// RolesOfTx returns the job-role codes of each of the users, in order.
func (s *Users) RolesOfTx(ctx context.Context, q sqlx.QueryerContext, ids []int64) (map[int64][]string, error) {
	return byUser[string](ctx, q, `SELECT user_id, role_code AS v FROM user_roles WHERE user_id = ANY($1) ORDER BY user_id, role_code`, ids)
}

// ScopeOrgsOfTx returns the scope organizations of each of the users.
func (s *Users) ScopeOrgsOfTx(ctx context.Context, q sqlx.QueryerContext, ids []int64) (map[int64][]int64, error) {
	return byUser[int64](ctx, q, `SELECT user_id, org_id AS v FROM manager_scopes WHERE user_id = ANY($1) ORDER BY user_id, org_id`, ids)
}

// byUser runs a query of (user_id, v) rows for the users and groups v by user.
func byUser[T any](ctx context.Context, q sqlx.QueryerContext, query string, ids []int64) (map[int64][]T, error) {
	var rows []struct {
		UserID int64 `db:"user_id"`
		V      T     `db:"v"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, query, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("store: by user: %w", err)
	}
	out := make(map[int64][]T, len(ids))
	for _, r := range rows {
		out[r.UserID] = append(out[r.UserID], r.V)
	}
	return out, nil
}
