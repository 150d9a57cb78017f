// Package demo writes the demo: the organizations and logins of
// seeds/demo.yaml, more staff in each organization, and a believable year
// of their training written through the real services on a fake clock —
// assignments a year old, completions (with their certificates) spread
// over the months, some late, some never done, renewal cycles, one
// certificate revoked, a facilitator's prevention classes with logged
// sessions and survey tallies, and reminder sweeps. Every choice comes
// from a hash of what it concerns, so two runs on the same day give the
// same figures, and a second run adds nothing.
package demo

import (
	"context"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/waymark/waymark/internal/certificate"
	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/prevention"
	"github.com/waymark/waymark/internal/remind"
	"github.com/waymark/waymark/internal/store"
)

// Services are the real services the history is written through, all
// built over Clock.
type Services struct {
	Clock        *Clock
	Stores       *store.Stores
	People       *people.Service
	Learning     *learning.Service
	Certificates *certificate.Service
	Prevention   *prevention.Service
	Remind       *remind.Service
}

// Result is what a run wrote.
type Result struct {
	Logins       people.DemoResult
	StaffCreated int
	Completions  int
	Renewals     int // completions of a second or later cycle
	Revoked      int
	Sessions     int // prevention sessions logged
	Reminders    int // reminder emails queued by the sweeps
}

// Today is the day the history leads up to: midnight of now in loc.
func Today(now time.Time, loc *time.Location) time.Time {
	y, m, d := now.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// Seed writes the demo up to today (midnight, in the program's zone).
func Seed(ctx context.Context, s Services, d people.Demo, today time.Time) (Result, error) {
	var res Result
	start := today.AddDate(0, -13, 0)
	at := func(t time.Time, hour int) { s.Clock.Set(t.Add(time.Duration(hour) * time.Hour)) }

	// The logins and most staff joined thirteen months ago, some four
	// months later, a few in the last weeks (their first courses are due
	// soon).
	at(start, 9)
	logins, err := s.People.SeedDemo(ctx, d)
	if err != nil {
		return res, err
	}
	res.Logins = logins
	staff := Staff(d)
	for _, c := range []struct {
		cohort int
		when   time.Time
	}{{0, start}, {1, start.AddDate(0, 4, 0)}, {2, today.AddDate(0, 0, -18)}} {
		at(c.when, 9)
		r, err := s.People.SeedDemo(ctx, people.Demo{Password: d.Password, People: staff[c.cohort]})
		if err != nil {
			return res, err
		}
		res.StaffCreated += r.PeopleCreated
	}
	ids, err := personIDs(ctx, s.Stores, d, staff)
	if err != nil {
		return res, err
	}
	h := &history{s: s, today: today, start: start, ids: ids, res: &res, facilitator: facilitatorOf(d)}
	if err := h.months(ctx); err != nil {
		return res, err
	}
	if err := h.revokeOne(ctx, d); err != nil {
		return res, err
	}
	if err := h.prevention(ctx, d); err != nil {
		return res, err
	}
	s.Clock.Set(time.Time{})
	return res, nil
}

// history is one run's state.
type history struct {
	s            Services
	today, start time.Time
	ids          []person
	facilitator  string
	res          *Result
}

type person struct {
	id    int64
	email string
}

// months walks the year a month at a time: renewal cycles open, the
// reminder sweep runs, and each completion planned in the month is
// written at its own time.
func (h *history) months(ctx context.Context) error {
	for m := 0; ; m++ {
		from := h.start.AddDate(0, m, 0)
		if !from.Before(h.today) {
			// Today's renewal cycles, as serve opens them at start.
			h.s.Clock.Set(time.Time{})
			_, err := h.s.Learning.OpenRenewals(ctx, h.s.Clock.Now())
			return err
		}
		to := h.start.AddDate(0, m+1, 0)
		if to.After(h.today) {
			to = h.today
		}
		h.s.Clock.Set(from.Add(10 * time.Hour))
		if _, err := h.s.Learning.OpenRenewals(ctx, h.s.Clock.Now()); err != nil {
			return err
		}
		sw, err := h.s.Remind.Sweep(ctx)
		if err != nil {
			return err
		}
		h.res.Reminders += sw.Total()
		if err := h.completeBetween(ctx, from, to); err != nil {
			return err
		}
	}
}

// hashOf is a stable pseudo-random number for a choice.
func hashOf(parts ...any) uint64 {
	f := fnv.New64a()
	fmt.Fprint(f, parts...)
	return f.Sum64()
}

// facilitatorOf is the email of the demo's first facilitator login.
func facilitatorOf(d people.Demo) string {
	for _, p := range d.People {
		if p.Facilitator {
			return p.Email
		}
	}
	return ""
}
