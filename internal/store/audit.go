package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// AuditEntry is one administrative change: who, what, before and after.
type AuditEntry struct {
	ActorID  *int64
	Action   string // e.g. "user.update"
	Entity   string // e.g. "user"
	EntityID string
	OrgID    *int64
	Before   any
	After    any
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
	_, err = q.ExecContext(ctx, `INSERT INTO audit_log (actor_id, action, entity, entity_id, org_id, before, after)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, e.ActorID, e.Action, e.Entity, e.EntityID, e.OrgID, before, after)
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
