package demo

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/store"
)

// skipPercent of required trainings are never done: they become overdue.
const skipPercent = 12

// planned is when a person completes an assignment in the demo's story,
// or the zero time for never: somewhere between two days after it opened
// and a quarter past its due window, so most are on time and some late.
// The facilitator passes their preparation course within ten days.
func (h *history) planned(email string, a store.LearnerAssignment) time.Time {
	hv := hashOf(email, a.Slug, a.Cycle)
	days := int(10 + hv%3)
	if email != h.facilitator || a.Slug != "facilitator-preparation" {
		if hv%100 < skipPercent {
			return time.Time{}
		}
		due := 60
		if a.DueAt != nil {
			due = max(7, int(a.DueAt.Sub(a.AssignedAt).Hours()/24))
		}
		days = 2 + int((hv/100)%uint64(due+due/4+5))
	}
	day := Today(a.AssignedAt, h.today.Location()).AddDate(0, 0, days)
	return day.Add(time.Duration(8+hv%9) * time.Hour)
}

// completeBetween writes every completion planned in [from, to), in time
// order, each at its own time.
func (h *history) completeBetween(ctx context.Context, from, to time.Time) error {
	type event struct {
		at   time.Time
		p    person
		slug string
	}
	var events []event
	for _, p := range h.ids {
		rows, err := h.s.Stores.Assignments.ForLearner(ctx, p.id)
		if err != nil {
			return err
		}
		for _, a := range rows {
			if a.Status != store.StatusOpen || a.Source == store.SourceSelf {
				continue
			}
			at := h.planned(p.email, a)
			if at.IsZero() || at.Before(from) || !at.Before(to) || !at.Before(h.today) {
				continue
			}
			events = append(events, event{at, p, a.Slug})
		}
	}
	sort.Slice(events, func(i, j int) bool {
		if !events[i].at.Equal(events[j].at) {
			return events[i].at.Before(events[j].at)
		}
		return events[i].p.id < events[j].p.id || (events[i].p.id == events[j].p.id && events[i].slug < events[j].slug)
	})
	for _, e := range events {
		h.s.Clock.Set(e.at)
		if err := h.complete(ctx, e.p.id, e.slug); err != nil {
			return fmt.Errorf("demo: %s completes %s: %w", e.p.email, e.slug, err)
		}
	}
	return nil
}

// complete takes a course as a learner does: every lesson opened, then
// the final check answered correctly. The completion, its certificate and
// its email follow in learning's transaction.
func (h *history) complete(ctx context.Context, userID int64, slug string) error {
	p, err := h.s.Learning.Player(ctx, userID, slug, 0)
	if errors.Is(err, learning.ErrNotAvailable) || errors.Is(err, learning.ErrNotAssigned) {
		return nil // a renewal cycle not open yet: a later month takes it
	}
	if err != nil {
		return err
	}
	for n := 1; n <= len(p.Course.Lessons); n++ {
		if _, err := h.s.Learning.Player(ctx, userID, slug, n); err != nil {
			return err
		}
	}
	cv, err := h.s.Learning.StartCheck(ctx, userID, slug)
	if errors.Is(err, learning.ErrNotAvailable) {
		return nil
	}
	if err != nil {
		return err
	}
	form := map[string][]string{}
	for _, shown := range cv.Questions {
		for _, q := range cv.Player.Course.Quiz {
			if q.ID != shown.ID {
				continue
			}
			for _, i := range q.Correct() {
				form[learning.FieldPrefix+q.ID] = append(form[learning.FieldPrefix+q.ID], strconv.Itoa(i))
			}
		}
	}
	sub, err := h.s.Learning.Submit(ctx, userID, slug, cv.Token, form)
	if err != nil {
		return err
	}
	if sub.CompletionID != 0 {
		h.res.Completions++
		if cv.Player.State.Cycle > 1 {
			h.res.Renewals++
		}
	}
	return nil
}
