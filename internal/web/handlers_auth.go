package web

import (
	"errors"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/auth"
)

type loginForm struct {
	Email  string
	Next   string
	Errors map[string]string
}

func (a *App) handleLoginForm(c *fiber.Ctx) error {
	if viewerOf(c) != nil {
		return c.Redirect("/my", fiber.StatusSeeOther)
	}
	return a.render(c, fiber.StatusOK, "login", Page{Title: "Sign in", Data: loginForm{Next: safeNext(c.Query("next"))}})
}

// handleLogin signs in. A wrong email and a wrong password get the same
// answer; repeated failures are throttled per account and per client.
func (a *App) handleLogin(c *fiber.Ctx) error {
	form := loginForm{Email: formText(c, "email"), Next: safeNext(c.FormValue("next")),
		Errors: map[string]string{}}
	password := c.FormValue("password")
	// Email first: an email whose agency signs in with its identity
	// provider goes straight there, unless a password came with it and the
	// provider still allows passwords.
	if form.Email != "" {
		path, off, err := a.auth.Federated(c.UserContext(), form.Email)
		if err != nil {
			return err
		}
		if path != "" && (password == "" || off) {
			return c.Redirect(path+"?next="+url.QueryEscape(form.Next), fiber.StatusSeeOther)
		}
	}
	if form.Email == "" {
		form.Errors["email"] = "Enter your email address."
	}
	if password == "" {
		form.Errors["password"] = "Enter your password."
	}
	if len(form.Errors) > 0 {
		return a.render(c, fiber.StatusUnprocessableEntity, "login", Page{Title: "Sign in", Data: form})
	}
	token, _, err := a.auth.Login(c.UserContext(), form.Email, password, c.IP())
	switch {
	case errors.Is(err, auth.ErrBadCredentials):
		form.Errors["form"] = "The email or password is not right. Check both and try again."
		return a.render(c, fiber.StatusUnprocessableEntity, "login", Page{Title: "Sign in", Data: form})
	case errors.Is(err, auth.ErrPasswordOff):
		form.Errors["form"] = "Your agency signs you in. Enter your email alone and choose Sign in."
		return a.render(c, fiber.StatusUnprocessableEntity, "login", Page{Title: "Sign in", Data: form})
	case errors.Is(err, auth.ErrThrottled):
		form.Errors["form"] = "Too many sign-in attempts. Wait 15 minutes and try again."
		return a.render(c, fiber.StatusTooManyRequests, "login", Page{Title: "Sign in", Data: form})
	case err != nil:
		return err
	}
	a.setSessionCookie(c, token)
	return c.Redirect(form.Next, fiber.StatusSeeOther)
}

func (a *App) handleLogout(c *fiber.Ctx) error {
	if token := c.Cookies(a.sessionCookie()); token != "" {
		if err := a.auth.Logout(c.UserContext(), token); err != nil {
			return err
		}
	}
	a.clearSessionCookie(c)
	a.setFlash(c, "You are signed out.")
	if c.Cookies(ssoCookie) != "" {
		// Signed in with an identity provider: offer its sign-out too.
		return c.Redirect("/sso/signed-out", fiber.StatusSeeOther)
	}
	return c.Redirect("/", fiber.StatusSeeOther)
}
