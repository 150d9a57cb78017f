package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/store"
)

// errUnavailable is the answer while PostgreSQL cannot be reached: 503 with
// the friendly page of statusText.
var errUnavailable = fiber.NewError(fiber.StatusServiceUnavailable, "Waymark is briefly unavailable")

// dbUnavailable turns an error that means the database cannot be reached
// (refused or cut connections, a server shutting down or starting) into a
// 503 with Retry-After, logged here once with its cause.
func (a *App) dbUnavailable(c *fiber.Ctx) error {
	err := c.Next()
	if err == nil || !store.Unreachable(err) {
		return err
	}
	a.log.Warn("database unreachable", "request_id", requestID(c), "route", routeOf(c), "err", err)
	c.Set(fiber.HeaderRetryAfter, "30")
	return errUnavailable
}
