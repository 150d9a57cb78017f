package web

import "github.com/gofiber/fiber/v2"

// Area is a part of the app added without editing app.go or routes.go: its
// area_<name>.go defines a type that implements Area, an exported
// constructor taking its service (web.NewXArea(svc) Area), and, in an
// init function, its pages' rows (addPages). internal/wiring builds the
// service and appends the area to Deps.Areas. The methods are unexported,
// so only this package implements Area and Fiber stays inside it.
type Area interface {
	// init is called once, after the templates are parsed and the core
	// areas are ready; the area keeps a what it needs (rendering, the
	// viewer, the error pages).
	init(a *App) error
	// routes registers the area's routes on the app and its guarded
	// groups, after the core areas' routes and before the final 404.
	routes(app fiber.Router, g groups)
}

// addPages adds an area's rows to pageData (the type each page template
// reads). An area calls it from its file's init function, so its pages
// are checked by TestTemplatesReadTheirDataTypes like every other.
func addPages(rows map[string]any) {
	for name, data := range rows {
		if _, dup := pageData[name]; dup {
			panic("web: page " + name + " has two rows in pageData")
		}
		pageData[name] = data
	}
}

// csrfExempt holds the POST routes an area takes without a CSRF token,
// each matched by path: a SAML identity provider posts its signed response
// from another site, so the response's signature and its binding to this
// browser's sign-in stand in for the token. An area adds its rows from its
// file's init function (addCSRFExempt); checkCSRF consults them.
var csrfExempt []func(path string) bool

// addCSRFExempt exempts the POST paths match accepts from checkCSRF.
func addCSRFExempt(match func(path string) bool) { csrfExempt = append(csrfExempt, match) }

// bearerArea is an Area with a machine API under a path prefix, called
// with a bearer token instead of a session (SCIM at /scim/v2). Its
// requests that carry a bearer token and no cookie skip loadViewer and the
// session CSRF check (machineRequest); the area's own middleware
// authenticates them.
type bearerArea interface {
	Area
	bearerPrefix() string
}
