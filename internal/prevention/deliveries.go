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

// Fidelity marks of a core component.
const (
	MarkDelivered = "delivered"
	MarkPartly    = "partly"
	MarkNot       = "not"
)

// ErrNotFacilitator means only the class's own facilitators may log its
// sessions (administrators included).
var ErrNotFacilitator = errors.New("prevention: only a facilitator of this class can log its sessions")

// Delivery is one session delivered to a class.
type Delivery struct {
	ID                int64     `db:"id" json:"id"`
	ClassID           int64     `db:"class_id" json:"class_id"`
	Session           int       `db:"session" json:"session"`
	DeliveredOn       time.Time `db:"delivered_on" json:"delivered_on"`
	Minutes           int       `db:"minutes" json:"minutes"`
	Attendance        int       `db:"attendance" json:"attendance"`
	Adaptations       string    `db:"adaptations" json:"adaptations"`
	Notes             string    `db:"notes" json:"notes"`
	LoggedBy          int64     `db:"logged_by" json:"logged_by"`
	LoggedByName      string    `db:"logged_by_name" json:"-"`
	CoFacilitatorID   *int64    `db:"co_facilitator_id" json:"co_facilitator_id"`
	CoFacilitatorName string    `db:"co_facilitator_name" json:"-"`
	CourseVersionID   *int64    `db:"course_version_id" json:"course_version_id,omitempty"`
	CreatedAt         time.Time `db:"created_at" json:"created_at"`
	UpdatedAt         time.Time `db:"updated_at" json:"updated_at"`
	Marks             []Mark    `db:"-" json:"marks"`
}

// Mark is the fidelity mark of one core component.
type Mark struct {
	DeliveryID int64  `db:"delivery_id" json:"-"`
	Component  string `db:"component" json:"component"`
	Label      string `db:"label" json:"label"`
	Position   int    `db:"position" json:"position"`
	Status     string `db:"status" json:"status"`
}

// LocksAt is when the record stops being editable.
func (d Delivery) LocksAt() time.Time { return d.CreatedAt.Add(EditWindow) }

// Editable reports whether the record may still be changed now.
func (s *Service) Editable(d Delivery) bool { return s.now().Before(d.LocksAt()) }

// FullyDelivered counts the components marked delivered in full.
func (d Delivery) FullyDelivered() int {
	n := 0
	for _, m := range d.Marks {
		if m.Status == MarkDelivered {
			n++
		}
	}
	return n
}

const deliverySelect = `SELECT d.id, d.class_id, d.session, d.delivered_on, d.minutes, d.attendance, d.adaptations,
	d.notes, d.logged_by, lu.name AS logged_by_name, d.co_facilitator_id, COALESCE(cu.name, '') AS co_facilitator_name,
	d.course_version_id, d.created_at, d.updated_at
	FROM prevention_deliveries d JOIN users lu ON lu.id = d.logged_by LEFT JOIN users cu ON cu.id = d.co_facilitator_id`

// Deliveries lists a class's delivered sessions with their marks, by session.
func (s *Service) Deliveries(ctx context.Context, classID int64) ([]Delivery, error) {
	var out []Delivery
	if err := s.db.SelectContext(ctx, &out, deliverySelect+` WHERE d.class_id = $1 ORDER BY d.session`, classID); err != nil {
		return nil, fmt.Errorf("prevention: deliveries of class %d: %w", classID, err)
	}
	var marks []Mark
	err := s.db.SelectContext(ctx, &marks, `SELECT m.delivery_id, m.component, m.label, m.position, m.status
		FROM prevention_component_marks m JOIN prevention_deliveries d ON d.id = m.delivery_id
		WHERE d.class_id = $1 ORDER BY m.delivery_id, m.position`, classID)
	if err != nil {
		return nil, fmt.Errorf("prevention: marks of class %d: %w", classID, err)
	}
	idx := map[int64]int{}
	for i, d := range out {
		idx[d.ID] = i
	}
	for _, m := range marks {
		out[idx[m.DeliveryID]].Marks = append(out[idx[m.DeliveryID]].Marks, m)
	}
	return out, nil
}

// Delivery returns one delivered session of a class the actor may see.
func (s *Service) Delivery(ctx context.Context, actor Actor, classID, id int64) (Delivery, error) {
	if _, err := s.Class(ctx, actor, classID); err != nil {
		return Delivery{}, err
	}
	return delivery(ctx, s.db, classID, id, false)
}

