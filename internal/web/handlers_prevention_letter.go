package web

import "github.com/gofiber/fiber/v2"

// handleParentLetter sends the parent/guardian notification letter (PDF).
func (a *App) handleParentLetter(c *fiber.Ctx) error {
	return fiber.ErrNotImplemented
}
