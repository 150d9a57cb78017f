package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/migrations"
)

// handleHealthz answers while the process is up.
func (a *App) handleHealthz(c *fiber.Ctx) error {
	return c.SendString("ok")
}

// handleReadyz answers 200 only when the database is reachable and its
// schema is current.
func (a *App) handleReadyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := a.db.PingContext(ctx); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).SendString("database unreachable: " + store.UnreachableReason(err))
	}
	if err := store.CheckSchema(ctx, a.db, migrations.FS); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).SendString("schema behind: run waymark migrate")
	}
	return c.SendString("ready")
}
