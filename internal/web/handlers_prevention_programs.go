package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/prevention"
	"github.com/waymark/waymark/internal/validate"
)

// handlePrograms lists the registered licensed programs.
func (a *App) handlePrograms(c *fiber.Ctx) error {
	progs, err := a.prevention.svc.Programs(c.UserContext(), true)
	if err != nil {
		return err
	}
	return a.renderPrevention(c, fiber.StatusOK, "prevention_programs", "Licensed prevention programs",
		programsPage{Programs: progs})
}

func programFormOf(c *fiber.Ctx) prevention.ProgramForm {
	return prevention.ProgramForm{Name: formValue(c, "name"), Provider: formValue(c, "provider"),
		Website: formValue(c, "website"), SessionCount: formValue(c, "session_count"),
		FacilitatorCourse: formValue(c, "facilitator_course"), Components: formValue(c, "components"),
		Retired: c.FormValue("retired") == "yes"}
}

func (a *App) renderProgramForm(c *fiber.Ctx, status int, id int64, f prevention.ProgramForm, errs validate.Errors) error {
	var training []*catalog.Course
	for _, course := range a.cat.Courses {
		if course.Kind == catalog.KindTraining {
			training = append(training, course)
		}
	}
	title := "Register a licensed program"
	if id != 0 {
		title = "Edit " + f.Name
	}
	return a.renderPrevention(c, status, "prevention_program_form", title, programFormPage{
		ID: id, Form: f, Errors: errs, Training: training,
	})
}

func (a *App) handleProgramNew(c *fiber.Ctx) error {
	return a.renderProgramForm(c, fiber.StatusOK, 0,
		prevention.ProgramForm{FacilitatorCourse: prevention.DefaultPrepCourse}, validate.Errors{})
}

func (a *App) handleProgramCreate(c *fiber.Ctx) error {
	f := programFormOf(c)
	_, err := a.prevention.svc.CreateProgram(c.UserContext(), actorOf(c), f)
	if errs, ok := validate.As(err); ok {
		return a.renderProgramForm(c, fiber.StatusUnprocessableEntity, 0, f, errs)
	}
	if err != nil {
		return err
	}
	a.setFlash(c, "The program was registered. Facilitators can now choose it for a class.")
	return c.Redirect("/admin/programs", fiber.StatusSeeOther)
}

func (a *App) handleProgramEdit(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	p, err := a.prevention.svc.Program(c.UserContext(), id)
	if err != nil {
		return err
	}
	return a.renderProgramForm(c, fiber.StatusOK, id, p.FormOf(), validate.Errors{})
}

func (a *App) handleProgramUpdate(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	f := programFormOf(c)
	err = a.prevention.svc.UpdateProgram(c.UserContext(), actorOf(c), id, f)
	if errs, ok := validate.As(err); ok {
		return a.renderProgramForm(c, fiber.StatusUnprocessableEntity, id, f, errs)
	}
	if err != nil {
		return err
	}
	a.setFlash(c, "The program was saved.")
	return c.Redirect("/admin/programs", fiber.StatusSeeOther)
}

// programsPage lists the registered licensed programs.
type programsPage struct{ Programs []prevention.Program }

// programFormPage registers (ID 0) or edits a licensed program.
type programFormPage struct {
	ID       int64
	Form     prevention.ProgramForm
	Errors   validate.Errors
	Training []*catalog.Course // the courses that may prepare its facilitators
}
