package store

import (
	"context"
	"fmt"
	"strings"
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
	err := s.db.GetContext(ctx, &ok, `SELECT `+InSubtrees("$1::bigint", "$2"),
		orgID, int64Array(roots))
	if err != nil {
		return false, fmt.Errorf("store: in subtree: %w", err)
	}
	return ok, nil
}

// orgTypeLabels names each organization type for people.
var orgTypeLabels = map[string]string{
	"state_agency": "State agency", "police_department": "Police department", "police_unit": "Police unit",
	"prosecutor_office": "Prosecutor's office", "court": "Court", "school_district": "School district", "school": "School",
	"health_system": "Health system", "hospital": "Hospital", "dcf_region": "DCF region", "dcf_area_office": "DCF area office",
	"cac": "Children's Advocacy Center", "youth_program": "Youth program", "residential_program": "Residential program",
	"hotel_group": "Hotel group", "hotel": "Hotel", "other": "Other",
}

// OrgTypeLabel returns the display name of an organization type.
func OrgTypeLabel(typ string) string {
	if l, ok := orgTypeLabels[typ]; ok {
		return l
	}
	return typ
}

// Active reports whether the organization is in use.
func (o Org) Active() bool { return o.DeactivatedAt == nil }

// OrgListItem is an organization with its place in the tree.
type OrgListItem struct {
	Org
	Depth      int    `db:"depth"`
	Path       string `db:"path"` // ancestor names, root first, " › " separated
	ParentCode string `db:"parent_code"`
	People     int    `db:"people"` // active people directly in it
}

// OrgFilter narrows the organization list. Empty fields match everything.
type OrgFilter struct {
	Q      string // part of the name or code
	Type   string
	County string
	Status string // "active" (default), "deactivated", "all"
	Under  int64  // only this organization's subtree
	Limit  int
	Offset int
}

