package web

import "github.com/gofiber/fiber/v2"

// learningArea holds what the learning handlers need beyond App.
type learningArea struct{}

// initLearning builds the learning area's dependencies.
func (a *App) initLearning(d Deps) error { return nil }

// learningRoutes registers the learning area's routes on the groups of routes.go.
func (a *App) learningRoutes(app fiber.Router, g groups) {}
