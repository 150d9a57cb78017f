package web

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/learning"
)

// checkPage is what the final-check form shows.
type checkPage struct {
	View   learning.CheckView
	Course *catalog.Course
}

// handleFinalCheck shows the final check, its questions and options in the
// attempt's random order. Before every lesson of a paced course was
// opened, it explains what is left instead.
func (a *App) handleFinalCheck(c *fiber.Ctx) error {
	slug := c.Params("slug")
	v, err := a.learning.svc.StartCheck(c.UserContext(), viewerOf(c).ID, slug)
	switch {
	case errors.Is(err, learning.ErrPacing):
		pv := newPlayerView(v.Player)
		pv.Notice = "The final check opens once you have opened every lesson."
		return a.render(c, fiber.StatusForbidden, "learning_course", learnerPage(v.Player.Course, v.Player.Course.Title, pv))
	case errors.Is(err, learning.ErrNotAvailable):
		return c.Redirect("/my/courses/"+slug, fiber.StatusSeeOther)
	case errors.Is(err, learning.ErrNotAssigned) && v.Player.Course != nil:
		a.setFlash(c, "You have completed this course. There is no check to take right now.")
		return c.Redirect("/my/courses/"+slug, fiber.StatusSeeOther)
	case err != nil:
		return a.notAssigned(c, slug, err)
	}
	course := v.Player.Course
	return a.render(c, fiber.StatusOK, "learning_check", learnerPage(course, "Final check · "+course.Title,
		checkPage{View: v, Course: course}))
}

// handleFinalCheckSubmit grades a final check. A replayed submission shows
// the first result; a tampered one is refused; an incomplete one is shown
// again with what is missing.
func (a *App) handleFinalCheckSubmit(c *fiber.Ctx) error {
	slug := c.Params("slug")
	token := formValue(c, "token")
	form := map[string][]string{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if key := string(k); strings.HasPrefix(key, learning.FieldPrefix) {
			form[key] = append(form[key], string(v))
		}
	})
	sub, err := a.learning.svc.Submit(c.UserContext(), viewerOf(c).ID, slug, token, form)
	switch {
	case errors.Is(err, learning.ErrIncomplete) && sub.View != nil:
		course := a.cat.Get(slug)
		return a.render(c, fiber.StatusUnprocessableEntity, "learning_check", learnerPage(course, "Final check · "+course.Title,
			checkPage{View: *sub.View, Course: course}))
	case errors.Is(err, learning.ErrTampered):
		return fiber.NewError(fiber.StatusBadRequest, "These answers do not match the check you were shown. Reload the final check and try again.")
	case err != nil:
		return err
	}
	return c.Redirect("/my/courses/"+slug+"/attempts/"+strconv.FormatInt(sub.AttemptID, 10), fiber.StatusSeeOther)
}

// handleAttempt shows a graded attempt: the score, whether it passed, and
// for each question whether it was right with the feedback on the choices.
func (a *App) handleAttempt(c *fiber.Ctx) error {
	slug := c.Params("slug")
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	v, err := a.learning.svc.Attempt(c.UserContext(), viewerOf(c).ID, slug, id)
	if err != nil {
		return err
	}
	return a.render(c, fiber.StatusOK, "learning_result", learnerPage(v.Course, "Your result · "+v.Course.Title, v))
}