func delivery(ctx context.Context, q sqlx.QueryerContext, classID, id int64, lock bool) (Delivery, error) {
	var d Delivery
	query := deliverySelect + ` WHERE d.id = $1 AND d.class_id = $2`
	if lock {
		query += ` FOR UPDATE OF d`
	}
	if err := sqlx.GetContext(ctx, q, &d, query, id, classID); err != nil {
		return d, fmt.Errorf("prevention: delivery %d: %w", id, notFound(err))
	}
	err := sqlx.SelectContext(ctx, q, &d.Marks, `SELECT delivery_id, component, label, position, status
		FROM prevention_component_marks WHERE delivery_id = $1 ORDER BY position`, id)
	if err != nil {
		return d, fmt.Errorf("prevention: marks of delivery %d: %w", id, err)
	}
	return d, nil
}

// DeliveryForm is the log form as typed. Marks maps component key → mark.
type DeliveryForm struct {
	Date, Minutes, Attendance, Adaptations, Notes, CoFacilitator string
	Marks                                                        map[string]string
}

// FormOf fills the form from a stored record.
func (d Delivery) FormOf() DeliveryForm {
	f := DeliveryForm{Date: d.DeliveredOn.Format(time.DateOnly), Minutes: strconv.Itoa(d.Minutes),
		Attendance: strconv.Itoa(d.Attendance), Adaptations: d.Adaptations, Notes: d.Notes, Marks: map[string]string{}}
	if d.CoFacilitatorID != nil {
		f.CoFacilitator = strconv.FormatInt(*d.CoFacilitatorID, 10)
	}
	for _, m := range d.Marks {
		f.Marks[m.Component] = m.Status
	}
	return f
}

// parseDelivery validates the form against the class and its session.
func (s *Service) parseDelivery(ctx context.Context, q sqlx.QueryerContext, actor Actor, class Class, sess Session, f DeliveryForm) (Delivery, error) {
	errs := validate.Errors{}
	d := Delivery{ClassID: class.ID, Session: sess.N, Adaptations: strings.TrimSpace(f.Adaptations),
		Notes: strings.TrimSpace(f.Notes), LoggedBy: actor.UserID}
	day, ok := parseDate(strings.TrimSpace(f.Date))
	switch {
	case !ok:
		errs["date"] = "Enter the date the session was delivered, like 2026-03-14."
	case day.After(s.now().AddDate(0, 0, 1)):
		errs["date"] = "A session can be logged once it has happened: the date is in the future."
	}
	d.DeliveredOn = day
	if n, err := strconv.Atoi(strings.TrimSpace(f.Minutes)); err != nil || n < 1 || n > 600 {
		errs["minutes"] = "Enter how many minutes the session took, from 1 to 600."
	} else {
		d.Minutes = n
	}
	if n, err := strconv.Atoi(strings.TrimSpace(f.Attendance)); err != nil || n < 1 || n > class.StudentCount {
		errs["attendance"] = fmt.Sprintf("Enter how many students attended, from 1 to %d (the class size).", class.StudentCount)
	} else {
		d.Attendance = n
	}
	if len(d.Adaptations) > 2000 {
		errs["adaptations"] = "Keep adaptations under 2,000 characters."
	}
	if len(d.Notes) > 2000 {
		errs["notes"] = "Keep notes under 2,000 characters."
	}
	if v := strings.TrimSpace(f.CoFacilitator); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		ok := err == nil && id != actor.UserID
		if ok {
			if ok, err = isFacilitatorOf(ctx, q, class.ID, id); err != nil {
				return d, err
			}
		}
		if !ok {
			errs["co_facilitator"] = "Choose one of the class's other facilitators, or nobody."
		} else {
			d.CoFacilitatorID = &id
		}
	}
	for i, c := range sess.Components {
		st := f.Marks[c.Key]
		if st != MarkDelivered && st != MarkPartly && st != MarkNot {
			if errs["marks"] == "" {
				errs["marks"] = "Mark every core component as delivered, partly delivered or not delivered."
			}
			errs["mark_"+c.Key] = "Choose how much of this component was delivered."
			continue
		}
		d.Marks = append(d.Marks, Mark{Component: c.Key, Label: c.Label, Position: i + 1, Status: st})
	}
	return d, errs.OrNil()
}

