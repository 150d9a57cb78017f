package web

import (
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/store"
)

func (a *App) handleHome(c *fiber.Ctx) error {
	return a.render(c, fiber.StatusOK, "home", Page{})
}

// catalogPage is the catalog: its filters and list, rendered once per
// filter (catalogBody).
type catalogPage struct{ Body template.HTML }

// catalogBody is the catalog's filters and list.
type catalogBody struct {
	Courses        []*catalog.Course
	Roles          []store.JobRole
	Audience, Kind string // the filters
}

// coursePage is one course's overview.
type coursePage struct{ Course *catalog.Course }

// handleCatalog lists the courses, filtered by audience and kind.
func (a *App) handleCatalog(c *fiber.Ctx) error {
	// Fiber reuses the request's memory: the key outlives the handler.
	k := catalogKey{audience: strings.Clone(c.Query("audience")), kind: strings.Clone(c.Query("kind"))}
	body, err := a.catalogBodies.get(k, a.renderCatalog)
	if err != nil {
		return err
	}
	return a.render(c, fiber.StatusOK, "courses", Page{Data: catalogPage{Body: body}})
}

// catalogKey is what the catalog's list shows: its two filters. The
// catalog and the job roles are fixed for the app's life, so the list is
// rendered once per pair of filters and cached (it was nine tenths of the
// page's CPU).
type catalogKey struct{ audience, kind string }

// catalogBodies bounds the cached lists: any filter text is a key.
const catalogBodies = 256

// renderCatalog renders the catalog's filters and list for a key.
func (a *App) renderCatalog(k catalogKey) (template.HTML, error) {
	var list []*catalog.Course
	for _, course := range a.cat.Courses {
		if k.audience != "" && !course.HasAudience(k.audience) {
			continue
		}
		if k.kind != "" && course.Kind != k.kind {
			continue
		}
		list = append(list, course)
	}
	return a.tmpl.Fragment("catalog-body", catalogBody{Courses: list, Roles: a.roles, Audience: k.audience, Kind: k.kind})
}

// handleCourse shows one course's overview. The page chrome is English; the
// course's own text carries the course language (WCAG 3.1.2).
func (a *App) handleCourse(c *fiber.Ctx) error {
	course := a.cat.Get(c.Params("slug"))
	if course == nil {
		return store.ErrNotFound
	}
	return a.render(c, fiber.StatusOK, "course", Page{Title: course.Title, Lang: course.Language,
		QuickExit: course.Sensitive || course.Kind == catalog.KindPrevention, Data: coursePage{Course: course}})
}
