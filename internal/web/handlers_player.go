package web

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/store"
)

// playerView is what the course and lesson pages show.
type playerView struct {
	P        learning.Player
	Course   *catalog.Course
	Lesson   *catalog.Lesson // nil on the course page
	Outline  []outlineItem
	Prev     int // 0: none
	Next     int // 0: none
	Notice   string
	Feedback *checkFeedback
}

// outlineItem is one lesson in the outline.
type outlineItem struct {
	N       int
	Title   string
	Opened  bool
	Current bool
}

// checkFeedback is the answer to one knowledge check (shown, never graded).
type checkFeedback struct {
	Check  int // 1-based index within the lesson
	Chosen []learning.ChosenOption
	Picked map[int]bool // option indexes chosen, to keep them checked
	Right  bool
}

func newPlayerView(p learning.Player) playerView {
	v := playerView{P: p, Course: p.Course}
	for i, l := range p.Course.Lessons {
		v.Outline = append(v.Outline, outlineItem{N: i + 1, Title: l.Title, Opened: p.Opened(i + 1), Current: i+1 == p.Lesson})
	}
	if p.Lesson > 0 {
		v.Lesson = &p.Course.Lessons[p.Lesson-1]
		if p.Lesson > 1 {
			v.Prev = p.Lesson - 1
		}
		if p.Lesson < len(p.Course.Lessons) {
			v.Next = p.Lesson + 1
		}
	}
	return v
}

// handlePlayerCourse is a course's start page in the player: the outline,
// the content note before a sensitive course starts, where to resume and
// whether the final check is open.
func (a *App) handlePlayerCourse(c *fiber.Ctx) error {
	slug := c.Params("slug")
	p, err := a.learning.svc.Player(c.UserContext(), viewerOf(c).ID, slug, 0)
	if err != nil && !errors.Is(err, learning.ErrNotAvailable) {
		return a.notAssigned(c, slug, err)
	}
	v := newPlayerView(p)
	if err != nil {
		v.Notice = "This course opens on " + p.AvailableFrom().In(a.cfg.Location).Format("January 2, 2006") + "."
	}
	return a.render(c, fiber.StatusOK, "learning_course", learnerPage(p.Course, p.Course.Title, v))
}

// handleLesson shows one lesson and records it as opened.
func (a *App) handleLesson(c *fiber.Ctx) error {
	return a.lessonPage(c, nil)
}

// handleLessonCheck answers one knowledge check: the lesson is shown again
// with feedback on the chosen options. Nothing is recorded or graded.
func (a *App) handleLessonCheck(c *fiber.Ctx) error {
	i, err := strconv.Atoi(c.Params("i"))
	if err != nil || i < 1 {
		return store.ErrNotFound
	}
	var chosen []int
	for _, raw := range c.Request().PostArgs().PeekMulti("option") {
		n, err := strconv.Atoi(string(raw))
		if err != nil {
			return fiber.NewError(fiber.StatusBadRequest, "That answer is not one of the choices.")
		}
		chosen = append(chosen, n)
	}
	return a.lessonPage(c, &lessonAnswer{check: i, chosen: chosen})
}

type lessonAnswer struct {
	check  int
	chosen []int
}

func (a *App) lessonPage(c *fiber.Ctx, ans *lessonAnswer) error {
	slug := c.Params("slug")
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil || n < 1 {
		return store.ErrNotFound
	}
	p, err := a.learning.svc.Player(c.UserContext(), viewerOf(c).ID, slug, n)
	if errors.Is(err, learning.ErrNotAvailable) {
		return c.Redirect("/my/courses/"+slug, fiber.StatusSeeOther)
	}
	if err != nil {
		return a.notAssigned(c, slug, err)
	}
	v := newPlayerView(p)
	if ans != nil {
		if ans.check > len(v.Lesson.Checks) {
			return store.ErrNotFound
		}
		fb, ok := answerCheck(v.Lesson.Checks[ans.check-1], ans)
		if !ok {
			return fiber.NewError(fiber.StatusBadRequest, "That answer is not one of the choices.")
		}
		v.Feedback = &fb
	}
	title := v.Lesson.Title + " · " + p.Course.Title
	return a.render(c, fiber.StatusOK, "learning_lesson", learnerPage(p.Course, title, v))
}

// answerCheck gives the feedback for the chosen options of a knowledge
// check; no choice gives a prompt to choose.
func answerCheck(q catalog.Question, ans *lessonAnswer) (checkFeedback, bool) {
	seen := map[int]bool{}
	fb := checkFeedback{Check: ans.check, Right: len(ans.chosen) > 0, Picked: seen}
	for _, n := range ans.chosen {
		if n < 0 || n >= len(q.Options) || (!q.Multiple && len(ans.chosen) > 1) {
			return fb, false
		}
		if seen[n] {
			continue
		}
		seen[n] = true
		o := q.Options[n]
		fb.Chosen = append(fb.Chosen, learning.ChosenOption{Text: o.Text, Feedback: o.Feedback, Correct: o.Correct})
		fb.Right = fb.Right && o.Correct
	}
	fb.Right = fb.Right && len(seen) == len(q.Correct())
	return fb, true
}
