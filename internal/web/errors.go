package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/prevention"
	"github.com/waymark/waymark/internal/report"
	"github.com/waymark/waymark/internal/sso"
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

// errorPage is the error page's data.
type errorPage struct{ Title, Message string }

// errorStatuses is the one table of the sentinel errors handlers return
// and the status each means; the first row err matches (errors.Is) wins.
// A *fiber.Error carries its own status; anything else is a 500.
var errorStatuses = []struct {
	err    error
	status int
}{
	{store.ErrNotFound, fiber.StatusNotFound},
	// A prevention session guide is not a training course: where a course
	// to take or assign is expected, it is not found.
	{learning.ErrNotAssignable, fiber.StatusNotFound},
	{ErrForbidden, fiber.StatusForbidden},
	// Logging a session without the preparation, or for a class one does
	// not teach.
	{prevention.ErrNotPrepared, fiber.StatusForbidden},
	{prevention.ErrNotFacilitator, fiber.StatusForbidden},
	{store.ErrConflict, fiber.StatusConflict},
	// Retrying a message that is no longer parked as failed.
	{mail.ErrNotFailed, fiber.StatusConflict},
	// A drill-down filter value the report does not know.
	{report.ErrBadFilter, fiber.StatusBadRequest},
	// An identity provider switched off: its sign-in routes are gone.
	{sso.ErrDisabled, fiber.StatusNotFound},
	// A refused sign-in that reached the error handler (the sso area
	// answers its own with a page).
	{sso.ErrSignIn, fiber.StatusForbidden},
}

// statusOf is the status err means: a *fiber.Error's own, else the first
// matching row of errorStatuses, else 500.
func statusOf(err error) (int, *fiber.Error) {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		return fe.Code, fe
	}
	for _, row := range errorStatuses {
		if errors.Is(err, row.err) {
			return row.status, nil
		}
	}
	return fiber.StatusInternalServerError, nil
}

// errorHandler chooses the status once, for every handler.
func (a *App) errorHandler(c *fiber.Ctx, err error) error {
	status, fe := statusOf(err)
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
	if renderErr := a.render(c, status, "error", Page{Title: text[0], Data: errorPage{Title: text[0], Message: text[1]}}); renderErr != nil {
		a.log.Error("error page failed", "err", renderErr)
		c.Status(status)
		c.Type("txt", "utf-8")
		return c.SendString(text[0])
	}
	return nil
}
