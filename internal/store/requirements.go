package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Requirement is one row of the requirements matrix: people with RoleCode
// take the course, due DueDays after assignment; RenewalMonths nil means the
// course's own renewal period.
type Requirement struct {
	ID            int64     `db:"id" json:"id"`
	RoleCode      string    `db:"role_code" json:"role"`
	CourseID      int64     `db:"course_id" json:"course_id"`
	CourseSlug    string    `db:"slug" json:"course"`
	DueDays       int       `db:"due_days" json:"due_days"`
	RenewalMonths *int      `db:"renewal_months" json:"renewal_months"`
	Optional      bool      `db:"optional" json:"optional"`
	CreatedAt     time.Time `db:"created_at" json:"-"`
}

const requirementColumns = `r.id, r.role_code, r.course_id, c.slug, r.due_days, r.renewal_months, r.optional, r.created_at`

// Requirements stores the requirements matrix. Removing a requirement
// stamps removed_at; rows are never deleted.
type Requirements struct {
	db       *sqlx.DB
	forRoles *sqlx.Stmt
}

// NewRequirements returns the requirements store with its hot query
// prepared.
func NewRequirements(db *sqlx.DB) (*Requirements, error) {
	p := preparer{db: db}
	s := &Requirements{db: db, forRoles: p.prepare("requirements.for-roles", `SELECT `+requirementColumns+` FROM requirements r
		JOIN courses c ON c.id = r.course_id WHERE r.removed_at IS NULL AND r.role_code = ANY($1)
		ORDER BY c.slug, r.role_code`)}
	if err := p.done(); err != nil {
		return nil, err
	}
	return s, nil
}

// List returns the active requirements by role and course.
func (s *Requirements) List(ctx context.Context) ([]Requirement, error) {
	var out []Requirement
	err := s.db.SelectContext(ctx, &out, `SELECT `+requirementColumns+` FROM requirements r
		JOIN courses c ON c.id = r.course_id WHERE r.removed_at IS NULL ORDER BY r.role_code, c.slug`)
	if err != nil {
		return nil, fmt.Errorf("store: list requirements: %w", err)
	}
	return out, nil
}

// ForRoles returns the active requirements of the given roles.
func (s *Requirements) ForRoles(ctx context.Context, roles []string) ([]Requirement, error) {
	var out []Requirement
	if err := s.forRoles.SelectContext(ctx, &out, pq.Array(roles)); err != nil {
		return nil, fmt.Errorf("store: requirements for roles: %w", err)
	}
	return out, nil
}

// LockTx returns an active requirement, locked for update.
func (s *Requirements) LockTx(ctx context.Context, tx *sqlx.Tx, id int64) (Requirement, error) {
	var r Requirement
	err := tx.GetContext(ctx, &r, `SELECT `+requirementColumns+` FROM requirements r
		JOIN courses c ON c.id = r.course_id WHERE r.id = $1 AND r.removed_at IS NULL FOR UPDATE OF r`, id)
	if err = notFound(err); err != nil {
		return r, fmt.Errorf("store: requirement %d: %w", id, err)
	}
	return r, nil
}

// AddTx adds a requirement; an active pair that exists already is
// ErrConflict.
func (s *Requirements) AddTx(ctx context.Context, tx *sqlx.Tx, r Requirement, at time.Time) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, `INSERT INTO requirements (role_code, course_id, due_days, renewal_months, optional, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, r.RoleCode, r.CourseID, r.DueDays, r.RenewalMonths, r.Optional, at)
	if isUnique(err) {
		return 0, fmt.Errorf("store: add requirement %s/%d: %w", r.RoleCode, r.CourseID, ErrConflict)
	}
	if err != nil {
		return 0, fmt.Errorf("store: add requirement %s/%d: %w", r.RoleCode, r.CourseID, err)
	}
	return id, nil
}

// UpdateTx changes a requirement's due days, renewal and optional flag.
func (s *Requirements) UpdateTx(ctx context.Context, tx *sqlx.Tx, r Requirement) error {
	res, err := tx.ExecContext(ctx, `UPDATE requirements SET due_days = $2, renewal_months = $3, optional = $4
		WHERE id = $1 AND removed_at IS NULL`, r.ID, r.DueDays, r.RenewalMonths, r.Optional)
	if err != nil {
		return fmt.Errorf("store: update requirement %d: %w", r.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: update requirement %d: %w", r.ID, ErrNotFound)
	}
	return nil
}

// RemoveTx retires a requirement (kept for the record).
func (s *Requirements) RemoveTx(ctx context.Context, tx *sqlx.Tx, id int64, at time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE requirements SET removed_at = $2 WHERE id = $1 AND removed_at IS NULL`, id, at)
	if err != nil {
		return fmt.Errorf("store: remove requirement %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: remove requirement %d: %w", id, ErrNotFound)
	}
	return nil
}

// SeedTx adds each role × course pair that has never been in the matrix.
// Pairs an administrator changed or removed are left as they are. It
// returns the number of requirements added.
func (s *Requirements) SeedTx(ctx context.Context, tx *sqlx.Tx, rows []Requirement, at time.Time) (int, error) {
	added := 0
	for _, r := range rows {
		res, err := tx.ExecContext(ctx, `INSERT INTO requirements (role_code, course_id, due_days, renewal_months, optional, created_at)
			SELECT $1, c.id, $3, $4, $5, $6 FROM courses c
			WHERE c.slug = $2 AND NOT EXISTS (
				SELECT 1 FROM requirements r WHERE r.role_code = $1 AND r.course_id = c.id)`,
			r.RoleCode, r.CourseSlug, r.DueDays, r.RenewalMonths, r.Optional, at)
		if err != nil {
			return added, fmt.Errorf("store: seed requirement %s/%s: %w", r.RoleCode, r.CourseSlug, err)
		}
		n, _ := res.RowsAffected()
		added += int(n)
	}
	return added, nil
}
