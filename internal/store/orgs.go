package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Org is an organization in the tree.
type Org struct {
	ID            int64      `db:"id"`
	ParentID      *int64     `db:"parent_id"`
	Code          string     `db:"code"`
	Name          string     `db:"name"`
	Type          string     `db:"type"`
	County        string     `db:"county"`
	CreatedAt     time.Time  `db:"created_at"`
	DeactivatedAt *time.Time `db:"deactivated_at"`
}

// OrgTypes are the kinds of organization, in display order.
var OrgTypes = []string{
	"state_agency", "police_department", "police_unit", "prosecutor_office", "court", "school_district", "school",
	"health_system", "hospital", "dcf_region", "dcf_area_office", "cac", "youth_program", "residential_program",
	"hotel_group", "hotel", "other",
}

// Counties are the fourteen Massachusetts counties.
var Counties = []string{"Barnstable", "Berkshire", "Bristol", "Dukes", "Essex", "Franklin", "Hampden", "Hampshire",
	"Middlesex", "Nantucket", "Norfolk", "Plymouth", "Suffolk", "Worcester"}

const orgColumns = `o.id, o.parent_id, o.code, o.name, o.type, o.county, o.created_at, o.deactivated_at`

// Orgs stores the organization tree and its closure table.
type Orgs struct{ db *sqlx.DB }

// NewOrgs returns the organization store.
func NewOrgs(db *sqlx.DB) *Orgs { return &Orgs{db: db} }

// CreateTx inserts an organization and its closure rows; a taken code is
// ErrConflict.
func (s *Orgs) CreateTx(ctx context.Context, tx *sqlx.Tx, o Org) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, `INSERT INTO organizations (parent_id, code, name, type, county)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, o.ParentID, o.Code, o.Name, o.Type, o.County)
	if isUnique(err) {
		return 0, fmt.Errorf("store: create organization %q: %w", o.Code, ErrConflict)
	}
	if err != nil {
		return 0, fmt.Errorf("store: create organization %q: %w", o.Code, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO org_closure (ancestor_id, descendant_id, depth)
		SELECT $1::bigint, $1::bigint, 0
		UNION ALL
		SELECT ancestor_id, $1::bigint, depth + 1 FROM org_closure WHERE descendant_id = $2::bigint`, id, o.ParentID)
	if err != nil {
		return 0, fmt.Errorf("store: organization closure: %w", err)
	}
	return id, nil
}

// Create inserts an organization in its own transaction.
func (s *Orgs) Create(ctx context.Context, o Org) (int64, error) {
	var id int64
	err := InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var err error
		id, err = s.CreateTx(ctx, tx, o)
		return err
	})
	return id, err
}

// ByID returns one organization.
func (s *Orgs) ByID(ctx context.Context, id int64) (Org, error) {
	var o Org
	err := s.db.GetContext(ctx, &o, `SELECT `+orgColumns+` FROM organizations o WHERE o.id = $1`, id)
	if err = notFound(err); err != nil {
		return o, fmt.Errorf("store: organization %d: %w", id, err)
	}
	return o, nil
}

// ByCode returns one organization by its short code.
func (s *Orgs) ByCode(ctx context.Context, code string) (Org, error) {
	var o Org
	err := s.db.GetContext(ctx, &o, `SELECT `+orgColumns+` FROM organizations o WHERE o.code = $1`, code)
	if err = notFound(err); err != nil {
		return o, fmt.Errorf("store: organization %q: %w", code, err)
	}
	return o, nil
}

// Subtree returns the organization and all below it, in tree order.
func (s *Orgs) Subtree(ctx context.Context, rootID int64) ([]Org, error) {
	var out []Org
	err := s.db.SelectContext(ctx, &out, `SELECT `+orgColumns+` FROM org_closure c
		JOIN organizations o ON o.id = c.descendant_id WHERE c.ancestor_id = $1 ORDER BY c.depth, o.name`, rootID)
	if err != nil {
		return nil, fmt.Errorf("store: subtree %d: %w", rootID, err)
	}
	return out, nil
}

// Children returns the direct children of an organization.
func (s *Orgs) Children(ctx context.Context, parentID int64) ([]Org, error) {
	var out []Org
	err := s.db.SelectContext(ctx, &out, `SELECT `+orgColumns+` FROM organizations o WHERE o.parent_id = $1 ORDER BY o.name`, parentID)
	if err != nil {
		return nil, fmt.Errorf("store: children of %d: %w", parentID, err)
	}
	return out, nil
}

// InSubtree reports whether org lies in the subtree of any of roots.
func (s *Orgs) InSubtree(ctx context.Context, orgID int64, roots []int64) (bool, error) {
	var ok bool
	err := s.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM org_closure WHERE descendant_id = $1 AND ancestor_id = ANY($2))`,
		orgID, int64Array(roots))
	if err != nil {
		return false, fmt.Errorf("store: in subtree: %w", err)
	}
	return ok, nil
}
