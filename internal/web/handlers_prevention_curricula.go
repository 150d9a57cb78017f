package web

import (
	"github.com/gofiber/fiber/v2"
)

// handleCurricula lists our curricula and the registered licensed programs.
func (a *App) handleCurricula(c *fiber.Ctx) error {
	progs, err := a.prevention.svc.Programs(c.UserContext(), false)
	if err != nil {
		return err
	}
	return a.renderPrevention(c, fiber.StatusOK, "prevention_curricula", "Curricula and session guides", map[string]any{
		"Courses": a.prevention.svc.Courses(), "Programs": progs,
	})
}

// handleCurriculum shows one of our curricula: its sessions and survey.
func (a *App) handleCurriculum(c *fiber.Ctx) error {
	cur, err := a.prevention.svc.Course(c.Params("slug"))
	if err != nil {
		return err
	}
	prep, err := a.prevention.svc.Preparation(c.UserContext(), viewerOf(c).ID, cur.PrepCourse)
	if err != nil {
		return err
	}
	return a.renderPrevention(c, fiber.StatusOK, "prevention_curriculum", cur.Title, map[string]any{
		"Curriculum": cur, "Prep": prep,
	})
}

// handleSessionGuide is the facilitator guide of one session.
func (a *App) handleSessionGuide(c *fiber.Ctx) error {
	n, err := paramNumber(c, "n")
	if err != nil {
		return err
	}
	g, err := a.prevention.svc.Guide(c.Params("slug"), n)
	if err != nil {
		return err
	}
	return a.render(c, fiber.StatusOK, "prevention_guide", Page{Title: g.Session.Title, QuickExit: true,
		Lang: g.Curriculum.Course.Language, Data: map[string]any{"Guide": g}})
}
