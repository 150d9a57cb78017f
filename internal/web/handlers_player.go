package web

import (
	"errors"
	"html"
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/store"
)

// playerView is what the course and lesson pages show.
type playerView struct {
	P         learning.Player
	Course    *catalog.Course
	Lesson    *catalog.Lesson // nil on the course page
	Outline   []outlineItem
	Prev      int // 0: none
	Next      int // 0: none
	PrevTitle string
	NextTitle string
	Notice    string
	Checks    template.HTML // the lesson's knowledge checks, with any feedback
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

// OutlineHTML is the outline's list items, written directly: a template
// range over the lessons was a large share of the lesson page's CPU (every
// template action is a reflective call). Titles and the slug are escaped.
func (v playerView) OutlineHTML() template.HTML {
	var b strings.Builder
	base := "/my/courses/" + html.EscapeString(url.PathEscape(v.Course.Slug)) + "/lessons/"
	for _, it := range v.Outline {
		b.WriteString("<li")
		if it.Current {
			b.WriteString(` class="current"`)
		}
		b.WriteString(`><a href="` + base + strconv.Itoa(it.N) + `"`)
		if it.Current {
			b.WriteString(` aria-current="page"`)
		}
		b.WriteString(">" + html.EscapeString(it.Title) + "</a>")
		if it.Opened {
			b.WriteString(` <span class="small">(opened)</span>`)
		}
		b.WriteString("</li>\n")
	}
	return template.HTML(b.String())
}

func newPlayerView(p learning.Player) playerView {
	v := playerView{P: p, Course: p.Course}
	for i, l := range p.Course.Lessons {
		v.Outline = append(v.Outline, outlineItem{N: i + 1, Title: l.Title, Opened: p.Opened(i + 1), Current: i+1 == p.Lesson})
	}
	if p.Lesson > 0 {
		v.Lesson = &p.Course.Lessons[p.Lesson-1]
		if p.Lesson > 1 {
			v.Prev, v.PrevTitle = p.Lesson-1, p.Course.Lessons[p.Lesson-2].Title
		}
		if p.Lesson < len(p.Course.Lessons) {
			v.Next, v.NextTitle = p.Lesson+1, p.Course.Lessons[p.Lesson].Title
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

// handleLesson shows one lesson and records it as opened. With ?check=N
// it answers knowledge check N with the chosen options (?option=...):
// the lesson is shown again with feedback. Checks are practice: nothing is
// recorded or graded, so they are plain GET forms.
func (a *App) handleLesson(c *fiber.Ctx) error {
	slug := c.Params("slug")
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil || n < 1 {
		return store.ErrNotFound
	}
	ans, err := lessonAnswerOf(c)
	if err != nil {
		return err
	}
	p, err := a.learning.svc.Player(c.UserContext(), viewerOf(c).ID, slug, n)
	if errors.Is(err, learning.ErrNotAvailable) {
		return c.Redirect("/my/courses/"+slug, fiber.StatusSeeOther)
	}
	if err != nil {
		return a.notAssigned(c, slug, err)
	}
	v := newPlayerView(p)
	if v.Checks, err = a.lessonChecks(p, v.Lesson, ans); err != nil {
		return err
	}
	title := v.Lesson.Title + " · " + p.Course.Title
	return a.render(c, fiber.StatusOK, "learning_lesson", learnerPage(p.Course, title, v))
}

// lessonAnswer is a knowledge-check answer from the query string.
type lessonAnswer struct {
	check  int
	chosen []int
}

// lessonAnswerOf reads ?check=N&option=... (nil without check).
func lessonAnswerOf(c *fiber.Ctx) (*lessonAnswer, error) {
	args := c.Request().URI().QueryArgs()
	raw := args.Peek("check")
	if raw == nil {
		return nil, nil
	}
	i, err := strconv.Atoi(string(raw))
	if err != nil || i < 1 {
		return nil, store.ErrNotFound
	}
	ans := &lessonAnswer{check: i}
	for _, raw := range args.PeekMulti("option") {
		n, err := strconv.Atoi(string(raw))
		if err != nil {
			return nil, fiber.NewError(fiber.StatusBadRequest, "That answer is not one of the choices.")
		}
		ans.chosen = append(ans.chosen, n)
	}
	return ans, nil
}

// checksView is what the lesson-checks partial shows.
type checksView struct {
	Slug     string
	Lesson   int
	Checks   []catalog.Question
	Feedback *checkFeedback
}

// lessonChecks renders the lesson's knowledge checks: without an answer
// they are the same for everyone and come from the cache.
func (a *App) lessonChecks(p learning.Player, l *catalog.Lesson, ans *lessonAnswer) (template.HTML, error) {
	if len(l.Checks) == 0 {
		if ans != nil {
			return "", store.ErrNotFound
		}
		return "", nil
	}
	cv := checksView{Slug: p.Course.Slug, Lesson: p.Lesson, Checks: l.Checks}
	if ans == nil {
		if h, ok := a.learning.checks.Load(l); ok {
			return h.(template.HTML), nil
		}
		h, err := a.tmpl.Fragment("lesson-checks", cv)
		if err == nil {
			a.learning.checks.Store(l, h)
		}
		return h, err
	}
	if ans.check > len(l.Checks) {
		return "", store.ErrNotFound
	}
	fb, ok := answerCheck(l.Checks[ans.check-1], ans)
	if !ok {
		return "", fiber.NewError(fiber.StatusBadRequest, "That answer is not one of the choices.")
	}
	cv.Feedback = &fb
	return a.tmpl.Fragment("lesson-checks", cv)
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
