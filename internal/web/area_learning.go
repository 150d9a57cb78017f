package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/store"
)

// learningArea holds what the learning handlers need beyond App.
type learningArea struct {
	svc  *learning.Service
	orgs *store.Orgs
	// bodies caches lesson bodies without check feedback by what they
	// show (see lessonBodyKey).
	bodies fragmentCache[lessonBodyKey]
}

// initLearning takes the learning service (over the synced catalog).
func (a *App) initLearning(d Deps) error {
	a.learning.svc = d.Learning
	a.learning.bodies.max = lessonBodies
	a.learning.orgs = d.Stores.Orgs
	return nil
}

// learningRoutes registers the learning area's routes on the groups of routes.go.
func (a *App) learningRoutes(app fiber.Router, g groups) {
	app.Post("/courses/:slug/start", a.requireUser, a.handleCourseStart)

	g.my.Get("/", a.handleMyTraining)
	g.my.Get("/courses/:slug", a.handlePlayerCourse)
	g.my.Get("/courses/:slug/lessons/:n", a.handleLesson)
	g.my.Get("/courses/:slug/resume", a.handleResume)
	g.my.Get("/courses/:slug/check", a.handleFinalCheck)
	g.my.Post("/courses/:slug/check", a.handleFinalCheckSubmit)
	g.my.Get("/courses/:slug/attempts/:id", a.handleAttempt)

	g.manager.Get("/assign", a.handleAssignForm)
	g.manager.Post("/assign", a.handleAssign)

	g.admin.Get("/requirements", a.handleRequirements)
	g.admin.Post("/requirements", a.handleRequirementAdd)
	g.admin.Post("/requirements/:id", a.handleRequirementUpdate)
	g.admin.Post("/requirements/:id/remove", a.handleRequirementRemove)
}

// learnerPage is the Page of a learner's course page: the quick exit is on
// every page of a sensitive or prevention course.
func learnerPage(c *catalog.Course, title string, data any) Page {
	return Page{Title: title, Lang: c.Language, QuickExit: c.Sensitive || c.Kind == catalog.KindPrevention, Data: data}
}
