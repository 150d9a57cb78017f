package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// RosterEntry is one checked roster row, ready to import. Roles and Scopes
// are sorted and distinct.
type RosterEntry struct {
	Line   int
	Email  string
	Name   string
	OrgID  int64
	Roles  []string
	Scopes []int64
}

// RosterPlan counts what an import does (or would do).
type RosterPlan struct {
	Created, Updated, Unchanged int
}

// importLock serializes roster imports.
const importLock = 727_003

// step is one statement of a set-based import.
type step struct {
	sql  string
	args []any
}

func runSteps(ctx context.Context, tx *sqlx.Tx, what string, steps []step) error {
	for _, st := range steps {
		if _, err := tx.ExecContext(ctx, st.sql, st.args...); err != nil {
			return fmt.Errorf("store: import: %s: %w", what, err)
		}
	}
	return nil
}

// StageRoster copies entries into a temporary table in tx with COPY and
// works out, in one set-based pass, which people are new, which changed and
// which are unchanged (matched by email, ignoring case). It writes nothing
// else: roll tx back for a dry run, or (with apply set, which also numbers
// the new people) call ApplyRoster next. withScopes
// says whether the roster carries manager scopes (otherwise people's scopes
// are left as they are).
func StageRoster(ctx context.Context, tx *sqlx.Tx, entries []RosterEntry, withScopes, apply bool) (RosterPlan, error) {
	var plan RosterPlan
	err := runSteps(ctx, tx, "stage", []step{
		{`SELECT pg_advisory_xact_lock($1)`, []any{importLock}},
		{`CREATE TEMP TABLE roster_raw (line int NOT NULL, email text NOT NULL, email_key text NOT NULL, name text NOT NULL,
			org_id bigint NOT NULL, roles text[] NOT NULL, scopes bigint[] NOT NULL) ON COMMIT DROP`, nil},
	})
	if err != nil {
		return plan, err
	}
	if err := copyRoster(ctx, tx, entries); err != nil {
		return plan, err
	}
	err = runSteps(ctx, tx, "stage", []step{
		{`CREATE TEMP TABLE roster_in ON COMMIT DROP AS
		SELECT m.*, CASE
				WHEN m.old_name IS NULL THEN 'create'
				WHEN m.roles_changed OR m.org_changed OR m.name <> m.old_name
					OR ($1 AND NOT (m.scopes @> m.old_scopes AND m.old_scopes @> m.scopes)) THEN 'update'
				ELSE 'unchanged' END AS action
		FROM (SELECT r.line, r.email, r.email_key, r.name, r.org_id, r.roles, r.scopes,
				CASE WHEN u.id IS NULL AND $2 THEN nextval(pg_get_serial_sequence('users', 'id')) ELSE u.id END AS user_id,
				u.name AS old_name, u.org_id AS old_org,
				COALESCE(ur.roles, '{}') AS old_roles, COALESCE(ms.scopes, '{}') AS old_scopes,
				u.id IS NULL OR NOT (r.roles @> COALESCE(ur.roles, '{}') AND COALESCE(ur.roles, '{}') @> r.roles) AS roles_changed,
				u.id IS NULL OR r.org_id <> u.org_id AS org_changed
			FROM roster_raw r
			LEFT JOIN users u ON lower(u.email) = r.email_key
			LEFT JOIN LATERAL (SELECT array_agg(role_code ORDER BY role_code) AS roles FROM user_roles WHERE user_id = u.id) ur ON true
			LEFT JOIN LATERAL (SELECT array_agg(org_id ORDER BY org_id) AS scopes FROM manager_scopes WHERE user_id = u.id) ms ON true
		) m`, []any{withScopes, apply}},
	})
	if err != nil {
		return plan, err
	}
	err = tx.QueryRowxContext(ctx, `SELECT count(*) FILTER (WHERE action = 'create'), count(*) FILTER (WHERE action = 'update'),
		count(*) FILTER (WHERE action = 'unchanged') FROM roster_in`).Scan(&plan.Created, &plan.Updated, &plan.Unchanged)
	if err != nil {
		return plan, fmt.Errorf("store: import: count: %w", err)
	}
	return plan, nil
}

