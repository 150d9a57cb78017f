package web

import "github.com/gofiber/fiber/v2"

// probeArea is the smallest Area: one manager page. The tests plug it in
// through Deps.Areas, as internal/wiring plugs in a real one, to show an
// area needs no line in app.go or routes.go.
type probeArea struct{ app *App }

// ProbeArea is the probe's constructor, as a real area exports one.
func ProbeArea() Area { return &probeArea{} }

func (p *probeArea) init(a *App) error { p.app = a; return nil }

func (p *probeArea) routes(_ fiber.Router, g groups) {
	g.manager.Get("/probe", func(c *fiber.Ctx) error {
		return c.SendString("probe for " + viewerOf(c).Name)
	})
}
