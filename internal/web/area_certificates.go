package web

import "github.com/gofiber/fiber/v2"

// certificatesArea holds what the certificates handlers need beyond App.
type certificatesArea struct{}

// initCertificates builds the certificates area's dependencies.
func (a *App) initCertificates(d Deps) error { return nil }

// certificatesRoutes registers the certificates area's routes on the groups of routes.go.
func (a *App) certificatesRoutes(app fiber.Router, g groups) {}
