package prevention

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/validate"
)

// Facilitator is a staff member who teaches a class.
type Facilitator struct {
	UserID  int64     `db:"user_id" json:"user_id"`
	Name    string    `db:"name" json:"-"`
	Lead    bool      `db:"lead" json:"lead"`
	AddedAt time.Time `db:"added_at" json:"-"`
}

// Facilitators lists a class's facilitators, lead first.
func (s *Service) Facilitators(ctx context.Context, classID int64) ([]Facilitator, error) {
	var out []Facilitator
	err := s.db.SelectContext(ctx, &out, `SELECT f.user_id, u.name, f.lead, f.added_at
		FROM prevention_class_facilitators f JOIN users u ON u.id = f.user_id
		WHERE f.class_id = $1 ORDER BY f.lead DESC, u.name, f.user_id`, classID)
	if err != nil {
		return nil, fmt.Errorf("prevention: facilitators of class %d: %w", classID, err)
	}
	return out, nil
}

// isFacilitatorOf reports whether user teaches the class.
func isFacilitatorOf(ctx context.Context, q sqlx.QueryerContext, classID, userID int64) (bool, error) {
	var ok bool
	err := sqlx.GetContext(ctx, q, &ok, `SELECT EXISTS (SELECT 1 FROM prevention_class_facilitators
		WHERE class_id = $1 AND user_id = $2)`, classID, userID)
	if err != nil {
		return false, fmt.Errorf("prevention: facilitator check: %w", err)
	}
	return ok, nil
}

// AddFacilitator adds a co-facilitator by email. The person must be an
// active facilitator whose organization's subtree holds the class.
func (s *Service) AddFacilitator(ctx context.Context, actor Actor, classID int64, email string) error {
	email = store.NormalizeEmail(email)
	return store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		class, err := s.classFor(ctx, tx, actor, classID, true)
		if err != nil {
			return err
		}
		userID, err := store.FacilitatorAbove(ctx, tx, email, class.OrgID)
		if errors.Is(err, store.ErrNotFound) {
			return validate.Errors{"email": "No facilitator with this email works in this class's organization."}
		} else if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO prevention_class_facilitators (class_id, user_id, lead, added_at)
			VALUES ($1, $2, false, $3) ON CONFLICT DO NOTHING`, classID, userID, s.now())
		if err != nil {
			return fmt.Errorf("prevention: add co-facilitator: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return validate.Errors{"email": "This person already facilitates the class."}
		}
		return store.Audit(ctx, tx, store.AuditEntry{ActorID: &actor.UserID, Action: "prevention.class.facilitator_add",
			Entity: "prevention_class", EntityID: strconv.FormatInt(classID, 10), OrgID: &class.OrgID,
			After: map[string]any{"user_id": userID, "lead": false}})
	})
}

// RemoveFacilitator removes a co-facilitator; the lead stays.
func (s *Service) RemoveFacilitator(ctx context.Context, actor Actor, classID, userID int64) error {
	return store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		class, err := s.classFor(ctx, tx, actor, classID, true)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM prevention_class_facilitators
			WHERE class_id = $1 AND user_id = $2 AND NOT lead`, classID, userID)
		if err != nil {
			return fmt.Errorf("prevention: remove co-facilitator: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("prevention: co-facilitator %d of class %d: %w", userID, classID, store.ErrNotFound)
		}
		return store.Audit(ctx, tx, store.AuditEntry{ActorID: &actor.UserID, Action: "prevention.class.facilitator_remove",
			Entity: "prevention_class", EntityID: strconv.FormatInt(classID, 10), OrgID: &class.OrgID,
			Before: map[string]any{"user_id": userID, "lead": false}})
	})
}

// Plan returns the planned date of each session of a class.
func (s *Service) Plan(ctx context.Context, classID int64) (map[int]time.Time, error) {
	return plan(ctx, s.db, classID)
}

func plan(ctx context.Context, q sqlx.QueryerContext, classID int64) (map[int]time.Time, error) {
	var rows []struct {
		Session   int       `db:"session"`
		PlannedOn time.Time `db:"planned_on"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT session, planned_on FROM prevention_class_plans
		WHERE class_id = $1 ORDER BY session`, classID)
	if err != nil {
		return nil, fmt.Errorf("prevention: plan of class %d: %w", classID, err)
	}
	out := make(map[int]time.Time, len(rows))
	for _, r := range rows {
		out[r.Session] = r.PlannedOn
	}
	return out, nil
}

// SavePlan replaces the planned dates; dates holds "YYYY-MM-DD" or "" per
// session number.
func (s *Service) SavePlan(ctx context.Context, actor Actor, classID int64, dates map[int]string) error {
	return store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		class, err := s.classFor(ctx, tx, actor, classID, true)
		if err != nil {
			return err
		}
		cur, err := s.ClassCurriculum(ctx, class)
		if err != nil {
			return err
		}
		want := map[int]time.Time{}
		errs := validate.Errors{}
		for n := 1; n <= len(cur.Sessions); n++ {
			v := strings.TrimSpace(dates[n])
			if v == "" {
				continue
			}
			d, ok := parseDate(v)
			if !ok {
				errs["planned_"+strconv.Itoa(n)] = "Enter a date like 2026-03-14, or leave it empty."
				continue
			}
			want[n] = d
		}
		if err := errs.OrNil(); err != nil {
			return err
		}
		before, err := plan(ctx, tx, classID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM prevention_class_plans WHERE class_id = $1`, classID); err != nil {
			return fmt.Errorf("prevention: clear plan: %w", err)
		}
		for n, d := range want {
			if _, err := tx.ExecContext(ctx, `INSERT INTO prevention_class_plans (class_id, session, planned_on)
				VALUES ($1, $2, $3)`, classID, n, d); err != nil {
				return fmt.Errorf("prevention: plan session %d: %w", n, err)
			}
		}
		return store.Audit(ctx, tx, store.AuditEntry{ActorID: &actor.UserID, Action: "prevention.class.plan",
			Entity: "prevention_class", EntityID: strconv.FormatInt(classID, 10), OrgID: &class.OrgID,
			Before: planJSON(before), After: planJSON(want)})
	})
}

func planJSON(p map[int]time.Time) map[string]string {
	out := make(map[string]string, len(p))
	for n, d := range p {
		out[strconv.Itoa(n)] = d.Format(time.DateOnly)
	}
	return out
}

// parseDate reads a form date within a sane range.
func parseDate(v string) (time.Time, bool) {
	d, err := time.Parse(time.DateOnly, v)
	if err != nil || d.Year() < 2000 || d.Year() > 2100 {
		return time.Time{}, false
	}
	return d, true
}
