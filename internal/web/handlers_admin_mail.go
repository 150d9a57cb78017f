package web

import (
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/waymark/waymark/internal/mail"
)

type adminMailPage struct {
	Counts   mail.Counts
	Failed   []mail.Row
	Recent   []mail.Row
	Status   string
	Statuses []string
	Loc      *time.Location
}

// handleAdminMail lists messages parked as failed (with a retry button) and
// the latest messages, optionally of one status.
func (a *App) handleAdminMail(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p := adminMailPage{Status: utils.CopyString(c.Query("status")), Statuses: mail.Statuses, Loc: a.cfg.Location}
	if p.Status != "" && !slices.Contains(mail.Statuses, p.Status) {
		p.Status = ""
	}
	var err error
	if p.Counts, err = a.mailArea.outbox.Counts(ctx); err != nil {
		return err
	}
	if p.Failed, err = a.mailArea.outbox.Failed(ctx, 100); err != nil {
		return err
	}
	if p.Recent, err = a.mailArea.outbox.Recent(ctx, p.Status, 50); err != nil {
		return err
	}
	return a.render(c, fiber.StatusOK, "admin_mail", Page{Title: "Outgoing email", Data: p})
}

// handleAdminMailRetry queues a failed message again (audited).
func (a *App) handleAdminMailRetry(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := a.mailArea.outbox.Retry(c.UserContext(), id, viewerOf(c).ID); err != nil {
		return err
	}
	a.setFlash(c, "The message is queued again and will be sent on the next pass.")
	return c.Redirect("/admin/mail", fiber.StatusSeeOther)
}
