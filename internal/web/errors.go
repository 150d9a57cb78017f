package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/store"
)

// ErrForbidden means the viewer may not do this; pages that would reveal
// whether something exists use store.ErrNotFound instead.
var ErrForbidden = errors.New("forbidden")

var statusText = map[int][2]string{
	fiber.StatusNotFound:              {"Page not found", "We could not find that page. It may have moved, or the address may be mistyped."},
	fiber.StatusForbidden:             {"Not allowed", "Your account does not have access to this page."},
	fiber.StatusUnauthorized:          {"Please sign in", "Sign in to see this page."},
	fiber.StatusTooManyRequests:       {"Too many requests", "Please wait a minute and try again."},
	fiber.StatusConflict:              {"Already done", "This change conflicts with one made already. Reload the page and try again."},
	fiber.StatusRequestEntityTooLarge: {"Too large", "The upload is larger than Waymark accepts."},
	fiber.StatusServiceUnavailable:    {"Waymark is briefly unavailable", "Waymark cannot reach its records just now. Please try again in a minute; if you were saving something, check afterwards that it was saved."},
	fiber.StatusInternalServerError:   {"Something went wrong", "Waymark could not finish this request. It has been logged; please try again later."},
}

// errorHandler chooses the status once, for every handler.
func (a *App) errorHandler(c *fiber.Ctx, err error) error {
	status := fiber.StatusInternalServerError
	var fe *fiber.Error
	switch {
	case errors.As(err, &fe):
		status = fe.Code
	case errors.Is(err, store.ErrNotFound):
		status = fiber.StatusNotFound
	case errors.Is(err, ErrForbidden):
		status = fiber.StatusForbidden
	case errors.Is(err, store.ErrConflict):
		status = fiber.StatusConflict
	}
	if status >= 500 {
		a.log.Error("request failed", "request_id", requestID(c), "route", routeOf(c), "err", err)
	}
	text, ok := statusText[status]
	if !ok {
		text = [2]string{fiber.ErrBadRequest.Message, "The request could not be understood."}
		if fe != nil {
			text = [2]string{fe.Message, ""}
		}
	}
	if renderErr := a.render(c, status, "error", Page{Title: text[0], Data: map[string]string{"Title": text[0], "Message": text[1]}}); renderErr != nil {
		a.log.Error("error page failed", "err", renderErr)
		c.Status(status)
		c.Type("txt", "utf-8")
		return c.SendString(text[0])
	}
	return nil
}
