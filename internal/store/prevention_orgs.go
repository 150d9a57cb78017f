package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// TypedOrg is an organization with its type, as a form offers it.
type TypedOrg struct {
	ID   int64  `db:"id"`
	Code string `db:"code"`
	Name string `db:"name"`
	Type string `db:"type"`
}

// TypedOrgsUnder lists the active organizations of the given types in the
// subtree of root, by name, at most 500.
func TypedOrgsUnder(ctx context.Context, q sqlx.QueryerContext, root int64, types []string) ([]TypedOrg, error) {
	var out []TypedOrg
	err := sqlx.SelectContext(ctx, q, &out, `SELECT o.id, o.code, o.name, o.type FROM organizations o
		WHERE `+InSubtree("o.id", "$1")+` AND o.type = ANY($2) AND o.deactivated_at IS NULL ORDER BY o.name LIMIT 500`,
		root, pq.StringArray(types))
	if err != nil {
		return nil, fmt.Errorf("store: organizations under %d: %w", root, err)
	}
	return out, nil
}

// TypedOrgByCode returns the active organization with code (any case) if
// it has one of the types and lies in the subtree of root (anywhere when
// all), else ErrNotFound.
func TypedOrgByCode(ctx context.Context, q sqlx.QueryerContext, code string, types []string, root int64, all bool) (TypedOrg, error) {
	var o TypedOrg
	err := sqlx.GetContext(ctx, q, &o, `SELECT o.id, o.code, o.name, o.type FROM organizations o
		WHERE o.code = upper($1) AND o.type = ANY($2) AND o.deactivated_at IS NULL
		AND ($4 OR `+Under("o.id", "$3")+`)`,
		code, pq.StringArray(types), root, all)
	if err = notFound(err); err != nil {
		return o, fmt.Errorf("store: organization %q: %w", code, err)
	}
	return o, nil
}
