package remind

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/store"
)

// What a kind of message needs checked and rendered at send time.
type kindRule struct {
	check    string // "open": the assignment must still be open; "lapsing": the completion not yet renewed
	due      int    // for "open": -1 the due date must still be ahead, +1 passed, 0 either
	template string // rendered here when the row was queued without a body
}

func ruleFor(kind string) (kindRule, bool) {
	switch {
	case strings.HasPrefix(kind, "reminder.due-"):
		return kindRule{check: "open", due: -1, template: "reminder-due"}, true
	case strings.HasPrefix(kind, "reminder.overdue-"):
		return kindRule{check: "open", due: +1, template: "reminder-overdue"}, true
	case strings.HasPrefix(kind, "reminder.manager-overdue-"):
		return kindRule{check: "open", due: +1, template: "reminder-manager-overdue"}, true
	case strings.HasPrefix(kind, "reminder.expiring-"):
		return kindRule{check: "lapsing", template: "reminder-expiring"}, true
	case kind == "nudge" || strings.HasPrefix(kind, "nudge."):
		return kindRule{check: "open"}, true
	case kind == "digest", kind == "manual-remind": // a deactivated recipient is dropped
		return kindRule{}, true
	}
	return kindRule{}, false
}

type (
	assignmentFacts = store.ReminderFacts
	recipient       = store.Recipient
)

// Prepare is the sender's send-time hook. For reminders, nudges and digests
// it re-reads the facts and drops what no longer applies: work completed or
// withdrawn since it was queued, a due date that moved, a credit already
// renewed, a deactivated account. Reminders queued without a body are
// rendered from today's facts. Other kinds pass untouched.
func (s *Service) Prepare(ctx context.Context, batch []*mail.Outgoing) error {
	var aids, uids []int64
	for _, o := range batch {
		if _, ok := ruleFor(o.Kind); !ok {
			continue
		}
		if o.AssignmentID != nil {
			aids = append(aids, *o.AssignmentID)
		}
		if o.UserID != nil {
			uids = append(uids, *o.UserID)
		}
	}
	if len(aids) == 0 && len(uids) == 0 {
		return nil
	}
	facts, people, err := s.load(ctx, aids, uids)
	if err != nil {
		return err
	}
	now := s.Now()
	for _, o := range batch {
		rule, ok := ruleFor(o.Kind)
		if !ok {
			continue
		}
		var f *assignmentFacts
		if o.AssignmentID != nil {
			f = facts[*o.AssignmentID]
		}
		var to *recipient
		if o.UserID != nil {
			to = people[*o.UserID]
		}
		if o.Drop = stale(rule, f, to, now); o.Drop != "" || rule.template == "" || o.HTML != "" {
			continue
		}
		if err := s.render(o, rule, f, to, now); err != nil {
			return err
		}
	}
	return nil
}

// stale returns why a message no longer applies, or "".
func stale(rule kindRule, f *assignmentFacts, to *recipient, now time.Time) string {
	if to != nil && to.Gone {
		return "the recipient's account is deactivated"
	}
	if rule.check == "" {
		return ""
	}
	switch {
	case f == nil:
		return "the assignment no longer exists"
	case f.LearnerGone:
		return "the learner's account is deactivated"
	case rule.check == "lapsing" && f.Renewed:
		return "the training was completed again"
	case rule.check == "lapsing" && (f.ExpiresAt == nil || !f.ExpiresAt.After(now)):
		return "the credit has already lapsed"
	case rule.check == "open" && f.Status != "open":
		return "the assignment was " + f.Status + " after the reminder was queued"
	case rule.check == "open" && rule.due < 0 && (f.DueAt == nil || !f.DueAt.After(now)):
		return "the due date has passed; overdue reminders take over"
	case rule.check == "open" && rule.due > 0 && (f.DueAt == nil || f.DueAt.After(now)):
		return "the due date moved"
	}
	return ""
}

// load reads the facts for a batch: two indexed queries.
func (s *Service) load(ctx context.Context, aids, uids []int64) (map[int64]*assignmentFacts, map[int64]*recipient, error) {
	fs, err := store.ReminderFactsOf(ctx, s.DB, aids)
	if err != nil {
		return nil, nil, fmt.Errorf("remind: send-time facts: %w", err)
	}
	ps, err := store.RecipientsOf(ctx, s.DB, uids)
	if err != nil {
		return nil, nil, fmt.Errorf("remind: send-time recipients: %w", err)
	}
	facts, people := map[int64]*assignmentFacts{}, map[int64]*recipient{}
	for _, f := range fs {
		facts[f.ID] = f
	}
	for _, p := range ps {
		people[p.ID] = p
	}
	return facts, people, nil
}

// reminderData is what templates/email/reminder-*.* see as .Data.
type reminderData struct {
	Name    string // the recipient
	Learner string // for managers: the person whose training is overdue
	Course  string
	Date    string // due or lapse date, "Tuesday, March 24, 2026"
	Days    int    // days left, or days overdue
}

func (s *Service) render(o *mail.Outgoing, rule kindRule, f *assignmentFacts, to *recipient, now time.Time) error {
	if f == nil || to == nil {
		o.Drop = "the recipient or the assignment is missing"
		return nil
	}
	anchor := f.DueAt
	if rule.check == "lapsing" {
		anchor = f.ExpiresAt
	}
	d := reminderData{Name: to.Name, Learner: f.LearnerName, Course: f.Course}
	if anchor != nil {
		d.Date = anchor.In(s.loc()).Format("Monday, January 2, 2006")
		d.Days = calendarDays(now.In(s.loc()), anchor.In(s.loc()))
		if d.Days < 0 {
			d.Days = -d.Days
		}
	}
	out, err := s.Mail.Render(rule.template, d)
	if err != nil {
		return err
	}
	o.To, o.Subject, o.Text, o.HTML, o.Rendered = to.Email, out.Subject, out.Text, out.HTML, true
	return nil
}

// calendarDays counts local calendar days from a to b.
func calendarDays(a, b time.Time) int {
	da := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da) / day)
}
