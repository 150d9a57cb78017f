package web

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/validate"
)

// handleFacilitatorAdd adds a co-facilitator to a class by email.
func (a *App) handleFacilitatorAdd(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	email := formValue(c, "email")
	err = a.prevention.svc.AddFacilitator(c.UserContext(), actorOf(c), id, email)
	if errs, ok := validate.As(err); ok {
		return a.renderClassPage(c, fiber.StatusUnprocessableEntity, errs, map[string]string{"email": email})
	}
	if err != nil {
		return err
	}
	a.setFlash(c, "The co-facilitator was added.")
	return c.Redirect(fmt.Sprintf("/prevention/classes/%d#facilitators", id), fiber.StatusSeeOther)
}

// handleFacilitatorRemove removes a co-facilitator from a class.
func (a *App) handleFacilitatorRemove(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	uid, err := paramID(c, "uid")
	if err != nil {
		return err
	}
	if err := a.prevention.svc.RemoveFacilitator(c.UserContext(), actorOf(c), id, uid); err != nil {
		return err
	}
	a.setFlash(c, "The co-facilitator was removed from this class.")
	return c.Redirect(fmt.Sprintf("/prevention/classes/%d#facilitators", id), fiber.StatusSeeOther)
}
