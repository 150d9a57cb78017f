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

// ownCredentialArea is an Area some of whose state-changing requests carry
// their own credential in place of the session's CSRF token: a SAML
// identity provider's signed response posted from its own site (sso), a
// provisioning client's bearer token (scim). checkCSRF lets a request
// through when its area says so, and loadViewer skips such a request that
// brings no cookie at all (there is no session to load, and a machine
// needs no CSRF cookie). The area's own handler checks the credential.
type ownCredentialArea interface {
	Area
	ownCredential(c *fiber.Ctx) bool
}
