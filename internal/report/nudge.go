package report

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/store"
)

// ErrNothingToNudge means the assignment is no longer open (completed, or
// the person is no longer counted), so no reminder is sent.
var ErrNothingToNudge = errors.New("report: nothing to nudge")

// NudgeKind is the outbox kind of a manager's reminder.
const NudgeKind = "nudge"

// nudgeTarget is what a nudge needs to know about an assignment.
type nudgeTarget struct {
	UserID      int64      `db:"user_id"`
	OrgID       int64      `db:"org_id"`
	Status      string     `db:"status"`
	DueAt       *time.Time `db:"due_at"`
	Email       string     `db:"email"`
	Name        string     `db:"name"`
	OrgName     string     `db:"org_name"`
	CourseTitle string     `db:"course_title"`
	CourseSlug  string     `db:"slug"`
}

// NudgeData is what templates/email/nudge.* receive.
type NudgeData struct {
	Name        string
	OrgName     string
	CourseTitle string
	CourseSlug  string
	DueDate     string // e.g. "March 3, 2026"; empty without a due date
	Overdue     bool
}

// NudgeKey is the outbox dedupe key: one nudge per assignment per local day.
func NudgeKey(assignmentID int64, day Day) string {
	return "nudge:" + strconv.FormatInt(assignmentID, 10) + ":" + day.String()
}

// Nudge queues a reminder to the person of an open assignment in the view
// and audits it, in one transaction. It reports false when one was queued
// for this assignment today already. An assignment outside the view is
// store.ErrNotFound; one that is not open is ErrNothingToNudge.
func (s *Service) Nudge(ctx context.Context, v View, actorID, assignmentID int64) (bool, error) {
	if s.mail == nil {
		return false, fmt.Errorf("report: nudge: no mail renderer")
	}
	day := s.Today()
	queued := false
	err := store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var t nudgeTarget
		err := tx.GetContext(ctx, &t, `SELECT p.user_id, p.org_id, p.status, p.due_at, u.email, u.name,
				o.name AS org_name, coalesce(cv.title, c.slug) AS course_title, c.slug
			FROM report_pairs p
			JOIN users u ON u.id = p.user_id
			JOIN organizations o ON o.id = p.org_id
			JOIN courses c ON c.id = p.course_id
			LEFT JOIN course_versions cv ON cv.id = c.current_version_id
			WHERE p.assignment_id = $1 AND `+v.inView("p.org_id", "$2"), assignmentID, v.rootsArg())
		if err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("report: nudge assignment %d: %w", assignmentID, store.ErrNotFound)
			}
			return fmt.Errorf("report: nudge: %w", err)
		}
		if t.Status != "open" {
			return ErrNothingToNudge
		}
		data := NudgeData{Name: t.Name, OrgName: t.OrgName, CourseTitle: t.CourseTitle, CourseSlug: t.CourseSlug}
		if t.DueAt != nil {
			data.DueDate = t.DueAt.In(s.loc).Format("January 2, 2006")
			data.Overdue = t.DueAt.Before(day.Date)
		}
		rd, err := s.mail.Render(NudgeKind, data)
		if err != nil {
			return fmt.Errorf("report: nudge: %w", err)
		}
		msg := rd.Message(NudgeKind, NudgeKey(assignmentID, day), t.Email)
		msg.UserID, msg.AssignmentID = &t.UserID, &assignmentID
		if queued, err = mail.Enqueue(ctx, tx, msg); err != nil || !queued {
			return err
		}
		return store.Audit(ctx, tx, store.AuditEntry{ActorID: &actorID, Action: "assignment.nudge", Entity: "assignment",
			EntityID: strconv.FormatInt(assignmentID, 10), OrgID: &t.OrgID,
			After: map[string]any{"kind": NudgeKind, "dedupe_key": msg.DedupeKey, "user_id": t.UserID}})
	})
	return queued, err
}

// NudgedToday reports which of the assignments already had a nudge queued
// today (the page shows that instead of the button): one lookup on the
// outbox's dedupe key index.
func (s *Service) NudgedToday(ctx context.Context, assignmentIDs []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(assignmentIDs) == 0 {
		return out, nil
	}
	today := s.Today()
	keys := make([]string, len(assignmentIDs))
	byKey := make(map[string]int64, len(assignmentIDs))
	for i, id := range assignmentIDs {
		keys[i] = NudgeKey(id, today)
		byKey[keys[i]] = id
	}
	found, err := mail.Queued(ctx, s.db, keys)
	if err != nil {
		return nil, fmt.Errorf("report: nudged today: %w", err)
	}
	for _, k := range found {
		out[byKey[k]] = true
	}
	return out, nil
}
