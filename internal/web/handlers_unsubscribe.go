package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/waymark/waymark/internal/mail"
)

type unsubscribePage struct {
	Token        string
	Subscribed   bool
	JustChanged  bool
	ListDescribe string
}

// handleUnsubscribeForm shows where the person stands and a button; a GET
// never changes anything (mail scanners follow links).
func (a *App) handleUnsubscribeForm(c *fiber.Ctx) error {
	token := utils.CopyString(c.Params("token"))
	sub, err := a.mailArea.lists.ByToken(c.UserContext(), token)
	if err != nil {
		return err
	}
	return a.renderUnsubscribe(c, sub, false)
}

// handleUnsubscribe takes the person off the list, or back on with
// action=subscribe. Mail clients POST here directly (RFC 8058 one-click,
// body "List-Unsubscribe=One-Click"), so it is exempt from the CSRF check.
func (a *App) handleUnsubscribe(c *fiber.Ctx) error {
	token := utils.CopyString(c.Params("token"))
	sub, err := a.mailArea.lists.SetSubscribed(c.UserContext(), token, c.FormValue("action") == "subscribe")
	if err != nil {
		return err
	}
	return a.renderUnsubscribe(c, sub, true)
}

func (a *App) renderUnsubscribe(c *fiber.Ctx, sub mail.Subscription, changed bool) error {
	c.Set("Cache-Control", "no-store")
	c.Set("Referrer-Policy", "no-referrer")
	return a.render(c, fiber.StatusOK, "unsubscribe", Page{Title: "Email preferences", Data: unsubscribePage{
		Token: sub.Token, Subscribed: sub.UnsubscribedAt == nil, JustChanged: changed,
		ListDescribe: "the weekly training summary for managers"}})
}
