package web

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/seed"
	"github.com/waymark/waymark/internal/store"
)

// requirementForm is the add form or one row's edit form as typed.
type requirementForm struct {
	Role, Course, DueDays, RenewalMonths string
	Optional                             bool
}

// requirementsPage is the matrix editor.
type requirementsPage struct {
	Rows    []store.Requirement
	Roles   []store.JobRole
	Courses []*catalog.Course
	Form    requirementForm   // the add form
	Errors  map[string]string // the add form's field errors
	RowID   int64             // the row whose edit failed
	RowForm requirementForm
	RowErr  map[string]string
}

// handleRequirements shows the requirements matrix with forms to add,
// change and remove requirements.
func (a *App) handleRequirements(c *fiber.Ctx) error {
	return a.renderRequirements(c, fiber.StatusOK, requirementsPage{Form: requirementForm{DueDays: "30"}})
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

// parseRequirementForm reads and checks a requirement form; withPair also
// checks the role and course (the add form).
func (a *App) parseRequirementForm(c *fiber.Ctx, withPair bool) (requirementForm, learning.RequirementChange, map[string]string) {
	f := requirementForm{Role: utils.CopyString(c.FormValue("role")), Course: utils.CopyString(c.FormValue("course")),
		DueDays:       strings.TrimSpace(utils.CopyString(c.FormValue("due_days"))),
		RenewalMonths: strings.TrimSpace(utils.CopyString(c.FormValue("renewal_months"))), Optional: c.FormValue("optional") == "on"}
	errs := map[string]string{}
	ch := learning.RequirementChange{Role: f.Role, CourseSlug: f.Course, Optional: f.Optional}
	if withPair {
		if _, ok := a.roleMap[f.Role]; !ok {
			errs["role"] = "Choose a job role."
		}
		if course := a.cat.Get(f.Course); course == nil || course.Kind != catalog.KindTraining {
			errs["course"] = "Choose a training course."
		}
	}
	n, err := strconv.Atoi(f.DueDays)
	if err != nil || n < 1 || n > seed.MaxDueDays {
		errs["due_days"] = fmt.Sprintf("Enter the number of days, from 1 to %d.", seed.MaxDueDays)
	}
	ch.DueDays = n
	if f.RenewalMonths != "" {
		m, err := strconv.Atoi(f.RenewalMonths)
		if err != nil || m < 0 || m > 120 {
			errs["renewal_months"] = "Enter months from 0 to 120, or leave it empty to use the course's own period."
		}
		ch.RenewalMonths = &m
	}
	return f, ch, errs
}

// handleRequirementAdd adds a role × course requirement and assigns the
// course to everyone with the role.
func (a *App) handleRequirementAdd(c *fiber.Ctx) error {
	f, ch, errs := a.parseRequirementForm(c, true)
	if len(errs) == 0 {
		_, changes, err := a.learning.svc.AddRequirement(c.UserContext(), viewerOf(c).ID, ch)
		switch {
		case errors.Is(err, store.ErrConflict):
			errs["course"] = "This role already has this course. Change the existing row instead."
		case err != nil:
			return learningErr(err)
		default:
			a.setFlash(c, fmt.Sprintf("Requirement added. %d people were assigned the course.", changes.Created+changes.Reopened))
			return c.Redirect("/admin/requirements", fiber.StatusSeeOther)
		}
	}
	return a.renderRequirements(c, fiber.StatusUnprocessableEntity, requirementsPage{Form: f, Errors: errs})
}

// handleRequirementUpdate changes a requirement's due days, renewal and
// whether it is optional.
func (a *App) handleRequirementUpdate(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return store.ErrNotFound
	}
	f, ch, errs := a.parseRequirementForm(c, false)
	if len(errs) > 0 {
		return a.renderRequirements(c, fiber.StatusUnprocessableEntity, requirementsPage{Form: requirementForm{DueDays: "30"},
			RowID: id, RowForm: f, RowErr: errs})
	}
	changes, err := a.learning.svc.UpdateRequirement(c.UserContext(), viewerOf(c).ID, id, ch)
	if err != nil {
		return learningErr(err)
	}
	a.setFlash(c, fmt.Sprintf("Requirement changed. %d people were assigned the course; %d open assignments were withdrawn.",
		changes.Created+changes.Reopened, changes.Withdrawn))
	return c.Redirect("/admin/requirements", fiber.StatusSeeOther)
}

// handleRequirementRemove retires a requirement; open assignments that no
// other role requires are withdrawn, completions stay.
func (a *App) handleRequirementRemove(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return store.ErrNotFound
	}
	changes, err := a.learning.svc.RemoveRequirement(c.UserContext(), viewerOf(c).ID, id)
	if err != nil {
		return learningErr(err)
	}
	a.setFlash(c, fmt.Sprintf("Requirement removed. %d open assignments were withdrawn; completed training stays on record.", changes.Withdrawn))
	return c.Redirect("/admin/requirements", fiber.StatusSeeOther)
}
