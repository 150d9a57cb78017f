package web

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/prevention"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/validate"
)

// surveyPage is the tally form of one phase of a class's survey.
type surveyPage struct {
	Class      prevention.Class
	Curriculum prevention.Curriculum
	Phase      string
	Form       prevention.SurveyForm
	Errors     validate.Errors
}

// loadSurveyPage loads the class, its curriculum's survey and the phase.
func (a *App) loadSurveyPage(c *fiber.Ctx) (surveyPage, error) {
	phase := c.Params("phase")
	if !prevention.ValidPhase(phase) {
		return surveyPage{}, store.ErrNotFound
	}
	class, err := a.preventionClass(c)
	if err != nil {
		return surveyPage{}, err
	}
	cur, err := a.prevention.svc.ClassCurriculum(c.UserContext(), class)
	if err != nil {
		return surveyPage{}, err
	}
	if len(cur.Survey) == 0 {
		return surveyPage{}, fmt.Errorf("web: %s has no survey: %w", cur.Title, store.ErrNotFound)
	}
	return surveyPage{Class: class, Curriculum: cur, Phase: phase, Errors: validate.Errors{}}, nil
}

func surveyTitle(phase string) string {
	if phase == prevention.PhasePost {
		return "Post-survey tallies"
	}
	return "Pre-survey tallies"
}

// handleSurveyForm shows the tally form of one phase.
func (a *App) handleSurveyForm(c *fiber.Ctx) error {
	data, err := a.loadSurveyPage(c)
	if err != nil {
		return err
	}
	ts, err := a.prevention.svc.Tallies(c.UserContext(), data.Class.ID)
	if err != nil {
		return err
	}
	data.Form = ts[data.Phase].FormOf()
	return a.renderPrevention(c, fiber.StatusOK, "prevention_survey", surveyTitle(data.Phase), data)
}

// handleSurveySave replaces the tallies of one phase.
func (a *App) handleSurveySave(c *fiber.Ctx) error {
	data, err := a.loadSurveyPage(c)
	if err != nil {
		return err
	}
	class, phase, cur := data.Class, data.Phase, data.Curriculum
	f := prevention.SurveyForm{Respondents: formValue(c, "respondents"), Counts: map[string][]string{}}
	for _, q := range cur.Survey {
		for i := range q.Options {
			f.Counts[q.ID] = append(f.Counts[q.ID], formValue(c, "q_"+q.ID+"_"+strconv.Itoa(i)))
		}
	}
	err = a.prevention.svc.SaveTally(c.UserContext(), actorOf(c), class.ID, phase, f)
	if errs, ok := validate.As(err); ok {
		data.Form, data.Errors = f, errs
		return a.renderPrevention(c, fiber.StatusUnprocessableEntity, "prevention_survey", surveyTitle(phase), data)
	}
	if err != nil {
		return err
	}
	a.setFlash(c, "The "+phase+"-survey tallies were saved.")
	return c.Redirect(fmt.Sprintf("/prevention/classes/%d#survey", class.ID), fiber.StatusSeeOther)
}
