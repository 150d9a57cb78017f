package web

import (
	"fmt"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/store"
)

type adminMailPage struct {
	Counts   mail.Counts
	Circuit  mail.Circuit
	Open     bool // senders wait for the server now
	Reasons  []mail.Reason
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
	if p.Circuit, err = a.mailArea.outbox.Circuit(ctx); err != nil {
		return err
	}
	p.Open = p.Circuit.OpenAt(a.mailArea.outbox.Now())
	if p.Reasons, err = a.mailArea.outbox.FailedReasons(ctx); err != nil {
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

// handleAdminMailRetryReason queues again every message parked for one
// reason (audited, with the count).
func (a *App) handleAdminMailRetryReason(c *fiber.Ctx) error {
	if !c.Request().PostArgs().Has("reason") {
		return store.ErrNotFound
	}
	reason := utils.CopyString(c.FormValue("reason"))
	n, err := a.mailArea.outbox.RetryReason(c.UserContext(), reason, viewerOf(c).ID)
	if err != nil {
		return err
	}
	if n == 0 {
		a.setFlash(c, "No message was waiting for a retry for that reason.")
	} else {
		a.setFlash(c, fmt.Sprintf("%d message(s) queued again; they go on the next pass.", n))
	}
	return c.Redirect("/admin/mail", fiber.StatusSeeOther)
}
