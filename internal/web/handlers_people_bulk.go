package web

import (
	"errors"
	"fmt"
	"sort"
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
	switch {
	case errors.Is(err, report.ErrTooMany):
		a.setFlash(c, fmt.Sprintf("That is more than %s people. Narrow the filters and send again.", thousands(report.MaxSelection)))
		return c.Redirect(back, fiber.StatusSeeOther)
	case err != nil:
		return err
	case len(ids) == 0:
		a.setFlash(c, "No one was selected, so no reminder was sent. Check the people to remind, or everyone in this filter.")
		return c.Redirect(back, fiber.StatusSeeOther)
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
	switch {
	case errors.Is(err, report.ErrTooMany):
		a.setFlash(c, fmt.Sprintf("That is more than %s people. Narrow the filters and assign again.", thousands(report.MaxSelection)))
		return c.Redirect(back, fiber.StatusSeeOther)
	case err != nil:
		return err
	case len(ids) == 0:
		a.setFlash(c, "No one was selected, so nothing was assigned. Check the people to assign, or everyone in this filter.")
		return c.Redirect(back, fiber.StatusSeeOther)
	}
	form := learning.AssignForm{Target: "person", UserID: ids[0], Course: formValue(c, "assign_course"), Due: formValue(c, "due")}
	m, err := a.learning.svc.CheckAssignment(c.UserContext(), assignerOf(c), form)
	if errs, ok := validate.As(err); ok {
		a.setFlash(c, "Nothing was assigned: "+errsText(errs))
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

// errsText joins field errors into one sentence list, in field order.
func errsText(errs validate.Errors) string {
	keys := make([]string, 0, len(errs))
	for k := range errs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = errs[k]
	}
	return strings.Join(out, " ")
}
