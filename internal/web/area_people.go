package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/store"
)

// peopleArea holds what the people handlers need beyond App.
type peopleArea struct {
	svc      *people.Service
	orgs     *store.Orgs
	sessions *store.Sessions
}

// initPeople takes the people area's dependencies. The wiring has every
// change to people's job roles, organization or active state reconcile
// their assignments in the same transaction.
func (a *App) initPeople(d Deps) error {
	a.people = peopleArea{svc: d.People, orgs: d.Stores.Orgs, sessions: d.Stores.Sessions}
	return nil
}

// peopleRoutes registers the people area's routes on the groups of routes.go.
func (a *App) peopleRoutes(app fiber.Router, g groups) {
	app.Get("/password/forgot", a.handleForgotForm)
	app.Post("/password/forgot", a.handleForgot)
	app.Get("/password/set/:token", a.handleSetPasswordForm)
	app.Post("/password/set/:token", a.handleSetPassword)

	g.admin.Get("/", a.handleAdminHome)

	g.admin.Get("/orgs", a.handleOrgs)
	g.admin.Get("/orgs/new", a.handleOrgNew)
	g.admin.Post("/orgs", a.handleOrgCreate)
	g.admin.Get("/orgs/:id", a.handleOrgEdit)
	g.admin.Post("/orgs/:id", a.handleOrgUpdate)
	g.admin.Post("/orgs/:id/deactivate", a.handleOrgActive(false))
	g.admin.Post("/orgs/:id/reactivate", a.handleOrgActive(true))
	g.admin.Post("/orgs/:id/invite", a.handleOrgResendInvites)

	g.admin.Get("/users", a.handleUsers)
	g.admin.Get("/users/new", a.handleUserNew)
	g.admin.Post("/users", a.handleUserCreate)
	g.admin.Get("/users/:id", a.handleUserEdit)
	g.admin.Post("/users/:id", a.handleUserUpdate)
	g.admin.Post("/users/:id/deactivate", a.handleUserActive(false))
	g.admin.Post("/users/:id/reactivate", a.handleUserActive(true))
	g.admin.Post("/users/:id/invite", a.handleUserInvite)

	g.admin.Get("/import", a.handleImportForm)
	g.admin.Post("/import", a.handleImport)
	g.admin.Get("/import/template.csv", a.handleImportTemplate)

	g.admin.Get("/audit", a.handleAudit)
}

// codeList splits organization codes typed with ;, commas or spaces.
func codeList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}

// actorID is the signed-in person's id, for the audit log.
func actorID(c *fiber.Ctx) int64 {
	if v := viewerOf(c); v != nil {
		return v.ID
	}
	return 0
}
