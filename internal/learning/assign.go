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
			expired, err := s.completionExpired(ctx, tx, last.ID, now)
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

func (s *Service) completionExpired(ctx context.Context, tx *sqlx.Tx, assignmentID int64, now time.Time) (bool, error) {
	var expired bool
	err := tx.GetContext(ctx, &expired, `SELECT COALESCE(bool_or(expires_at <= $2), false) FROM completions
		WHERE assignment_id = $1`, assignmentID, now)
	if err != nil {
		return false, fmt.Errorf("learning: completion expiry: %w", err)
	}
	return expired, nil
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
type AssignResult struct {
	Created  int `db:"created"`  // new assignments
	Reopened int `db:"reopened"` // withdrawn ones opened again
	Updated  int `db:"updated"`  // open ones given this due date (never a later one)
	Skipped  int `db:"skipped"`  // already completed and current
}

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
		err := tx.GetContext(ctx, &res, manualSQL, nullID(m.UserID), nullID(m.OrgID), ref.CourseID, m.DueAt,
			m.AvailableFrom, now, m.ActorID)
		if err != nil {
			return fmt.Errorf("learning: assign course: %w", err)
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

// manualSQL: $1 user or NULL, $2 organization or NULL, $3 course, $4 due,
// $5 available from, $6 now, $7 actor.
const manualSQL = `WITH targets AS (
	SELECT u.id AS user_id FROM users u
	WHERE u.deactivated_at IS NULL AND (
		u.id = $1::bigint OR
		u.org_id IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = $2::bigint))
), last AS (
	SELECT DISTINCT ON (a.user_id) a.user_id, a.id, a.cycle, a.status
	FROM assignments a
	WHERE a.course_id = $3 AND a.user_id IN (SELECT user_id FROM targets)
	ORDER BY a.user_id, a.cycle DESC
), latest AS (
	SELECT t.user_id, l.id, l.cycle, l.status, cm.expires_at
	FROM targets t
	LEFT JOIN last l ON l.user_id = t.user_id
	LEFT JOIN completions cm ON cm.assignment_id = l.id
), reopened AS (
	UPDATE assignments a SET status = 'open', withdrawn_at = NULL, source = 'manual', assigned_by = $7,
		assigned_at = $6, available_from = $5, due_at = $4
	FROM latest l WHERE a.id = l.id AND l.status = 'withdrawn' AND a.status = 'withdrawn'
	RETURNING a.id
), updated AS (
	UPDATE assignments a SET due_at = LEAST(COALESCE(a.due_at, $4), $4),
		source = CASE WHEN a.source = 'self' THEN 'manual' ELSE a.source END,
		assigned_by = CASE WHEN a.source = 'self' THEN $7 ELSE a.assigned_by END
	FROM latest l WHERE a.id = l.id AND l.status = 'open' AND a.status = 'open'
	RETURNING a.id
), created AS (
	INSERT INTO assignments (user_id, course_id, cycle, source, assigned_by, assigned_at, available_from, due_at)
	SELECT l.user_id, $3, COALESCE(l.cycle, 0) + 1, 'manual', $7, $6, $5, $4
	FROM latest l
	WHERE l.id IS NULL OR (l.status = 'completed' AND l.expires_at <= $6)
	ON CONFLICT DO NOTHING
	RETURNING id
)
SELECT (SELECT count(*) FROM created) AS created, (SELECT count(*) FROM reopened) AS reopened,
	(SELECT count(*) FROM updated) AS updated,
	(SELECT count(*) FROM latest WHERE status = 'completed' AND (expires_at IS NULL OR expires_at > $6)) AS skipped`
