package learning

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/store"
)

// Changes counts what a reconciliation did.
type Changes = store.ReconcileCounts

// scope picks whose assignments a reconciliation looks at: the given users,
// everyone with a role, or (neither set) everyone.
type scope struct {
	users []int64
	role  string
}

// Reconcile brings the assignments of the given people in line with the
// requirements matrix, in the caller's transaction:
//   - a required course with no assignment gets one, due the requirement's
//     due days from now (the shortest when several roles require it);
//   - a withdrawn assignment of a course required again is opened again,
//     with its progress;
//   - an open self-started assignment of a course that becomes required
//     gets the due date;
//   - a completion that expires within the renewal window gets the next
//     cycle (source renewal), due on the expiry date;
//   - an open assignment from the matrix that no remaining role requires is
//     withdrawn; completed ones stay. A deactivated person's open
//     assignments are all withdrawn.
//
// It is set-based (two statements whatever the number of people, in
// store.Assignments.ReconcileTx) and safe
// to run again. It is the people area's OnPeopleChanged hook.
func (s *Service) Reconcile(ctx context.Context, tx *sqlx.Tx, userIDs []int64) error {
	if len(userIDs) == 0 {
		return nil
	}
	_, err := s.reconcile(ctx, tx, scope{users: userIDs}, s.now())
	return err
}

// ReconcileRole reconciles everyone who has a job role (after a change to
// that role's requirements).
func (s *Service) ReconcileRole(ctx context.Context, tx *sqlx.Tx, role string) (Changes, error) {
	return s.reconcile(ctx, tx, scope{role: role}, s.now())
}

// ReconcileAll reconciles every person (after seeding the matrix).
func (s *Service) ReconcileAll(ctx context.Context, tx *sqlx.Tx) (Changes, error) {
	return s.reconcile(ctx, tx, scope{}, s.now())
}

func (s *Service) reconcile(ctx context.Context, tx *sqlx.Tx, sc scope, now time.Time) (Changes, error) {
	return s.assignments.ReconcileTx(ctx, tx, sc.users, sc.role, now, s.window)
}

// renewalLookback bounds how far back OpenRenewals looks for expired
// completions that never got their next cycle (e.g. after downtime).
const renewalLookback = 400 * 24 * time.Hour

// renewalBatch is how many people one renewal transaction reconciles.
const renewalBatch = 2000

// OpenRenewals opens the next cycle for every completion that expires
// within the renewal window and has none yet, for people whose roles still
// require the course. The new assignment is due on the expiry date. It is
// the periodic job; safe to run on several instances at once.
func (s *Service) OpenRenewals(ctx context.Context, now time.Time) (int, error) {
	users, err := s.completions.RenewalsDue(ctx, now, s.window, now.Add(-renewalLookback))
	if err != nil {
		return 0, err
	}
	opened := 0
	for len(users) > 0 {
		batch := users[:min(renewalBatch, len(users))]
		users = users[len(batch):]
		err := store.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
			ch, err := s.reconcile(ctx, tx, scope{users: batch}, now)
			opened += ch.Created
			return err
		})
		if err != nil {
			return opened, err
		}
	}
	return opened, nil
}
