package web

import (
	"fmt"
	"io/fs"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"

	"github.com/waymark/waymark/templates"
)

// groups are the guarded route groups every area registers on.
type groups struct {
	my, facilitator, manager, admin fiber.Router
}

// routes is the table of every route and its middleware. Every request
// passes loadViewer and checkCSRF; groups add who may enter.
func (a *App) routes(app *fiber.App) error {
	for _, mw := range a.commonMiddleware() {
		app.Use(mw)
	}
	static, err := fs.Sub(templates.FS, "static")
	if err != nil {
		return fmt.Errorf("web: static files: %w", err)
	}
	app.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(static), MaxAge: 3600}))
	app.Get("/favicon.ico", handleFavicon(static))

	// Operations
	app.Get("/healthz", a.handleHealthz)
	app.Get("/readyz", a.handleReadyz)
	app.Get("/metrics", a.handleMetrics())

	a.mailOneClickRoutes(app) // RFC 8058 one-click unsubscribe: no CSRF token possible
	app.Use(a.loadViewer, a.checkCSRF)

	// Public
	app.Get("/", a.handleHome)
	app.Get("/courses", a.handleCatalog)
	app.Get("/courses/:slug", a.handleCourse)
	app.Get("/login", a.handleLoginForm)
	app.Post("/login", a.handleLogin)
	app.Post("/logout", a.handleLogout)

	g := groups{
		// Signed-in people: their own training. Routes elsewhere that need
		// a signed-in person take a.requireUser themselves (a group without
		// a prefix would guard every later route).
		my: app.Group("/my", a.requireUser),
		// Facilitators of prevention sessions.
		facilitator: app.Group("/prevention", a.requireUser, a.requireFacilitator),
		// Managers, scoped to their organization subtrees.
		manager: app.Group("/manage", a.requireUser, a.requireManager),
		// State administrators.
		admin: app.Group("/admin", a.requireUser, a.requireAdmin),
	}
	a.peopleRoutes(app, g)
	a.learningRoutes(app, g)
	a.certificatesRoutes(app, g)
	a.mailRoutes(app, g)
	a.reportsRoutes(app, g)
	a.preventionRoutes(app, g)
	for _, ar := range a.areas {
		ar.routes(app, g)
	}

	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return nil
}
