package web

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/store"
)

// assignForm is the assignment form as typed. UserID is set when the form
// was opened for one person (?user=, from a person's page).
type assignForm struct {
	Course, Target, Email, Org, Due, From string
	UserID                                int64
	PersonName                            string
}

// assignPage is the assignment form with its choices and errors.
type assignPage struct {
	Form    assignForm
	Errors  map[string]string
	Courses []*catalog.Course
	Scopes  []store.Org // a manager's organizations, as a hint
}

// handleAssignForm shows the form to assign a course to a person or an
// organization subtree (?user= or ?org= preselect the target; one outside
// the viewer's scope is not found).
func (a *App) handleAssignForm(c *fiber.Ctx) error {
	f := assignForm{Target: "person", Course: utils.CopyString(c.Query("course"))}
	if raw := c.Query("user"); raw != "" {
		u, err := a.assignee(c, raw)
		if err != nil {
			return err
		}
		f.UserID, f.PersonName, f.Email = u.ID, u.Name, u.Email
	}
	if raw := c.Query("org"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return store.ErrNotFound
		}
		o, err := a.learning.orgs.ByID(c.UserContext(), id)
		if err != nil || !a.orgInScope(c, o.ID) {
			return store.ErrNotFound
		}
		f.Target, f.Org = "org", o.Code
	}
	return a.renderAssign(c, fiber.StatusOK, f, nil)
}

// assignee is an active person the viewer may assign to, by id; anyone
// else is not found.
func (a *App) assignee(c *fiber.Ctx, raw string) (store.User, error) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return store.User{}, store.ErrNotFound
	}
	ok, err := a.users.CanSee(c.UserContext(), viewerOf(c).ID, id)
	if err != nil {
		return store.User{}, err
	}
	if !ok {
		return store.User{}, store.ErrNotFound
	}
	u, err := a.users.ByID(c.UserContext(), id)
	if err == nil && !u.Active() {
		err = store.ErrNotFound
	}
	return u, err
}

func (a *App) renderAssign(c *fiber.Ctx, status int, f assignForm, errs map[string]string) error {
	p := assignPage{Form: f, Errors: errs}
	for _, course := range a.cat.Courses {
		if course.Kind == catalog.KindTraining {
			p.Courses = append(p.Courses, course)
		}
	}
	for _, id := range viewerOf(c).ScopeOrgs {
		if o, err := a.learning.orgs.ByID(c.UserContext(), id); err == nil {
			p.Scopes = append(p.Scopes, o)
		}
	}
	return a.render(c, status, "learning_assign", Page{Title: "Assign a course", Data: p})
}

func (a *App) orgInScope(c *fiber.Ctx, orgID int64) bool {
	v := viewerOf(c)
	if v.IsAdmin {
		return true
	}
	ok, err := a.learning.orgs.InSubtree(c.UserContext(), orgID, v.ScopeOrgs)
	return err == nil && ok
}

// handleAssign assigns the course, audited, and reports what it did.
func (a *App) handleAssign(c *fiber.Ctx) error {
	f := assignForm{Course: utils.CopyString(c.FormValue("course")), Target: utils.CopyString(c.FormValue("target")),
		Email: strings.TrimSpace(utils.CopyString(c.FormValue("email"))), Org: strings.TrimSpace(utils.CopyString(c.FormValue("org"))),
		Due: utils.CopyString(c.FormValue("due")), From: utils.CopyString(c.FormValue("from"))}
	if raw := c.FormValue("user"); raw != "" {
		u, err := a.assignee(c, raw)
		if err != nil {
			return err
		}
		f.UserID, f.PersonName, f.Email, f.Target = u.ID, u.Name, u.Email, "person"
	}
	m, errs := a.parseAssign(c, f)
	if len(errs) > 0 {
		return a.renderAssign(c, fiber.StatusUnprocessableEntity, f, errs)
	}
	res, err := a.learning.svc.AssignManual(c.UserContext(), m)
	if errors.Is(err, learning.ErrNotAssignable) {
		return a.renderAssign(c, fiber.StatusUnprocessableEntity, f, map[string]string{"course": "Choose a training course."})
	}
	if err != nil {
		return err
	}
	a.setFlash(c, fmt.Sprintf("Assigned to %d people. %d already had it open (their due date is now no later than this one). %d had already completed it.",
		res.Created+res.Reopened, res.Updated, res.Skipped))
	return c.Redirect("/manage/assign", fiber.StatusSeeOther)
}

// parseAssign checks the form and the viewer's scope. A person or
// organization outside the scope gets the same answer as one that does not
// exist.
func (a *App) parseAssign(c *fiber.Ctx, f assignForm) (learning.ManualAssignment, map[string]string) {
	ctx, v := c.UserContext(), viewerOf(c)
	m := learning.ManualAssignment{ActorID: v.ID, CourseSlug: f.Course}
	errs := map[string]string{}
	if course := a.cat.Get(f.Course); course == nil || course.Kind != catalog.KindTraining {
		errs["course"] = "Choose a training course."
	}
	switch {
	case f.UserID != 0:
		m.UserID = f.UserID // checked by assignee
	case f.Target == "person":
		u, err := a.users.ByEmail(ctx, f.Email)
		ok := false
		if err == nil && u.Active() {
			ok, _ = a.users.CanSee(ctx, v.ID, u.ID)
		}
		if !ok {
			errs["email"] = "Enter the email of a person in the organizations you manage."
		}
		m.UserID = u.ID
	case f.Target == "org":
		o, err := a.learning.orgs.ByCode(ctx, strings.ToUpper(f.Org))
		if err != nil || o.DeactivatedAt != nil || !a.orgInScope(c, o.ID) {
			errs["org"] = "Enter the code of an organization you manage."
		}
		m.OrgID = o.ID
	default:
		errs["target"] = "Choose a person or an organization."
	}
	today := a.now().In(a.cfg.Location)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, a.cfg.Location)
	due, err := time.ParseInLocation("2006-01-02", f.Due, a.cfg.Location)
	if err != nil || due.Before(today) {
		errs["due"] = "Enter a due date that is today or later."
	}
	m.DueAt = time.Date(due.Year(), due.Month(), due.Day(), 23, 59, 59, 0, a.cfg.Location) // the end of the day
	if f.From != "" {
		from, err := time.ParseInLocation("2006-01-02", f.From, a.cfg.Location)
		if err != nil || from.After(due) {
			errs["from"] = "Enter a date on or before the due date, or leave it empty to open the course now."
		}
		m.AvailableFrom = from
	}
	return m, errs
}
