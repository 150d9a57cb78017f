package web

import (
	"io/fs"

	"github.com/gofiber/fiber/v2"
)

// handleFavicon serves the site icon that browsers ask for on every page
// (at /favicon.ico whatever the page's <link> says), cached for a day.
func handleFavicon(static fs.FS) fiber.Handler {
	icon, err := fs.ReadFile(static, "favicon.ico")
	return func(c *fiber.Ctx) error {
		if err != nil {
			return fiber.ErrNotFound
		}
		c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
		c.Type("ico")
		return c.Send(icon)
	}
}
