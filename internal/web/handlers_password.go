package web

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/waymark/waymark/internal/auth"
	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/validate"
)

// Reset requests a client may make in auth.ThrottleWindow.
const maxResetsPerIP = 20

type forgotForm struct {
	Email  string
	Errors map[string]string
}

func (a *App) handleForgotForm(c *fiber.Ctx) error {
	return a.render(c, fiber.StatusOK, "password_forgot", Page{Title: "Reset your password", Data: forgotForm{}})
}

// handleForgot emails a reset link when the address has an active account.
// The answer is the same either way.
func (a *App) handleForgot(c *fiber.Ctx) error {
	ctx := c.UserContext()
	form := forgotForm{Email: formText(c, "email"), Errors: map[string]string{}}
	if form.Email == "" {
		form.Errors["email"] = "Enter the email address of your account."
		return a.render(c, fiber.StatusUnprocessableEntity, "password_forgot", Page{Title: "Reset your password", Data: form})
	}
	key := "reset-ip:" + c.IP()
	n, err := a.people.sessions.LoginFailures(ctx, key, a.now().Add(-auth.ThrottleWindow))
	if err != nil {
		return err
	}
	if n >= maxResetsPerIP {
		form.Errors["form"] = "Too many requests from this network. Wait 15 minutes and try again."
		return a.render(c, fiber.StatusTooManyRequests, "password_forgot", Page{Title: "Reset your password", Data: form})
	}
	if err := a.people.sessions.RecordLoginFailure(ctx, a.now(), key); err != nil {
		return err
	}
	if err := a.people.svc.RequestReset(ctx, form.Email); err != nil {
		return err
	}
	return a.render(c, fiber.StatusOK, "password_sent", Page{Title: "Check your email", Data: passwordSentPage{
		Minutes: int(people.ResetTTL / time.Minute)}})
}

// passwordSentPage says the reset link is on its way and how long it works.
type passwordSentPage struct{ Minutes int }

type setPasswordForm struct {
	Token  string
	Link   people.Link
	Errors map[string]string
}

// linkPage keeps the token out of caches and referrers.
func linkPage(c *fiber.Ctx) {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("Referrer-Policy", "no-referrer")
}

func (a *App) renderLinkInvalid(c *fiber.Ctx) error {
	return a.render(c, fiber.StatusNotFound, "password_link_invalid", Page{Title: "This link no longer works"})
}

func (a *App) handleSetPasswordForm(c *fiber.Ctx) error {
	linkPage(c)
	token := utils.CopyString(c.Params("token"))
	link, err := a.people.svc.CheckLink(c.UserContext(), token)
	if errors.Is(err, people.ErrLinkInvalid) {
		return a.renderLinkInvalid(c)
	}
	if err != nil {
		return err
	}
	return a.render(c, fiber.StatusOK, "password_set", Page{Title: "Choose your password",
		Data: setPasswordForm{Token: token, Link: link, Errors: map[string]string{}}})
}

// handleSetPassword uses the link: it sets the password, ends every other
// session of the person and signs them in here.
func (a *App) handleSetPassword(c *fiber.Ctx) error {
	linkPage(c)
	ctx := c.UserContext()
	token := utils.CopyString(c.Params("token"))
	userID, err := a.people.svc.SetPassword(ctx, token, c.FormValue("password"), c.FormValue("confirm"))
	if inv, ok := validate.As(err); ok {
		link, lerr := a.people.svc.CheckLink(ctx, token)
		if lerr != nil {
			return a.renderLinkInvalid(c)
		}
		return a.render(c, fiber.StatusUnprocessableEntity, "password_set", Page{Title: "Choose your password",
			Data: setPasswordForm{Token: token, Link: link, Errors: inv}})
	}
	if errors.Is(err, people.ErrLinkInvalid) {
		return a.renderLinkInvalid(c)
	}
	if err != nil {
		return err
	}
	session, err := a.auth.StartSession(ctx, userID)
	if err != nil {
		return err
	}
	if err := a.users.TouchLogin(ctx, userID, a.now()); err != nil {
		return err
	}
	a.setSessionCookie(c, session)
	a.setFlash(c, "Your password is set and you are signed in.")
	return c.Redirect("/my", fiber.StatusSeeOther)
}
