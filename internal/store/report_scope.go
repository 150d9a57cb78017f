package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// ScopeRoots reduces a manager's scope organizations to the roots of their
// subtrees: an organization inside another's subtree is dropped.
func ScopeRoots(ctx context.Context, q sqlx.QueryerContext, scopeOrgs []int64) ([]int64, error) {
	var roots []int64
	err := sqlx.SelectContext(ctx, q, &roots, `SELECT r FROM unnest($1::bigint[]) AS r
		WHERE NOT EXISTS (SELECT 1 FROM org_closure oc
			WHERE oc.descendant_id = r AND oc.ancestor_id = ANY($1::bigint[]) AND oc.ancestor_id <> r)
		ORDER BY r`, pq.Array(scopeOrgs))
	if err != nil {
		return nil, fmt.Errorf("store: scope roots: %w", err)
	}
	return roots, nil
}

// ScopeContains reports whether org exists and lies in the scope.
func ScopeContains(ctx context.Context, q sqlx.QueryerContext, sc Scope, org int64) (bool, error) {
	var ok bool
	err := sqlx.GetContext(ctx, q, &ok, `SELECT EXISTS (SELECT 1 FROM org_closure oc WHERE oc.descendant_id = $1
		AND ($2 OR oc.ancestor_id = ANY($3::bigint[])))`, org, sc.All, pq.Array(sc.Roots))
	if err != nil {
		return false, fmt.Errorf("store: scope check: %w", err)
	}
	return ok, nil
}

// SubtreesContain reports whether org lies in the subtree of one of roots,
// as q sees the tree.
func SubtreesContain(ctx context.Context, q sqlx.QueryerContext, org int64, roots []int64) (bool, error) {
	var ok bool
	err := sqlx.GetContext(ctx, q, &ok, `SELECT EXISTS (SELECT 1 FROM org_closure
					WHERE descendant_id = $1 AND ancestor_id = ANY($2::bigint[]))`, org, pq.Array(roots))
	if err != nil {
		return false, fmt.Errorf("store: in subtrees: %w", err)
	}
	return ok, nil
}
