package web

import "github.com/gofiber/fiber/v2"

// mailArea holds what the mail handlers need beyond App.
type mailArea struct{}

// initMail builds the mail area's dependencies.
func (a *App) initMail(d Deps) error { return nil }

// mailRoutes registers the mail area's routes on the groups of routes.go.
func (a *App) mailRoutes(app fiber.Router, g groups) {}
