package web

import "github.com/gofiber/fiber/v2"

// peopleArea holds what the people handlers need beyond App.
type peopleArea struct{}

// initPeople builds the people area's dependencies.
func (a *App) initPeople(d Deps) error { return nil }

// peopleRoutes registers the people area's routes on the groups of routes.go.
func (a *App) peopleRoutes(app fiber.Router, g groups) {}