// List returns organizations in tree order (each under its parent) and the
// number that match.
func (s *Orgs) List(ctx context.Context, f OrgFilter) ([]OrgListItem, int, error) {
	where, args := []string{"true"}, []any{}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if q := strings.TrimSpace(f.Q); q != "" {
		p := arg("%" + likeEscape(q) + "%")
		where = append(where, "(o.name ILIKE "+p+" OR o.code ILIKE "+p+")")
	}
	if f.Type != "" {
		where = append(where, "o.type = "+arg(f.Type))
	}
	if f.County != "" {
		where = append(where, "o.county = "+arg(f.County))
	}
	switch f.Status {
	case "all":
	case "deactivated":
		where = append(where, "o.deactivated_at IS NOT NULL")
	default:
		where = append(where, "o.deactivated_at IS NULL")
	}
	if f.Under != 0 {
		where = append(where, InSubtree("o.id", arg(f.Under)))
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := s.db.GetContext(ctx, &total, `SELECT count(*) FROM organizations o WHERE `+cond, args...); err != nil {
		return nil, 0, fmt.Errorf("store: count organizations: %w", err)
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	lim, off := arg(f.Limit), arg(f.Offset)
	var out []OrgListItem
	err := s.db.SelectContext(ctx, &out, `SELECT `+orgColumns+`, t.depth, array_to_string(t.names, ' › ') AS path,
			COALESCE(p.code, '') AS parent_code,
			(SELECT count(*) FROM users u WHERE u.org_id = o.id AND u.deactivated_at IS NULL) AS people
		FROM organizations o
		LEFT JOIN organizations p ON p.id = o.parent_id
		CROSS JOIN LATERAL (
			SELECT max(c.depth) AS depth, array_agg(a.name ORDER BY c.depth DESC) AS names,
				array_agg(lower(a.name) || '#' || a.id ORDER BY c.depth DESC) AS sortkey
			FROM org_closure c JOIN organizations a ON a.id = c.ancestor_id WHERE c.descendant_id = o.id) t
		WHERE `+cond+` ORDER BY t.sortkey LIMIT `+lim+` OFFSET `+off, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list organizations: %w", err)
	}
	return out, total, nil
}

// ByIDForUpdate reads an organization and locks its row until the
// transaction ends.
func (s *Orgs) ByIDForUpdate(ctx context.Context, tx *sqlx.Tx, id int64) (Org, error) {
	var o Org
	err := tx.GetContext(ctx, &o, `SELECT `+orgColumns+` FROM organizations o WHERE o.id = $1 FOR UPDATE`, id)
	if err = notFound(err); err != nil {
		return o, fmt.Errorf("store: organization %d: %w", id, err)
	}
	return o, nil
}

// UpdateTx writes an organization's code, name, type and county; a taken
// code is ErrConflict. The parent changes only through MoveTx.
func (s *Orgs) UpdateTx(ctx context.Context, tx *sqlx.Tx, o Org) error {
	_, err := tx.ExecContext(ctx, `UPDATE organizations SET code = $2, name = $3, type = $4, county = $5 WHERE id = $1`,
		o.ID, o.Code, o.Name, o.Type, o.County)
	if isUnique(err) {
		return fmt.Errorf("store: update organization %q: %w", o.Code, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: update organization %d: %w", o.ID, err)
	}
	return nil
}

// MoveTx puts an organization (and its subtree) under a new parent (nil:
// make it a root) and rewrites the closure rows. Moving it under itself or
// one of its descendants is ErrConflict.
func (s *Orgs) MoveTx(ctx context.Context, tx *sqlx.Tx, id int64, parent *int64) error {
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(727002)`); err != nil {
		return fmt.Errorf("store: move organization: lock: %w", err)
	}
	if parent != nil {
		var cycle bool
		err := tx.GetContext(ctx, &cycle, `SELECT `+Under("$2::bigint", "$1::bigint"), id, *parent)
		if err != nil {
			return fmt.Errorf("store: move organization: %w", err)
		}
		if cycle {
			return fmt.Errorf("store: move organization %d under its own subtree: %w", id, ErrConflict)
		}
	}
	steps := []struct {
		sql  string
		args []any
	}{
		{`DELETE FROM org_closure WHERE descendant_id IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = $1)
			AND ancestor_id IN (SELECT ancestor_id FROM org_closure WHERE descendant_id = $1 AND ancestor_id <> $1)`, []any{id}},
		{`INSERT INTO org_closure (ancestor_id, descendant_id, depth)
			SELECT up.ancestor_id, down.descendant_id, up.depth + down.depth + 1
			FROM org_closure up CROSS JOIN org_closure down
			WHERE up.descendant_id = $2 AND down.ancestor_id = $1`, []any{id, parent}},
		{`UPDATE organizations SET parent_id = $2 WHERE id = $1`, []any{id, parent}},
	}
	for _, st := range steps {
		if _, err := tx.ExecContext(ctx, st.sql, st.args...); err != nil {
			return fmt.Errorf("store: move organization %d: %w", id, err)
		}
	}
	return nil
}

// SetActiveTx deactivates (at non-nil) or reactivates an organization.
func (s *Orgs) SetActiveTx(ctx context.Context, tx *sqlx.Tx, id int64, deactivatedAt *time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE organizations SET deactivated_at = $2 WHERE id = $1`, id, deactivatedAt); err != nil {
		return fmt.Errorf("store: organization %d active state: %w", id, err)
	}
	return nil
}

// ActiveDependents counts the active child organizations and active people
// directly in an organization.
func (s *Orgs) ActiveDependents(ctx context.Context, q sqlx.QueryerContext, id int64) (children, people int, err error) {
	err = sqlx.GetContext(ctx, q, &children, `SELECT count(*) FROM organizations WHERE parent_id = $1 AND deactivated_at IS NULL`, id)
	if err == nil {
		err = sqlx.GetContext(ctx, q, &people, `SELECT count(*) FROM users WHERE org_id = $1 AND deactivated_at IS NULL`, id)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("store: dependents of organization %d: %w", id, err)
	}
	return children, people, nil
}

// OrgRef is the little an import needs to know about an organization.
type OrgRef struct {
	ID     int64  `db:"id"`
	Code   string `db:"code"`
	Active bool   `db:"active"`
}

// CodeIndex returns every organization keyed by its code.
func (s *Orgs) CodeIndex(ctx context.Context, q sqlx.QueryerContext) (map[string]OrgRef, error) {
	var rows []OrgRef
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT id, code, deactivated_at IS NULL AS active FROM organizations`)
	if err != nil {
		return nil, fmt.Errorf("store: organization codes: %w", err)
	}
	out := make(map[string]OrgRef, len(rows))
	for _, r := range rows {
		out[r.Code] = r
	}
	return out, nil
}

// ByIDs returns the organizations with the given ids, by code.
func (s *Orgs) ByIDs(ctx context.Context, q sqlx.QueryerContext, ids []int64) ([]Org, error) {
	var out []Org
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+orgColumns+` FROM organizations o WHERE o.id = ANY($1) ORDER BY o.code`, int64Array(ids))
	if err != nil {
		return nil, fmt.Errorf("store: organizations by id: %w", err)
	}
	return out, nil
}

// likeEscape escapes the LIKE wildcards in a search term.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// InSubtreeTx reports whether org lies in root's subtree (root included),
// as the transaction sees the tree.
func (s *Orgs) InSubtreeTx(ctx context.Context, q sqlx.QueryerContext, orgID, root int64) (bool, error) {
	var ok bool
	err := sqlx.GetContext(ctx, q, &ok, `SELECT `+Under("$1::bigint", "$2::bigint"), orgID, root)
	if err != nil {
		return false, fmt.Errorf("store: in subtree: %w", err)
	}
	return ok, nil
}

// InSubtreeOfTx returns which of the organizations lie in root's subtree
// (root included), as the transaction sees the tree.
func (s *Orgs) InSubtreeOfTx(ctx context.Context, q sqlx.QueryerContext, orgIDs []int64, root int64) (map[int64]bool, error) {
	var in []int64
	err := sqlx.SelectContext(ctx, q, &in, `SELECT descendant_id FROM org_closure WHERE ancestor_id = $2 AND descendant_id = ANY($1)`,
		int64Array(orgIDs), root)
	if err != nil {
		return nil, fmt.Errorf("store: in subtree: %w", err)
	}
	out := make(map[int64]bool, len(in))
	for _, id := range in {
		out[id] = true
	}
	return out, nil
}
