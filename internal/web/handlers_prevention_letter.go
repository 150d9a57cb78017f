package web

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/prevention"
)

// handleParentLetter sends a class's parent/guardian notification letter
// (G.L. c.71 §32A) as a PDF, in English or Spanish (?lang=es).
func (a *App) handleParentLetter(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	lang := c.Query("lang", prevention.LangEnglish)
	b, err := a.prevention.svc.Letter(c.UserContext(), actorOf(c), id, lang, a.cfg.BaseURL.String())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`inline; filename="parent-letter-%d-%s.pdf"`, id, lang))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(b)
}
