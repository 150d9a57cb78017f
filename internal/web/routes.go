package web

import (
	"io/fs"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"

	"github.com/waymark/waymark/templates"
)

// routes is the table of every route and its middleware.
func (a *App) routes(app *fiber.App) {
	for _, mw := range a.commonMiddleware() {
		app.Use(mw)
	}
	static, _ := fs.Sub(templates.FS, "static")
	app.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(static), MaxAge: 3600}))

	// Operations
	app.Get("/healthz", a.handleHealthz)
	app.Get("/readyz", a.handleReadyz)
	app.Get("/metrics", a.handleMetrics())

	// Public
	app.Get("/", a.handleHome)
	app.Get("/courses", a.handleCatalog)
	app.Get("/courses/:slug", a.handleCourse)

	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}
