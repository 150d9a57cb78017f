package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/prevention"
)

// handlePreventionHome is a facilitator's start page: preparation standing,
// their classes and groups, and the guides.
func (a *App) handlePreventionHome(c *fiber.Ctx) error {
	ctx, actor := c.UserContext(), actorOf(c)
	var preps []prevention.Preparation
	seen := map[string]bool{}
	for _, cur := range a.prevention.svc.Courses() {
		if cur.PrepCourse == "" || seen[cur.PrepCourse] {
			continue
		}
		seen[cur.PrepCourse] = true
		p, err := a.prevention.svc.Preparation(ctx, actor.UserID, cur.PrepCourse)
		if err != nil {
			return err
		}
		preps = append(preps, p)
	}
	classes, err := a.prevention.svc.ClassList(ctx, actor)
	if err != nil {
		return err
	}
	return a.renderPrevention(c, fiber.StatusOK, "prevention_home", "Prevention", preventionHomePage{
		Preps: preps, Classes: classes, Curricula: a.prevention.svc.Courses(),
	})
}

// handleDisclosureProtocol is what to do when a young person discloses.
func (a *App) handleDisclosureProtocol(c *fiber.Ctx) error {
	return a.renderPrevention(c, fiber.StatusOK, "prevention_disclosures", "When a young person tells you something", nil)
}

// preventionHomePage is a facilitator's start: preparation, classes, guides.
type preventionHomePage struct {
	Preps     []prevention.Preparation
	Classes   []prevention.ClassItem
	Curricula []prevention.Curriculum
}
