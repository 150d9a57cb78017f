package web

import "github.com/gofiber/fiber/v2"

// preventionArea holds what the prevention handlers need beyond App.
type preventionArea struct{}

// initPrevention builds the prevention area's dependencies.
func (a *App) initPrevention(d Deps) error { return nil }

// preventionRoutes registers the prevention area's routes on the groups of routes.go.
func (a *App) preventionRoutes(app fiber.Router, g groups) {}
