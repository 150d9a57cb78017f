package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/store"
)

func (a *App) handleHome(c *fiber.Ctx) error {
	return a.render(c, fiber.StatusOK, "home", Page{})
}

// handleCatalog lists the courses, filtered by audience and kind.
func (a *App) handleCatalog(c *fiber.Ctx) error {
	audience, kind := c.Query("audience"), c.Query("kind")
	var list []*catalog.Course
	for _, course := range a.cat.Courses {
		if audience != "" && !course.HasAudience(audience) {
			continue
		}
		if kind != "" && course.Kind != kind {
			continue
		}
		list = append(list, course)
	}
	return a.render(c, fiber.StatusOK, "courses", Page{Data: map[string]any{
		"Courses": list, "Roles": a.roles, "Audience": audience, "Kind": kind,
	}})
}

// handleCourse shows one course's overview. The page chrome is English; the
// course's own text carries the course language (WCAG 3.1.2).
func (a *App) handleCourse(c *fiber.Ctx) error {
	course := a.cat.Get(c.Params("slug"))
	if course == nil {
		return store.ErrNotFound
	}
	return a.render(c, fiber.StatusOK, "course", Page{Title: course.Title, Data: map[string]any{"Course": course}})
}
