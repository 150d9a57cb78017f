package learning

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/seed"
	"github.com/waymark/waymark/internal/store"
)

// Requirements returns the active matrix.
func (s *Service) Requirements(ctx context.Context) ([]store.Requirement, error) {
	return s.reqs.List(ctx)
}

// SeedRequirements adds the pairs of seeds/requirements.yaml that were never
// in the matrix (an administrator's changes are kept) and reconciles
// everyone. It returns the number of requirements added and the changes.
func (s *Service) SeedRequirements(ctx context.Context, rows []seed.Requirement) (int, Changes, error) {
	reqs := make([]store.Requirement, len(rows))
	for i, r := range rows {
		reqs[i] = store.Requirement{RoleCode: r.Role, CourseSlug: r.Course, DueDays: r.DueDays,
			RenewalMonths: r.RenewalMonths, Optional: r.Optional}
	}
	var added int
	var ch Changes
	err := store.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		var err error
		if added, err = s.reqs.SeedTx(ctx, tx, reqs, s.now()); err != nil {
			return err
		}
		if added > 0 {
			if err := store.Audit(ctx, tx, store.AuditEntry{Action: "requirement.seed", Entity: "requirement",
				After: map[string]int{"added": added}}); err != nil {
				return err
			}
		}
		ch, err = s.ReconcileAll(ctx, tx)
		return err
	})
	return added, ch, err
}

// RequirementChange is what an administrator sets on a requirement.
type RequirementChange struct {
	Role          string
	CourseSlug    string
	DueDays       int
	RenewalMonths *int
	Optional      bool
}

// AddRequirement adds a role × course pair, audited, and assigns the
// course to everyone with the role. An active pair that exists already is
// store.ErrConflict, with the add form's message as validate.Errors.
func (s *Service) AddRequirement(ctx context.Context, actorID int64, ch RequirementChange) (int64, Changes, error) {
	_, ref, err := s.trainingCourse(ch.CourseSlug)
	if err != nil {
		return 0, Changes{}, err
	}
	r := store.Requirement{RoleCode: ch.Role, CourseID: ref.CourseID, CourseSlug: ch.CourseSlug, DueDays: ch.DueDays,
		RenewalMonths: ch.RenewalMonths, Optional: ch.Optional}
	var changes Changes
	err = store.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		if r.ID, err = s.reqs.AddTx(ctx, tx, r, s.now()); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("%w: %w", pairExists(), err)
			}
			return err
		}
		if err := s.auditRequirement(ctx, tx, actorID, "requirement.add", r.ID, nil, r); err != nil {
			return err
		}
		changes, err = s.ReconcileRole(ctx, tx, r.RoleCode)
		return err
	})
	return r.ID, changes, err
}

// UpdateRequirement changes due days, renewal and optional, audited with
// before and after. Open assignments keep their due dates; a requirement
// made optional withdraws the open assignments it alone caused, one made
// required assigns the course.
func (s *Service) UpdateRequirement(ctx context.Context, actorID, id int64, ch RequirementChange) (Changes, error) {
	var changes Changes
	err := store.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		before, err := s.reqs.LockTx(ctx, tx, id)
		if err != nil {
			return err
		}
		after := before
		after.DueDays, after.RenewalMonths, after.Optional = ch.DueDays, ch.RenewalMonths, ch.Optional
		if err := s.reqs.UpdateTx(ctx, tx, after); err != nil {
			return err
		}
		if err := s.auditRequirement(ctx, tx, actorID, "requirement.update", id, before, after); err != nil {
			return err
		}
		changes, err = s.ReconcileRole(ctx, tx, before.RoleCode)
		return err
	})
	return changes, err
}

// RemoveRequirement retires a requirement, audited, and withdraws the open
// assignments no other role requires. Completions stay.
func (s *Service) RemoveRequirement(ctx context.Context, actorID, id int64) (Changes, error) {
	var changes Changes
	err := store.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		before, err := s.reqs.LockTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.reqs.RemoveTx(ctx, tx, id, s.now()); err != nil {
			return err
		}
		if err := s.auditRequirement(ctx, tx, actorID, "requirement.remove", id, before, nil); err != nil {
			return err
		}
		changes, err = s.ReconcileRole(ctx, tx, before.RoleCode)
		return err
	})
	return changes, err
}

func (s *Service) auditRequirement(ctx context.Context, tx *sqlx.Tx, actorID int64, action string, id int64, before, after any) error {
	e := store.AuditEntry{ActorID: &actorID, Action: action, Entity: "requirement", EntityID: strconv.FormatInt(id, 10)}
	if before != nil {
		e.Before = before
	}
	if after != nil {
		e.After = after
	}
	if err := store.Audit(ctx, tx, e); err != nil {
		return fmt.Errorf("learning: %w", err)
	}
	return nil
}
