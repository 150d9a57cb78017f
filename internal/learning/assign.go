package learning

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/store"
)

// StartSelf lets a person start a training course from the catalog: it
// opens a self-started assignment (no due date) unless one is open, opens
// a withdrawn one again, or starts a new cycle when the last completion has
// expired. A course completed and still current is left as it is (the
// person can review it).
func (s *Service) StartSelf(ctx context.Context, userID int64, slug string) error {
	_, ref, err := s.trainingCourse(slug)
	if err != nil {
		return err
	}
	now := s.now()
	return store.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		last, err := s.assignments.LatestForUpdateTx(ctx, tx, userID, ref.CourseID)
		fresh := store.Assignment{UserID: userID, CourseID: ref.CourseID, Cycle: 1, Source: store.SourceSelf,
			AssignedAt: now, AvailableFrom: now}
		switch {
		case errors.Is(err, store.ErrNotFound):
			_, err = s.assignments.CreateTx(ctx, tx, fresh)
			return ignoreConflict(err)
		case err != nil:
			return err
		}
		switch last.Status {
		case store.StatusWithdrawn:
			fresh.ID = last.ID
			return s.assignments.ReopenTx(ctx, tx, fresh)
		case store.StatusCompleted:
			expired, err := s.completions.ExpiredTx(ctx, tx, last.ID, now)
			if err != nil || !expired {
				return err
			}
			fresh.Cycle = last.Cycle + 1
			_, err = s.assignments.CreateTx(ctx, tx, fresh)
			return ignoreConflict(err)
		}
		return nil
	})
}

// ignoreConflict treats "someone else created it first" as done.
func ignoreConflict(err error) error {
	if errors.Is(err, store.ErrConflict) {
		return nil
	}
	return err
}

// ManualAssignment is a manager's or administrator's assignment of a course
// to one person (UserID) or to everyone in an organization subtree (OrgID).
// The caller has checked that both lie in the actor's scope.
type ManualAssignment struct {
	ActorID       int64
	CourseSlug    string
	UserID        int64
	OrgID         int64
	DueAt         time.Time
	AvailableFrom time.Time
}

// AssignResult counts what a manual assignment did.
type AssignResult = store.ManualCounts

// AssignManual assigns a course with a due date, set-based over the
// subtree, audited in the same transaction. Open assignments keep an
// earlier due date; people whose completion is still current are skipped.
func (s *Service) AssignManual(ctx context.Context, m ManualAssignment) (AssignResult, error) {
	var res AssignResult
	_, ref, err := s.trainingCourse(m.CourseSlug)
	if err != nil {
		return res, err
	}
	if (m.UserID == 0) == (m.OrgID == 0) {
		return res, fmt.Errorf("learning: assign to a person or an organization: %w", store.ErrNotFound)
	}
	now := s.now()
	if m.AvailableFrom.IsZero() {
		m.AvailableFrom = now
	}
	err = store.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		res, err = s.assignments.AssignManualTx(ctx, tx, store.ManualAssign{UserID: nullID(m.UserID),
			OrgID: nullID(m.OrgID), CourseID: ref.CourseID, DueAt: m.DueAt, AvailableFrom: m.AvailableFrom, At: now,
			ActorID: m.ActorID})
		if err != nil {
			return err
		}
		entityID := "user:" + strconv.FormatInt(m.UserID, 10)
		var org *int64
		if m.OrgID != 0 {
			entityID, org = "org:"+strconv.FormatInt(m.OrgID, 10), &m.OrgID
		}
		return store.Audit(ctx, tx, store.AuditEntry{ActorID: &m.ActorID, Action: "assignment.assign", Entity: "assignment",
			EntityID: entityID, OrgID: org, After: map[string]any{"course": m.CourseSlug, "user_id": m.UserID,
				"org_id": m.OrgID, "due_at": m.DueAt, "available_from": m.AvailableFrom, "result": res}})
	})
	return res, err
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}