// LogDelivery records session n of a class as delivered. Only the class's
// facilitators may log, and only while holding a valid completion of the
// curriculum's preparation course (ErrNotPrepared).
func (s *Service) LogDelivery(ctx context.Context, actor Actor, classID int64, n int, f DeliveryForm) (int64, error) {
	var id int64
	err := store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		class, _, sess, err := s.loggable(ctx, tx, actor, classID, n)
		if err != nil {
			return err
		}
		d, err := s.parseDelivery(ctx, tx, actor, class, sess, f)
		if err != nil {
			return err
		}
		version, err := store.CurrentVersionID(ctx, tx, class.CourseID)
		if err != nil {
			return err
		}
		now := s.now()
		err = tx.GetContext(ctx, &id, `INSERT INTO prevention_deliveries (class_id, session, delivered_on, minutes,
			attendance, adaptations, notes, logged_by, co_facilitator_id, course_version_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
			classID, n, d.DeliveredOn, d.Minutes, d.Attendance, d.Adaptations, d.Notes, actor.UserID,
			d.CoFacilitatorID, version, now)
		if isUnique(err) {
			return fmt.Errorf("prevention: session %d of class %d is logged already: %w", n, classID, store.ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("prevention: log session: %w", err)
		}
		if err := insertMarks(ctx, tx, id, d.Marks); err != nil {
			return err
		}
		after, err := delivery(ctx, tx, classID, id, false)
		if err != nil {
			return err
		}
		return store.Audit(ctx, tx, store.AuditEntry{ActorID: &actor.UserID, Action: "prevention.delivery.create",
			Entity: "prevention_delivery", EntityID: strconv.FormatInt(id, 10), OrgID: &class.OrgID, After: after})
	})
	return id, err
}

// UpdateDelivery changes a delivered session within EditWindow of logging
// it (ErrLocked after), auditing before and after.
func (s *Service) UpdateDelivery(ctx context.Context, actor Actor, classID, id int64, f DeliveryForm) error {
	return store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		before, err := delivery(ctx, tx, classID, id, true)
		if err != nil {
			return err
		}
		class, _, sess, err := s.loggable(ctx, tx, actor, classID, before.Session)
		if err != nil {
			return err
		}
		if !s.Editable(before) {
			return ErrLocked
		}
		d, err := s.parseDelivery(ctx, tx, actor, class, sess, f)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE prevention_deliveries SET delivered_on = $2, minutes = $3, attendance = $4,
			adaptations = $5, notes = $6, co_facilitator_id = $7, updated_at = $8 WHERE id = $1`,
			id, d.DeliveredOn, d.Minutes, d.Attendance, d.Adaptations, d.Notes, d.CoFacilitatorID, s.now())
		if err != nil {
			return fmt.Errorf("prevention: update session record %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM prevention_component_marks WHERE delivery_id = $1`, id); err != nil {
			return fmt.Errorf("prevention: clear marks: %w", err)
		}
		if err := insertMarks(ctx, tx, id, d.Marks); err != nil {
			return err
		}
		after, err := delivery(ctx, tx, classID, id, false)
		if err != nil {
			return err
		}
		return store.Audit(ctx, tx, store.AuditEntry{ActorID: &actor.UserID, Action: "prevention.delivery.update",
			Entity: "prevention_delivery", EntityID: strconv.FormatInt(id, 10), OrgID: &class.OrgID,
			Before: before, After: after})
	})
}

// loggable checks that actor may log session n of the class now.
func (s *Service) loggable(ctx context.Context, tx *sqlx.Tx, actor Actor, classID int64, n int) (Class, Curriculum, Session, error) {
	class, err := s.classFor(ctx, tx, actor, classID, true)
	if err != nil {
		return class, Curriculum{}, Session{}, err
	}
	cur, err := s.ClassCurriculum(ctx, class)
	if err != nil {
		return class, cur, Session{}, err
	}
	sess, ok := cur.Session(n)
	if !ok {
		return class, cur, sess, fmt.Errorf("prevention: session %d of class %d: %w", n, classID, store.ErrNotFound)
	}
	ok, err = isFacilitatorOf(ctx, tx, classID, actor.UserID)
	if err != nil {
		return class, cur, sess, err
	}
	if !ok {
		return class, cur, sess, ErrNotFacilitator
	}
	return class, cur, sess, s.requirePrepared(ctx, tx, actor.UserID, cur)
}

// insertMarks writes the marks of a delivery and its totals for reports.
func insertMarks(ctx context.Context, tx *sqlx.Tx, deliveryID int64, marks []Mark) error {
	full := 0
	for _, m := range marks {
		if m.Status == MarkDelivered {
			full++
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE prevention_deliveries SET marks = $2, marks_full = $3 WHERE id = $1`,
		deliveryID, len(marks), full); err != nil {
		return fmt.Errorf("prevention: mark totals: %w", err)
	}
	for _, m := range marks {
		if _, err := tx.ExecContext(ctx, `INSERT INTO prevention_component_marks (delivery_id, component, label, position, status)
			VALUES ($1, $2, $3, $4, $5)`, deliveryID, m.Component, m.Label, m.Position, m.Status); err != nil {
			return fmt.Errorf("prevention: mark %s: %w", m.Component, err)
		}
	}
	return nil
}
