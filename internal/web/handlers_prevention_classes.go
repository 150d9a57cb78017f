package web

import (
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/prevention"
	"github.com/waymark/waymark/internal/validate"
)

func classFormOf(c *fiber.Ctx) prevention.ClassForm {
	return prevention.ClassForm{OrgCode: formValue(c, "org"), Name: formValue(c, "name"),
		GradeBand: formValue(c, "grade_band"), AgeMin: formValue(c, "age_min"), AgeMax: formValue(c, "age_max"),
		StudentCount: formValue(c, "student_count"), Curriculum: formValue(c, "curriculum"),
		ContactName: formValue(c, "contact_name"), ContactPhone: formValue(c, "contact_phone"),
		ContactEmail: formValue(c, "contact_email"), InspectWhere: formValue(c, "inspect_where"),
		ConsentRequired: c.FormValue("consent_required") == "yes"}
}

// classFormPage is the new-class or edit-class form. A new class also
// chooses its curriculum and, for a facilitator, its organization.
type classFormPage struct {
	Form      prevention.ClassForm
	Errors    validate.Errors
	Class     *prevention.Class // nil: a new class
	Curricula []prevention.Curriculum
	Orgs      []prevention.OrgChoice
}

// renderClassForm shows the new-class or edit-class form.
func (a *App) renderClassForm(c *fiber.Ctx, status int, class *prevention.Class, f prevention.ClassForm, errs validate.Errors) error {
	ctx, actor := c.UserContext(), actorOf(c)
	data := classFormPage{Form: f, Errors: errs, Class: class}
	if class == nil {
		curricula, err := a.prevention.svc.Curricula(ctx)
		if err != nil {
			return err
		}
		data.Curricula = curricula
		if !actor.IsAdmin {
			orgs, err := a.prevention.svc.OrgChoices(ctx, actor)
			if err != nil {
				return err
			}
			data.Orgs = orgs
		}
	}
	title := "Add a class or group"
	if class != nil {
		title = "Edit " + class.Name
	}
	return a.renderPrevention(c, status, "prevention_class_form", title, data)
}

func (a *App) handleClassNew(c *fiber.Ctx) error {
	f := prevention.ClassForm{GradeBand: prevention.Band68, Curriculum: c.Query("curriculum"),
		InspectWhere: "In the main office during school hours, or ask the contact person below for a copy."}
	return a.renderClassForm(c, fiber.StatusOK, nil, f, validate.Errors{})
}

func (a *App) handleClassCreate(c *fiber.Ctx) error {
	f := classFormOf(c)
	id, err := a.prevention.svc.CreateClass(c.UserContext(), actorOf(c), f)
	if errs, ok := validate.As(err); ok {
		return a.renderClassForm(c, fiber.StatusUnprocessableEntity, nil, f, errs)
	}
	if err != nil {
		return err
	}
	a.setFlash(c, "The class was added. Plan its session dates below.")
	return c.Redirect(fmt.Sprintf("/prevention/classes/%d", id), fiber.StatusSeeOther)
}

func (a *App) handleClassEdit(c *fiber.Ctx) error {
	class, err := a.preventionClass(c)
	if err != nil {
		return err
	}
	return a.renderClassForm(c, fiber.StatusOK, &class, class.FormOf("", class.Ref()), validate.Errors{})
}

func (a *App) handleClassUpdate(c *fiber.Ctx) error {
	class, err := a.preventionClass(c)
	if err != nil {
		return err
	}
	f := classFormOf(c)
	err = a.prevention.svc.UpdateClass(c.UserContext(), actorOf(c), class.ID, f)
	if errs, ok := validate.As(err); ok {
		return a.renderClassForm(c, fiber.StatusUnprocessableEntity, &class, f, errs)
	}
	if err != nil {
		return err
	}
	a.setFlash(c, "The class details were saved.")
	return c.Redirect(fmt.Sprintf("/prevention/classes/%d", class.ID), fiber.StatusSeeOther)
}

// sessionRow is one session of a class as the class page lists it.
// classPage is a class's page with its small forms.
type classPage struct {
	Class        prevention.Class
	Curriculum   prevention.Curriculum
	Facilitators []prevention.Facilitator
	Sessions     []sessionRow
	Prep         prevention.Preparation
	Teaches      bool // the viewer facilitates the class
	Tallies      map[string]*prevention.Tally
	Knowledge    prevention.Knowledge
	Errors       validate.Errors
	Values       map[string]string // the small forms' values, as typed when one re-renders
}

type sessionRow struct {
	Session  prevention.Session
	Planned  *time.Time
	Delivery *prevention.Delivery
	Editable bool
	Guide    bool // our curricula have a guide page
}

// handleClassShow is a class's page: sessions, plan, notices, surveys.
func (a *App) handleClassShow(c *fiber.Ctx) error {
	return a.renderClassPage(c, fiber.StatusOK, nil, nil)
}

// renderClassPage shows the class page; errs and typed carry the errors and
// the values as typed of one of its small forms (plan, notices,
// co-facilitator) when it re-renders.
func (a *App) renderClassPage(c *fiber.Ctx, status int, errs validate.Errors, typed map[string]string) error {
	ctx, svc := c.UserContext(), a.prevention.svc
	class, err := a.preventionClass(c)
	if err != nil {
		return err
	}
	cur, err := svc.ClassCurriculum(ctx, class)
	if err != nil {
		return err
	}
	facs, err := svc.Facilitators(ctx, class.ID)
	if err != nil {
		return err
	}
	deliveries, err := svc.Deliveries(ctx, class.ID)
	if err != nil {
		return err
	}
	plan, err := svc.Plan(ctx, class.ID)
	if err != nil {
		return err
	}
	tallies, err := svc.Tallies(ctx, class.ID)
	if err != nil {
		return err
	}
	prep, err := svc.Preparation(ctx, viewerOf(c).ID, cur.PrepCourse)
	if err != nil {
		return err
	}
	byN := map[int]*prevention.Delivery{}
	for i := range deliveries {
		byN[deliveries[i].Session] = &deliveries[i]
	}
	values := map[string]string{"opt_outs": strconv.Itoa(class.OptOutCount), "consents": strconv.Itoa(class.ConsentCount)}
	rows := make([]sessionRow, len(cur.Sessions))
	for i, s := range cur.Sessions {
		rows[i] = sessionRow{Session: s, Delivery: byN[s.N], Guide: !cur.External}
		if d, ok := plan[s.N]; ok {
			rows[i].Planned = &d
			values["planned_"+strconv.Itoa(s.N)] = d.Format(time.DateOnly)
		}
		if d := byN[s.N]; d != nil {
			rows[i].Editable = svc.Editable(*d)
		}
	}
	teaches := false
	for _, f := range facs {
		teaches = teaches || f.UserID == viewerOf(c).ID
	}
	if errs == nil {
		errs = validate.Errors{}
	}
	for k, v := range typed {
		values[k] = v
	}
	return a.renderPrevention(c, status, "prevention_class", class.Name, classPage{
		Class: class, Curriculum: cur, Facilitators: facs, Sessions: rows, Prep: prep,
		Teaches: teaches, Tallies: tallies, Knowledge: prevention.KnowledgeOf(cur.Survey, tallies),
		Errors: errs, Values: values,
	})
}
