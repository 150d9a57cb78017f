package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/mail"
)

// mailArea holds what the mail handlers need beyond App.
type mailArea struct {
	outbox *mail.Outbox // the admin view of the queue
	lists  *mail.Lists  // digest unsubscribe tokens
}

// initMail takes the mail area's dependencies.
func (a *App) initMail(d Deps) error {
	a.mailArea = mailArea{outbox: d.Outbox, lists: d.Lists}
	return nil
}

// mailRoutes registers the mail area's routes on the groups of routes.go.
// POST /unsubscribe/:token is registered in routes.go before the CSRF
// check (mailOneClickRoutes): mail clients send it without a form token.
func (a *App) mailRoutes(app fiber.Router, g groups) {
	g.admin.Get("/mail", a.handleAdminMail)
	g.admin.Post("/mail/retry", a.handleAdminMailRetryReason)
	g.admin.Post("/mail/:id/retry", a.handleAdminMailRetry)
	app.Get("/unsubscribe/:token", a.handleUnsubscribeForm)
}

// mailOneClickRoutes are the routes a mail client calls without a CSRF
// token: RFC 8058 one-click unsubscribe. The secret token in the URL is the
// credential, and the action only ever takes a person off a list.
func (a *App) mailOneClickRoutes(app fiber.Router) {
	app.Post("/unsubscribe/:token", a.handleUnsubscribe)
}
