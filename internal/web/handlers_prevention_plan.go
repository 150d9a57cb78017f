package web

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/validate"
)

// handleClassPlan saves the planned date of each session.
func (a *App) handleClassPlan(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	dates, typed := map[int]string{}, map[string]string{}
	for n := 1; n <= 60; n++ {
		key := "planned_" + strconv.Itoa(n)
		if v := formValue(c, key); v != "" {
			dates[n], typed[key] = v, v
		}
	}
	err = a.prevention.svc.SavePlan(c.UserContext(), actorOf(c), id, dates)
	if errs, ok := validate.As(err); ok {
		return a.renderClassPage(c, fiber.StatusUnprocessableEntity, errs, typed)
	}
	if err != nil {
		return err
	}
	a.setFlash(c, "The planned dates were saved.")
	return c.Redirect(fmt.Sprintf("/prevention/classes/%d#plan", id), fiber.StatusSeeOther)
}
