package demo

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/prevention"
)

// demoClass is a class the facilitator keeps: the sessions logged (of the
// curriculum's), weekly from its first, and whether the post-survey is in.
type demoClass struct {
	name     string
	org      string
	students int
	first    int // days before today of session 1
	logged   int // sessions logged; 0: all
	post     bool
}

var demoClasses = []demoClass{
	{name: "Grade 9 advisory (spring)", org: "SPFLD-CENTRAL-HS", students: 26, first: 250, post: true},
	{name: "Grade 10 health, period 3", org: "SPFLD-CENTRAL-HS", students: 24, first: 45, logged: 5},
}

const curriculum = "youth-prevention-9-12"

// prevention has the demo's facilitator (who passed the preparation
// course early in the year) keep two classes: one delivered in full last
// spring with pre- and post-survey tallies, one under way with sessions
// still to log.
func (h *history) prevention(ctx context.Context, d people.Demo) error {
	var fac person
	for _, p := range h.ids {
		if p.email == h.facilitator {
			fac = p
		}
	}
	if fac.id == 0 {
		return nil
	}
	u, err := h.s.Stores.Users.ByID(ctx, fac.id)
	if err != nil {
		return err
	}
	actor := prevention.Actor{UserID: fac.id, OrgID: u.OrgID}
	cur, err := h.s.Prevention.Course(curriculum)
	if err != nil {
		return err
	}
	mine, err := h.s.Prevention.MyClasses(ctx, actor)
	if err != nil {
		return err
	}
	for _, dc := range demoClasses {
		classID := int64(0)
		for _, c := range mine {
			if c.Name == dc.name {
				classID = c.ID
			}
		}
		day := func(n int) time.Time { return h.today.AddDate(0, 0, -dc.first+7*(n-1)) }
		if classID == 0 {
			h.s.Clock.Set(day(1).AddDate(0, 0, -10).Add(14 * time.Hour))
			classID, err = h.s.Prevention.CreateClass(ctx, actor, prevention.ClassForm{OrgCode: dc.org, Name: dc.name,
				GradeBand: prevention.Band912, StudentCount: strconv.Itoa(dc.students), Curriculum: "course:" + curriculum,
				ContactName: "Jasmine Carter", ContactPhone: "413-555-0142", InspectWhere: "Counseling office, room 114"})
			if err != nil {
				return fmt.Errorf("demo: class %s: %w", dc.name, err)
			}
			h.s.Clock.Set(day(1).Add(8 * time.Hour))
			if err := h.s.Prevention.SaveTally(ctx, actor, classID, "pre", survey(cur, dc, "pre")); err != nil {
				return fmt.Errorf("demo: pre-survey of %s: %w", dc.name, err)
			}
		}
		done, err := h.s.Prevention.Deliveries(ctx, classID)
		if err != nil {
			return err
		}
		logged := map[int]bool{}
		for _, dl := range done {
			logged[dl.Session] = true
		}
		last := len(cur.Sessions)
		if dc.logged > 0 {
			last = dc.logged
		}
		for n := 1; n <= last; n++ {
			if logged[n] || !day(n).Before(h.today) {
				continue
			}
			h.s.Clock.Set(day(n).Add(15 * time.Hour))
			if _, err := h.s.Prevention.LogDelivery(ctx, actor, classID, n, delivery(cur.Sessions[n-1], dc, n, day(n))); err != nil {
				return fmt.Errorf("demo: %s session %d: %w", dc.name, n, err)
			}
			h.res.Sessions++
		}
		if dc.post && !logged[last] {
			h.s.Clock.Set(day(last).Add(16 * time.Hour))
			if err := h.s.Prevention.SaveTally(ctx, actor, classID, "post", survey(cur, dc, "post")); err != nil {
				return fmt.Errorf("demo: post-survey of %s: %w", dc.name, err)
			}
		}
	}
	return nil
}

// delivery is one session's record: most core components in full, now
// and then one only partly.
func delivery(s prevention.Session, dc demoClass, n int, on time.Time) prevention.DeliveryForm {
	hv := hashOf(dc.name, n)
	f := prevention.DeliveryForm{Date: on.Format(time.DateOnly), Minutes: strconv.Itoa(45 + int(hv%3)*5),
		Attendance: strconv.Itoa(dc.students - int(hv%4)), Marks: map[string]string{}}
	for i, c := range s.Components {
		f.Marks[c.Key] = "delivered"
		if hashOf(dc.name, n, i)%6 == 0 {
			f.Marks[c.Key] = "partly"
		}
	}
	if hv%5 == 0 {
		f.Adaptations = "Shortened the role-play to fit a fire drill."
	}
	return f
}

// survey is a phase's tallies: about half right before the series, most
// after it.
func survey(cur prevention.Curriculum, dc demoClass, phase string) prevention.SurveyForm {
	n := dc.students - 2
	right := n / 2
	if phase == "post" {
		right = n * 4 / 5
	}
	f := prevention.SurveyForm{Respondents: strconv.Itoa(n), Counts: map[string][]string{}}
	for qi, q := range cur.Survey {
		counts := make([]string, len(q.Options))
		r := right + int(hashOf(dc.name, phase, qi)%3) - 1
		for i := range q.Options {
			c := (n - r) / max(1, len(q.Options)-1)
			if i == q.Correct {
				c = r
			}
			counts[i] = strconv.Itoa(c)
		}
		f.Counts[q.ID] = counts
	}
	return f
}
