package web

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/prevention"
	"github.com/waymark/waymark/internal/validate"
)

// handleClassNotices records the opt-out (and consent) counts of a class.
func (a *App) handleClassNotices(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	f := prevention.NoticeForm{OptOuts: formValue(c, "opt_outs"), Consents: formValue(c, "consents")}
	err = a.prevention.svc.SaveNotices(c.UserContext(), actorOf(c), id, f)
	if errs, ok := validate.As(err); ok {
		return a.renderClassPage(c, fiber.StatusUnprocessableEntity, errs,
			map[string]string{"opt_outs": f.OptOuts, "consents": f.Consents})
	}
	if err != nil {
		return err
	}
	a.setFlash(c, "The parent-notice counts were saved.")
	return c.Redirect(fmt.Sprintf("/prevention/classes/%d#notices", id), fiber.StatusSeeOther)
}
