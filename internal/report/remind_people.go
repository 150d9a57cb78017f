package report

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/store"
)

// ManualRemindKind is the outbox kind of a manager's reminder to a person
// about all their open training (the people list's bulk action).
const ManualRemindKind = "manual-remind"

// MaxSelection bounds one bulk action; narrow the filter for more.
const MaxSelection = 5000

// ErrTooMany means a selection holds more than MaxSelection people.
var ErrTooMany = errors.New("report: too many people selected")

// ManualRemindKey is the outbox dedupe key: one manual reminder per person
// per local day, however many managers or selections ask.
func ManualRemindKey(userID int64, day Day) string {
	return "manual-remind:" + strconv.FormatInt(userID, 10) + ":" + day.String()
}

// Selection is who a bulk action is for: the people checked on the page
// (Users), or everyone the filter matches (All).
type Selection struct {
	Users  []int64
	All    bool
	Filter Filter
}

// SelectPeople resolves a selection to the people it names who have a
// counted pair in the view, in id order. A checked person outside the view
// (or without a counted pair in it), like an organization filter outside
// it, is store.ErrNotFound.
func (s *Service) SelectPeople(ctx context.Context, v View, sel Selection) ([]int64, error) {
	f, err := s.CheckFilter(ctx, v, sel.Filter)
	if err != nil {
		return nil, err
	}
	if !sel.All {
		f = Filter{Status: "all"} // the checked people, wherever the filter stood
		if len(sel.Users) == 0 {
			return nil, nil
		}
	}
	where, args := filterWhere(v, f)
	args[0] = s.Today().String()
	if !sel.All {
		args = append(args, pq.Array(sel.Users))
		where = append(where, "p.user_id = ANY($"+strconv.Itoa(len(args))+"::bigint[])")
	}
	var ids []int64
	err = s.readTx(ctx, func(tx *sqlx.Tx) error {
		return tx.SelectContext(ctx, &ids, countHead+`
			SELECT DISTINCT p.user_id FROM report_pairs p CROSS JOIN t WHERE `+strings.Join(where, " AND ")+`
			ORDER BY p.user_id LIMIT `+strconv.Itoa(MaxSelection+1), args...)
	})
	if err != nil {
		return nil, fmt.Errorf("report: select people: %w", err)
	}
	if len(ids) > MaxSelection {
		return nil, fmt.Errorf("%w: more than %d", ErrTooMany, MaxSelection)
	}
	if !sel.All && len(ids) < len(distinct(sel.Users)) {
		return nil, fmt.Errorf("report: a selected person is outside the view: %w", store.ErrNotFound)
	}
	return ids, nil
}

// RemindResult counts what a bulk reminder did, per person.
type RemindResult struct {
	Queued      int // a reminder is on its way
	AlreadySent int // one was queued for them today already
	NothingOpen int // no open training in the view to remind them of
}

// ManualRemindData is what templates/email/manual-remind.* receive.
type ManualRemindData struct {
	Name      string
	OrgName   string
	Trainings []RemindTraining
}

// RemindTraining is one open training in a manual reminder.
type RemindTraining struct {
	CourseTitle string
	CourseSlug  string
	DueDate     string // e.g. "March 3, 2026"; empty without a due date
	Overdue     bool
}

// remindLine is one open counted pair of a selected person.
type remindLine struct {
	UserID      int64      `db:"user_id"`
	OrgID       int64      `db:"org_id"`
	Email       string     `db:"email"`
	Name        string     `db:"name"`
	OrgName     string     `db:"org_name"`
	CourseTitle string     `db:"course_title"`
	Slug        string     `db:"slug"`
	DueAt       *time.Time `db:"due_at"`
}

// RemindPeople queues one reminder to each person, about their open
// training in the view, and audits each, in one transaction. A person
// reminded today already (by anyone) is counted as AlreadySent; the
// outbox's dedupe key makes that hold under concurrent requests too.
func (s *Service) RemindPeople(ctx context.Context, v View, actorID int64, users []int64) (RemindResult, error) {
	var res RemindResult
	if s.mail == nil {
		return res, fmt.Errorf("report: remind: no mail renderer")
	}
	if len(users) > MaxSelection {
		return res, fmt.Errorf("%w: %d", ErrTooMany, len(users))
	}
	day := s.Today()
	err := store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var lines []remindLine
		err := tx.SelectContext(ctx, &lines, `SELECT p.user_id, p.org_id, u.email, u.name, o.name AS org_name,
				coalesce(cv.title, c.slug) AS course_title, c.slug, p.due_at
			FROM report_pairs p
			JOIN users u ON u.id = p.user_id
			JOIN organizations o ON o.id = p.org_id
			JOIN courses c ON c.id = p.course_id
			LEFT JOIN course_versions cv ON cv.id = c.current_version_id
			WHERE p.user_id = ANY($1::bigint[]) AND p.status = 'open' AND `+v.inView("p.org_id", "$2")+`
			ORDER BY p.user_id, p.due_at NULLS LAST, course_title`, pq.Array(users), v.rootsArg())
		if err != nil {
			return fmt.Errorf("report: remind: %w", err)
		}
		open := map[int64]bool{}
		for i := 0; i < len(lines); {
			j := i
			first := lines[i]
			data := ManualRemindData{Name: first.Name, OrgName: first.OrgName}
			for ; j < len(lines) && lines[j].UserID == first.UserID; j++ {
				t := RemindTraining{CourseTitle: lines[j].CourseTitle, CourseSlug: lines[j].Slug}
				if d := lines[j].DueAt; d != nil {
					t.DueDate, t.Overdue = d.In(s.loc).Format("January 2, 2006"), d.Before(day.Date)
				}
				data.Trainings = append(data.Trainings, t)
			}
			i = j
			open[first.UserID] = true
			queued, err := s.queueManualRemind(ctx, tx, actorID, first, data, day)
			if err != nil {
				return err
			}
			if queued {
				res.Queued++
			} else {
				res.AlreadySent++
			}
		}
		for _, id := range users {
			if !open[id] {
				res.NothingOpen++
			}
		}
		return nil
	})
	if err != nil {
		return RemindResult{}, err
	}
	return res, nil
}

// queueManualRemind renders and queues one person's reminder and audits
// it when it was added.
func (s *Service) queueManualRemind(ctx context.Context, tx *sqlx.Tx, actorID int64, to remindLine, data ManualRemindData, day Day) (bool, error) {
	rd, err := s.mail.Render(ManualRemindKind, data)
	if err != nil {
		return false, fmt.Errorf("report: remind: %w", err)
	}
	msg := rd.Message(ManualRemindKind, ManualRemindKey(to.UserID, day), to.Email)
	msg.UserID = &to.UserID
	queued, err := mail.Enqueue(ctx, tx, msg)
	if err != nil || !queued {
		return false, err
	}
	return true, store.Audit(ctx, tx, store.AuditEntry{ActorID: &actorID, Action: "user.remind", Entity: "user",
		EntityID: strconv.FormatInt(to.UserID, 10), OrgID: &to.OrgID,
		After: map[string]any{"kind": ManualRemindKind, "dedupe_key": msg.DedupeKey, "trainings": len(data.Trainings)}})
}

// distinct is ids without repeats.
func distinct(ids []int64) map[int64]bool {
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out
}
