package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/prevention"
)

// handleCurricula lists our curricula and the registered licensed programs.
func (a *App) handleCurricula(c *fiber.Ctx) error {
	progs, err := a.prevention.svc.Programs(c.UserContext(), false)
	if err != nil {
		return err
	}
	return a.renderPrevention(c, fiber.StatusOK, "prevention_curricula", "Curricula and session guides", curriculaPage{
		Courses: a.prevention.svc.Courses(), Programs: progs,
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
	return a.renderPrevention(c, fiber.StatusOK, "prevention_curriculum", cur.Title, curriculumPage{Curriculum: cur, Prep: prep})
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
		Lang: g.Curriculum.Course.Language, Data: guidePage{Guide: g}})
}

// curriculaPage lists our curricula and the registered licensed programs.
type curriculaPage struct {
	Courses  []prevention.Curriculum
	Programs []prevention.Program
}

// curriculumPage is one curriculum with the viewer's preparation for it.
type curriculumPage struct {
	Curriculum prevention.Curriculum
	Prep       prevention.Preparation
}

// guidePage is the facilitator guide of one session.
type guidePage struct{ Guide prevention.Guide }
