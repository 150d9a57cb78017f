package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// AuditEntry is one administrative change: who, what, before and after.
type AuditEntry struct {
	ActorID *int64
	// ActorLabel names a machine actor (a SCIM provisioning client) when
	// no person made the change.
	ActorLabel string
	Action     string // e.g. "user.update"
	Entity     string // e.g. "user"
	EntityID   string
	OrgID      *int64
	Before     any
	After      any
}

// Audit appends to the audit log inside the caller's transaction, so a
// change and its record commit together.
func Audit(ctx context.Context, q sqlx.ExecerContext, e AuditEntry) error {
	before, err := jsonOrNull(e.Before)
	if err != nil {
		return err
	}
	after, err := jsonOrNull(e.After)
	if err != nil {
		return err
	}
	_, err = q.ExecContext(ctx, `INSERT INTO audit_log (actor_id, actor_label, action, entity, entity_id, org_id, before, after)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, e.ActorID, e.ActorLabel, e.Action, e.Entity, e.EntityID, e.OrgID, before, after)
	if err != nil {
		return fmt.Errorf("store: audit %s: %w", e.Action, err)
	}
	return nil
}

func jsonOrNull(v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("store: audit encode: %w", err)
	}
	return b, nil
}

// AuditRecord is one stored audit entry with the names a reader needs.
type AuditRecord struct {
	ID         int64     `db:"id"`
	At         time.Time `db:"at"`
	ActorID    *int64    `db:"actor_id"`
	ActorName  string    `db:"actor_name"`
	ActorEmail string    `db:"actor_email"`
	Action     string    `db:"action"`
	Entity     string    `db:"entity"`
	EntityID   string    `db:"entity_id"`
	OrgID      *int64    `db:"org_id"`
	OrgCode    string    `db:"org_code"`
	OrgName    string    `db:"org_name"`
	Before     []byte    `db:"before"`
	After      []byte    `db:"after"`
}

// AuditFilter narrows the audit log. Zero fields match everything.
type AuditFilter struct {
	PersonID int64     // changes made by or about this person
	OrgID    int64     // changes in this organization's subtree
	From, To time.Time // at >= From, at < To
	BeforeID int64     // keyset paging: entries older than this id
	Limit    int
}

// ListAudit returns entries newest first.
func ListAudit(ctx context.Context, q sqlx.QueryerContext, f AuditFilter) ([]AuditRecord, error) {
	where, args := []string{"true"}, []any{}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.PersonID != 0 {
		p := arg(f.PersonID)
		where = append(where, "(a.actor_id = "+p+" OR (a.entity = 'user' AND a.entity_id = "+p+"::text))")
	}
	if f.OrgID != 0 {
		where = append(where, InSubtree("a.org_id", arg(f.OrgID)))
	}
	if !f.From.IsZero() {
		where = append(where, "a.at >= "+arg(f.From))
	}
	if !f.To.IsZero() {
		where = append(where, "a.at < "+arg(f.To))
	}
	if f.BeforeID != 0 {
		where = append(where, "a.id < "+arg(f.BeforeID))
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	var out []AuditRecord
	err := sqlx.SelectContext(ctx, q, &out, `SELECT a.id, a.at, a.actor_id, COALESCE(u.name, a.actor_label) AS actor_name,
			COALESCE(u.email, '') AS actor_email, a.action, a.entity, a.entity_id, a.org_id,
			COALESCE(o.code, '') AS org_code, COALESCE(o.name, '') AS org_name, a.before, a.after
		FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id LEFT JOIN organizations o ON o.id = a.org_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY a.id DESC LIMIT `+arg(f.Limit), args...)
	if err != nil {
		return nil, fmt.Errorf("store: list audit: %w", err)
	}
	return out, nil
}
