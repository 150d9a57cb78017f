package web

import "github.com/gofiber/fiber/v2"

// reportsArea holds what the reports handlers need beyond App.
type reportsArea struct{}

// initReports builds the reports area's dependencies.
func (a *App) initReports(d Deps) error { return nil }

// reportsRoutes registers the reports area's routes on the groups of routes.go.
func (a *App) reportsRoutes(app fiber.Router, g groups) {}
