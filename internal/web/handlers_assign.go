package web

import (
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/validate"
)

// assignForm is the assignment form as typed. UserID is set when the form
// was opened for one person (?user=, from a person's page).
type assignForm struct {
	learning.AssignForm
	PersonName string
}

// assignPage is the assignment form with its choices and errors.
type assignPage struct {
	Form    assignForm
	Errors  validate.Errors
	Courses []*catalog.Course
	Scopes  []store.Org // a manager's organizations, as a hint
}

// handleAssignForm shows the form to assign a course to a person or an
// organization subtree (?user= or ?org= preselect the target; one outside
// the viewer's scope is not found).
func (a *App) handleAssignForm(c *fiber.Ctx) error {
	f := assignForm{AssignForm: learning.AssignForm{Target: "person", Course: utils.CopyString(c.Query("course"))}}
	userID, err := queryID(c, "user")
	if err != nil {
		return err
	}
	orgID, err := queryID(c, "org")
	if err != nil {
		return err
	}
	if userID != 0 {
		u, err := a.assignee(c, userID)
		if err != nil {
			return err
		}
		f.UserID, f.PersonName, f.Email = u.ID, u.Name, u.Email
	}
	if orgID != 0 {
		o, err := a.learning.orgs.ByID(c.UserContext(), orgID)
		if err != nil {
			return err
		}
		ok, err := a.learning.svc.InScope(c.UserContext(), assignerOf(c), o.ID)
		if err != nil {
			return err
		}
		if !ok {
			return store.ErrNotFound
		}
		f.Target, f.Org = "org", o.Code
	}
	return a.renderAssign(c, fiber.StatusOK, f, nil)
}

// assignee is an active person the viewer may assign to, by id; anyone
// else is not found.
func (a *App) assignee(c *fiber.Ctx, id int64) (store.User, error) {
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

func (a *App) renderAssign(c *fiber.Ctx, status int, f assignForm, errs validate.Errors) error {
	p := assignPage{Form: f, Errors: errs, Courses: a.trainingCourses()}
	for _, id := range viewerOf(c).ScopeOrgs {
		o, err := a.learning.orgs.ByID(c.UserContext(), id)
		switch {
		case errors.Is(err, store.ErrNotFound):
			continue // a hint only: an organization gone from the scope is left out
		case err != nil:
			return err
		}
		p.Scopes = append(p.Scopes, o)
	}
	return a.render(c, status, "learning_assign", Page{Title: "Assign a course", Data: p})
}

// assignerOf is the signed-in person as the learning service's assigner.
func assignerOf(c *fiber.Ctx) learning.Assigner {
	v := viewerOf(c)
	return learning.Assigner{ID: v.ID, IsAdmin: v.IsAdmin, Scopes: v.ScopeOrgs}
}

// handleAssign assigns the course, audited, and reports what it did.
func (a *App) handleAssign(c *fiber.Ctx) error {
	f := assignForm{AssignForm: learning.AssignForm{Course: formValue(c, "course"), Target: formValue(c, "target"),
		Email: formText(c, "email"), Org: formText(c, "org"), Due: formValue(c, "due"), From: formValue(c, "from")}}
	userID, err := formID(c, "user")
	if err != nil {
		return err
	}
	if userID != 0 {
		u, err := a.assignee(c, userID)
		if err != nil {
			return err
		}
		f.UserID, f.PersonName, f.Email, f.Target = u.ID, u.Name, u.Email, "person"
	}
	m, err := a.learning.svc.CheckAssignment(c.UserContext(), assignerOf(c), f.AssignForm)
	if errs, ok := validate.As(err); ok {
		return a.renderAssign(c, fiber.StatusUnprocessableEntity, f, errs)
	}
	if err != nil {
		return err
	}
	res, err := a.learning.svc.AssignManual(c.UserContext(), m)
	if err != nil {
		return err
	}
	a.setFlash(c, fmt.Sprintf("Assigned to %d people. %d already had it open (their due date is now no later than this one). %d had already completed it.",
		res.Created+res.Reopened, res.Updated, res.Skipped))
	return c.Redirect("/manage/assign", fiber.StatusSeeOther)
}

// trainingCourses are the catalog's training courses, the ones a manager
// can assign.
func (a *App) trainingCourses() []*catalog.Course {
	var out []*catalog.Course
	for _, course := range a.cat.Courses {
		if course.Kind == catalog.KindTraining {
			out = append(out, course)
		}
	}
	return out
}