// copyRoster streams entries into roster_raw.
func copyRoster(ctx context.Context, tx *sqlx.Tx, entries []RosterEntry) error {
	stmt, err := tx.PrepareContext(ctx, `COPY roster_raw (line, email, email_key, name, org_id, roles, scopes) FROM STDIN`)
	if err != nil {
		return fmt.Errorf("store: import: copy: %w", err)
	}
	defer stmt.Close()
	for _, e := range entries {
		roles, scopes := e.Roles, e.Scopes
		if roles == nil {
			roles = []string{}
		}
		if scopes == nil {
			scopes = []int64{}
		}
		if _, err := stmt.ExecContext(ctx, e.Line, e.Email, NormalizeEmail(e.Email), e.Name, e.OrgID,
			pq.StringArray(roles), pq.Int64Array(scopes)); err != nil {
			return fmt.Errorf("store: import: copy line %d: %w", e.Line, err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return fmt.Errorf("store: import: copy: %w", err)
	}
	return nil
}

// RosterTouchedIDs is a bigint[] expression: the ids of the people a staged
// roster creates or updates.
const RosterTouchedIDs = `ARRAY(SELECT user_id FROM roster_in WHERE action <> 'unchanged')`

// ApplyRoster writes a staged roster: it creates the new people (without a
// password), updates the changed ones, replaces their job roles (and
// manager scopes when withScopes), and writes one audit entry per person
// with before and after. The roster must have been staged with apply set.
// It returns the ids of people who are new or whose
// organization or job roles changed.
func ApplyRoster(ctx context.Context, tx *sqlx.Tx, actor *int64, withScopes bool) ([]int64, error) {
	steps := []step{
		{`INSERT INTO users (id, org_id, email, name) SELECT user_id, org_id, email, name FROM roster_in WHERE action = 'create' ORDER BY line`, nil},
		{`UPDATE users u SET name = r.name, org_id = r.org_id FROM roster_in r
			WHERE r.user_id = u.id AND r.action = 'update' AND (u.name <> r.name OR u.org_id <> r.org_id)`, nil},
		{`DELETE FROM user_roles ur USING roster_in r
			WHERE r.action = 'update' AND r.roles_changed AND ur.user_id = r.user_id AND NOT (ur.role_code = ANY (r.roles))`, nil},
		{`INSERT INTO user_roles (user_id, role_code) SELECT user_id, unnest(roles) FROM roster_in WHERE action = 'create'`, nil},
		{`INSERT INTO user_roles (user_id, role_code)
			SELECT user_id, unnest(roles) FROM roster_in WHERE action = 'update' AND roles_changed ON CONFLICT DO NOTHING`, nil},
	}
	if withScopes {
		steps = append(steps,
			step{`DELETE FROM manager_scopes ms USING roster_in r
				WHERE r.action = 'update' AND ms.user_id = r.user_id AND NOT (ms.org_id = ANY (r.scopes))`, nil},
			step{`INSERT INTO manager_scopes (user_id, org_id)
				SELECT user_id, unnest(scopes) FROM roster_in WHERE action IN ('create', 'update') ON CONFLICT DO NOTHING`, nil})
	}
	steps = append(steps, step{`INSERT INTO audit_log (actor_id, action, entity, entity_id, org_id, before, after)
		SELECT $1, CASE r.action WHEN 'create' THEN 'user.import_create' ELSE 'user.import_update' END, 'user', r.user_id::text, r.org_id,
			CASE WHEN r.action = 'update' THEN jsonb_build_object('name', r.old_name, 'org', oo.code, 'roles', to_jsonb(r.old_roles),
				'manager_scopes', ` + scopeCodes("r.old_scopes") + `) END,
			jsonb_build_object('email', r.email, 'name', r.name, 'org', no.code, 'roles', to_jsonb(r.roles),
				'manager_scopes', ` + scopeCodes("CASE WHEN $2 OR r.action = 'create' THEN r.scopes ELSE r.old_scopes END") + `)
		FROM roster_in r JOIN organizations no ON no.id = r.org_id LEFT JOIN organizations oo ON oo.id = r.old_org
		WHERE r.action IN ('create', 'update') ORDER BY r.line`, []any{actor, withScopes}})
	if err := runSteps(ctx, tx, "apply", steps); err != nil {
		return nil, err
	}
	changed := []int64{}
	err := tx.SelectContext(ctx, &changed, `SELECT user_id FROM roster_in
		WHERE action = 'create' OR (action = 'update' AND (roles_changed OR org_changed)) ORDER BY user_id`)
	if err != nil {
		return nil, fmt.Errorf("store: import: changed: %w", err)
	}
	return changed, nil
}

// scopeCodes is the SQL for the sorted organization codes of an id array,
// as JSON; most people manage nothing, and skip the lookup.
func scopeCodes(ids string) string {
	return `CASE WHEN cardinality(` + ids + `) = 0 THEN '[]'::jsonb
		ELSE to_jsonb(ARRAY(SELECT code FROM organizations WHERE id = ANY (` + ids + `) ORDER BY code)) END`
}
