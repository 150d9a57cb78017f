package prevention

import (
	"context"
	"fmt"

	"github.com/waymark/waymark/internal/store"
)

// Narrow limits a manager's or an administrator's report to the subtree of
// one organization, which must lie in scope: one outside it, or one that
// does not exist, is store.ErrNotFound. It returns the narrowed scope and
// the organization's name. org 0, or a facilitator's scope, is returned
// as it is.
func (s *Service) Narrow(ctx context.Context, scope Scope, org int64) (Scope, string, error) {
	if org == 0 || scope.Facilitator != 0 {
		return scope, "", nil
	}
	ok, err := store.ScopeContains(ctx, s.db, store.Scope{All: scope.All, Roots: scope.Roots}, org)
	if err != nil {
		return scope, "", fmt.Errorf("prevention: narrow report: %w", err)
	}
	if !ok {
		return scope, "", fmt.Errorf("prevention: report organization %d: %w", org, store.ErrNotFound)
	}
	names, err := store.OrgNames(ctx, s.db, []int64{org})
	if err != nil {
		return scope, "", fmt.Errorf("prevention: report organization %d: %w", org, err)
	}
	if len(names) == 0 {
		return scope, "", fmt.Errorf("prevention: report organization %d: %w", org, store.ErrNotFound)
	}
	return Scope{Roots: []int64{org}}, names[0].Name, nil
}

// ReportOrgChoices lists the organizations a manager's or an administrator's
// report can be narrowed to, in tree order (none for a facilitator).
func (s *Service) ReportOrgChoices(ctx context.Context, scope Scope) ([]store.OrgOption, error) {
	if scope.Facilitator != 0 {
		return nil, nil
	}
	var roots []int64
	if !scope.All {
		roots = append([]int64{}, scope.Roots...)
	}
	out, err := store.OrgOptions(ctx, s.db, roots)
	if err != nil {
		return nil, fmt.Errorf("prevention: organization choices: %w", err)
	}
	return out, nil
}
