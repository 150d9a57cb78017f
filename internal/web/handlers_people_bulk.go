package web

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/report"
	"github.com/waymark/waymark/internal/validate"
)

// bulkSelection reads who a bulk action on the people list is for: the
// checked people, or everyone the filter matches ("all"), resolved to the
// people of the viewer's view. An organization filter outside the view
// is not found.
func (a *App) bulkSelection(c *fiber.Ctx) ([]int64, report.View, error) {
	users, err := formIDs(c, "user")
	if err != nil {
		return nil, report.View{}, err
	}
	org, err := formID(c, "org")
	if err != nil {
		return nil, report.View{}, err
	}
	course, err := formID(c, "course_filter")
	if err != nil {
		return nil, report.View{}, err
	}
	f, err := reportFilterOf(func(k string) string { return formValue(c, k) }, org, course, 1)
	if err != nil {
		return nil, report.View{}, err
	}
	v, err := a.reportView(c, 0)
	if err != nil {
		return nil, v, err
	}
	ids, err := a.reports.svc.SelectPeople(c.UserContext(), v, report.Selection{Users: users, All: c.FormValue("all") == "1", Filter: f})
	return ids, v, err
}

// handleBulkRemind sends each selected person one reminder about their
// open training (at most one a day each) and says what it did.
func (a *App) handleBulkRemind(c *fiber.Ctx) error {
	back := reportsBack(formValue(c, "back"))
	ids, v, err := a.bulkSelection(c)
	if empty, err := a.noOneToAct(c, ids, err, "no reminder was sent"); empty || err != nil {
		return orBack(c, back, err)
	}
	res, err := a.reports.svc.RemindPeople(c.UserContext(), v, viewerOf(c).ID, ids)
	if err != nil {
		return err
	}
	a.setFlash(c, remindSummary(res))
	return c.Redirect(back, fiber.StatusSeeOther)
}

// remindSummary says what a bulk reminder queued and skipped.
func remindSummary(r report.RemindResult) string {
	parts := []string{fmt.Sprintf("Reminders queued: %s.", thousands(r.Queued))}
	if r.AlreadySent > 0 {
		parts = append(parts, fmt.Sprintf("Skipped %s already reminded today (Waymark sends each person at most one a day).", peopleCount(r.AlreadySent)))
	}
	if r.NothingOpen > 0 {
		parts = append(parts, fmt.Sprintf("Skipped %s with no open training.", peopleCount(r.NothingOpen)))
	}
	return strings.Join(parts, " ")
}

func peopleCount(n int) string {
	if n == 1 {
		return "1 person"
	}
	return thousands(n) + " people"
}

// handleBulkAssign assigns a course to each selected person through the
// learning service's manual assignment (its checks and its audit entry,
// one per person) and says what it did.
func (a *App) handleBulkAssign(c *fiber.Ctx) error {
	back := reportsBack(formValue(c, "back"))
	ids, _, err := a.bulkSelection(c)
	if empty, err := a.noOneToAct(c, ids, err, "nothing was assigned"); empty || err != nil {
		return orBack(c, back, err)
	}
	form := learning.AssignForm{Target: "person", UserID: ids[0], Course: formValue(c, "assign_course"), Due: formValue(c, "due")}
	m, err := a.learning.svc.CheckAssignment(c.UserContext(), assignerOf(c), form)
	if errs, ok := validate.As(err); ok {
		a.setFlash(c, "Nothing was assigned: "+errs.Messages())
		return c.Redirect(back, fiber.StatusSeeOther)
	}
	if err != nil {
		return err
	}
	var total learning.AssignResult
	for _, id := range ids {
		m.UserID = id
		res, err := a.learning.svc.AssignManual(c.UserContext(), m)
		if err != nil {
			return err
		}
		total.Created += res.Created
		total.Reopened += res.Reopened
		total.Updated += res.Updated
		total.Skipped += res.Skipped
	}
	a.setFlash(c, fmt.Sprintf("Assigned to %s. %s already had it open (their due date is now no later than this one). %s had already completed it.",
		peopleCount(total.Created+total.Reopened), peopleCount(total.Updated), peopleCount(total.Skipped)))
	return c.Redirect(back, fiber.StatusSeeOther)
}

// noOneToAct handles a selection a bulk action cannot act on: too many
// people or none (a notice saying nothing happened, and true), or an error.
func (a *App) noOneToAct(c *fiber.Ctx, ids []int64, err error, nothing string) (bool, error) {
	switch {
	case errors.Is(err, report.ErrTooMany):
		a.setFlash(c, fmt.Sprintf("That is more than %s people, so %s. Narrow the filters and try again.", thousands(report.MaxSelection), nothing))
		return true, nil
	case err != nil:
		return false, err
	case len(ids) == 0:
		a.setFlash(c, "No one was selected, so "+nothing+". Check people in the table, or everyone these filters match.")
		return true, nil
	}
	return false, nil
}

// orBack returns err, or without one goes back to the people list.
func orBack(c *fiber.Ctx, back string, err error) error {
	if err != nil {
		return err
	}
	return c.Redirect(back, fiber.StatusSeeOther)
}
