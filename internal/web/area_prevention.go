package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/prevention"
)

// preventionArea holds what the prevention handlers need beyond App.
type preventionArea struct {
	svc *prevention.Service
}

// initPrevention takes the prevention service.
func (a *App) initPrevention(d Deps) error {
	a.prevention.svc = d.Prevention
	return nil
}

// preventionRoutes registers the prevention area's routes on the groups of routes.go.
func (a *App) preventionRoutes(app fiber.Router, g groups) {
	f := g.facilitator
	f.Get("/", a.handlePreventionHome)
	f.Get("/disclosures", a.handleDisclosureProtocol)
	f.Get("/curricula", a.handleCurricula)
	f.Get("/curricula/:slug", a.handleCurriculum)
	f.Get("/curricula/:slug/sessions/:n", a.handleSessionGuide)
	f.Get("/classes/new", a.handleClassNew)
	f.Post("/classes", a.handleClassCreate)
	f.Get("/classes/:id", a.handleClassShow)
	f.Get("/classes/:id/edit", a.handleClassEdit)
	f.Post("/classes/:id", a.handleClassUpdate)
	f.Post("/classes/:id/plan", a.handleClassPlan)
	f.Post("/classes/:id/notices", a.handleClassNotices)
	f.Post("/classes/:id/facilitators", a.handleFacilitatorAdd)
	f.Post("/classes/:id/facilitators/:uid/remove", a.handleFacilitatorRemove)
	f.Get("/classes/:id/sessions/:n/log", a.handleDeliveryNew)
	f.Post("/classes/:id/sessions/:n/log", a.handleDeliveryCreate)
	f.Get("/classes/:id/deliveries/:did", a.handleDeliveryEdit)
	f.Post("/classes/:id/deliveries/:did", a.handleDeliveryUpdate)
	f.Get("/classes/:id/survey/:phase", a.handleSurveyForm)
	f.Post("/classes/:id/survey/:phase", a.handleSurveySave)
	f.Get("/classes/:id/letter.pdf", a.handleParentLetter)
	f.Get("/reports", a.handlePreventionReport)
	f.Get("/reports.csv", a.handlePreventionReportCSV)

	g.manager.Get("/prevention", a.handlePreventionReport)
	g.manager.Get("/prevention.csv", a.handlePreventionReportCSV)

	g.admin.Get("/programs", a.handlePrograms)
	g.admin.Get("/programs/new", a.handleProgramNew)
	g.admin.Post("/programs", a.handleProgramCreate)
	g.admin.Get("/programs/:id", a.handleProgramEdit)
	g.admin.Post("/programs/:id", a.handleProgramUpdate)
}

// actorOf is the signed-in person as the prevention service sees them.
func actorOf(c *fiber.Ctx) prevention.Actor {
	v := viewerOf(c)
	if v == nil {
		return prevention.Actor{}
	}
	return prevention.Actor{UserID: v.ID, OrgID: v.OrgID, IsAdmin: v.IsAdmin}
}

// renderPrevention renders a prevention page; every one carries the quick exit.
func (a *App) renderPrevention(c *fiber.Ctx, status int, name, title string, data any) error {
	return a.render(c, status, name, Page{Title: title, QuickExit: true, Data: data})
}

// preventionClass loads the class in the route for the signed-in person.
func (a *App) preventionClass(c *fiber.Ctx) (prevention.Class, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return prevention.Class{}, err
	}
	return a.prevention.svc.Class(c.UserContext(), actorOf(c), id)
}
