package web

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/store"
)

// myTrainingPage is the learner's home.
type myTrainingPage struct {
	My             learning.MyTraining
	Now            time.Time
	CaseworkerRole string // the role whose credited hours the page counts
}

// handleMyTraining is the learner's home: every assignment with its
// status, due date, progress and certificate; recommended optional courses;
// credited minutes per training year.
func (a *App) handleMyTraining(c *fiber.Ctx) error {
	v := viewerOf(c)
	my, err := a.learning.svc.Training(c.UserContext(), v.ID)
	if err != nil {
		return err
	}
	return a.render(c, fiber.StatusOK, "learning_my", Page{Title: "My training", Data: myTrainingPage{
		My: my, Now: a.now(), CaseworkerRole: learning.CaseworkerRole,
	}})
}

// handleCourseStart starts a training course from the catalog for the
// signed-in person (a self-started assignment) and opens its player.
func (a *App) handleCourseStart(c *fiber.Ctx) error {
	slug := c.Params("slug")
	err := a.learning.svc.StartSelf(c.UserContext(), viewerOf(c).ID, slug)
	if err != nil {
		return err
	}
	return c.Redirect("/my/courses/"+slug, fiber.StatusSeeOther)
}

// errNotAssignedRedirect sends a person without an assignment to the
// course's catalog page, where they can start it.
func (a *App) notAssigned(c *fiber.Ctx, slug string, err error) error {
	if errors.Is(err, learning.ErrNotAssigned) {
		if a.cat.Get(slug) == nil {
			return store.ErrNotFound
		}
		a.setFlash(c, "This course is not on your training list yet. You can start it here.")
		return c.Redirect("/courses/"+slug, fiber.StatusSeeOther)
	}
	return err
}
