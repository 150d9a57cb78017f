package web

import (
	"fmt"
	"sort"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/validate"
)

// requirementsPage is the matrix editor.
type requirementsPage struct {
	Rows    []store.Requirement
	Roles   []store.JobRole
	Courses []*catalog.Course
	Form    learning.RequirementForm // the add form
	Errors  validate.Errors          // the add form's field errors
	RowID   int64                    // the row whose edit failed
	RowForm learning.RequirementForm
	RowErr  validate.Errors
}

// handleRequirements shows the requirements matrix with forms to add,
// change and remove requirements.
func (a *App) handleRequirements(c *fiber.Ctx) error {
	return a.renderRequirements(c, fiber.StatusOK, requirementsPage{Form: learning.RequirementForm{DueDays: "30"}})
}

func (a *App) renderRequirements(c *fiber.Ctx, status int, p requirementsPage) error {
	rows, err := a.learning.svc.Requirements(c.UserContext())
	if err != nil {
		return err
	}
	sort.SliceStable(rows, func(i, j int) bool {
		ri, rj := a.roleName(rows[i].RoleCode), a.roleName(rows[j].RoleCode)
		if ri != rj {
			return ri < rj
		}
		return rows[i].CourseSlug < rows[j].CourseSlug
	})
	p.Rows, p.Roles = rows, a.roles
	for _, course := range a.cat.Courses {
		if course.Kind == catalog.KindTraining {
			p.Courses = append(p.Courses, course)
		}
	}
	return a.render(c, status, "learning_requirements", Page{Title: "Requirements matrix", Data: p})
}

// requirementFormOf reads a requirement form as typed.
func requirementFormOf(c *fiber.Ctx) learning.RequirementForm {
	return learning.RequirementForm{Role: formValue(c, "role"), Course: formValue(c, "course"),
		DueDays: formText(c, "due_days"), RenewalMonths: formText(c, "renewal_months"), Optional: c.FormValue("optional") == "on"}
}

// handleRequirementAdd adds a role × course requirement and assigns the
// course to everyone with the role.
func (a *App) handleRequirementAdd(c *fiber.Ctx) error {
	ctx, f := c.UserContext(), requirementFormOf(c)
	ch, err := a.learning.svc.CheckRequirement(ctx, f, true)
	if err == nil {
		var changes learning.Changes
		if _, changes, err = a.learning.svc.AddRequirement(ctx, viewerOf(c).ID, ch); err == nil {
			a.setFlash(c, fmt.Sprintf("Requirement added. %d people were assigned the course.", changes.Created+changes.Reopened))
			return c.Redirect("/admin/requirements", fiber.StatusSeeOther)
		}
	}
	errs, ok := validate.As(err)
	if !ok {
		return err
	}
	return a.renderRequirements(c, fiber.StatusUnprocessableEntity, requirementsPage{Form: f, Errors: errs})
}

// handleRequirementUpdate changes a requirement's due days, renewal and
// whether it is optional.
func (a *App) handleRequirementUpdate(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	f := requirementFormOf(c)
	ch, err := a.learning.svc.CheckRequirement(c.UserContext(), f, false)
	if errs, ok := validate.As(err); ok {
		return a.renderRequirements(c, fiber.StatusUnprocessableEntity, requirementsPage{Form: learning.RequirementForm{DueDays: "30"},
			RowID: id, RowForm: f, RowErr: errs})
	}
	if err != nil {
		return err
	}
	changes, err := a.learning.svc.UpdateRequirement(c.UserContext(), viewerOf(c).ID, id, ch)
	if err != nil {
		return err
	}
	a.setFlash(c, fmt.Sprintf("Requirement changed. %d people were assigned the course; %d open assignments were withdrawn.",
		changes.Created+changes.Reopened, changes.Withdrawn))
	return c.Redirect("/admin/requirements", fiber.StatusSeeOther)
}

// handleRequirementRemove retires a requirement; open assignments that no
// other role requires are withdrawn, completions stay.
func (a *App) handleRequirementRemove(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	changes, err := a.learning.svc.RemoveRequirement(c.UserContext(), viewerOf(c).ID, id)
	if err != nil {
		return err
	}
	a.setFlash(c, fmt.Sprintf("Requirement removed. %d open assignments were withdrawn; completed training stays on record.", changes.Withdrawn))
	return c.Redirect("/admin/requirements", fiber.StatusSeeOther)
}
