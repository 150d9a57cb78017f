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

// playerView is what the course page shows (the lesson page shows a
// lessonBody).
type playerView struct {
	P       learning.Player
	Course  *catalog.Course
	Outline []outlineItem
	Notice  string
	// FullNote: the content note in full (the first page of this visit to
	// a sensitive course), else a short line linking to the help lines.
	FullNote bool
	// Next is where "Resume where you left off" goes.
	Next resumeTarget
}

// resumeTarget is the next step in a course: the first lesson not opened,
// else the final check, else (the check closed) the last lesson.
type resumeTarget struct {
	Href  string
	Title string
}

func resumeOf(p learning.Player) resumeTarget {
	base := "/my/courses/" + p.Course.Slug
	if n := p.Resume(); n > 0 {
		return resumeTarget{Href: base + "/lessons/" + strconv.Itoa(n), Title: p.Course.Lessons[n-1].Title}
	}
	if p.CheckOpen() {
		return resumeTarget{Href: base + "/check", Title: "the final check"}
	}
	n := len(p.Course.Lessons)
	return resumeTarget{Href: base + "/lessons/" + strconv.Itoa(n), Title: p.Course.Lessons[n-1].Title}
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

// OutlineHTML is the outline's list items (see outlineHTML).
func (v playerView) OutlineHTML() template.HTML { return outlineHTML(v.Course.Slug, v.Outline) }

// outlineHTML writes a course outline's list items directly: a template
// range over the lessons was a large share of the lesson page's CPU (every
// template action is a reflective call). Titles and the slug are escaped.
func outlineHTML(slug string, items []outlineItem) template.HTML {
	var b strings.Builder
	base := "/my/courses/" + html.EscapeString(url.PathEscape(slug)) + "/lessons/"
	for _, it := range items {
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
	v := playerView{P: p, Course: p.Course, Next: resumeOf(p)}
	for i, l := range p.Course.Lessons {
		v.Outline = append(v.Outline, outlineItem{N: i + 1, Title: l.Title, Opened: p.Opened(i + 1), Current: i+1 == p.Lesson})
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
	v.FullNote = a.firstPageOfVisit(c, p.Course)
	return a.render(c, fiber.StatusOK, "learning_course", learnerPage(p.Course, p.Course.Title, v))
}

// handleResume sends the person to their next step in a course: the
// first lesson they have not opened (see resumeOf).
func (a *App) handleResume(c *fiber.Ctx) error {
	slug := c.Params("slug")
	p, err := a.learning.svc.Player(c.UserContext(), viewerOf(c).ID, slug, 0)
	if errors.Is(err, learning.ErrNotAvailable) {
		return c.Redirect("/my/courses/"+slug, fiber.StatusSeeOther)
	}
	if err != nil {
		return a.notAssigned(c, slug, err)
	}
	return c.Redirect(resumeOf(p).Href, fiber.StatusSeeOther)
}

// handleLesson shows one lesson and records it as opened. With ?check=N
// it answers knowledge check N with the chosen options (?option=...):
// the lesson is shown again with feedback. Checks are practice: nothing is
// recorded or graded, so they are plain GET forms.
func (a *App) handleLesson(c *fiber.Ctx) error {
	slug := c.Params("slug")
	n, err := paramNumber(c, "n")
	if err != nil {
		return err
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
	k := lessonBodyKeyOf(p)
	k.fullNote = a.firstPageOfVisit(c, p.Course)
	body, err := a.lessonBody(k, ans)
	if err != nil {
		return err
	}
	l := &p.Course.Lessons[p.Lesson-1]
	return a.render(c, fiber.StatusOK, "learning_lesson", learnerPage(p.Course, l.Title+" · "+p.Course.Title, lessonPage{Lesson: l, Body: body}))
}

// lessonPage is what the lesson page shows: the lesson's title and its
// rendered body.
type lessonPage struct {
	Lesson *catalog.Lesson
	Body   template.HTML
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

// lessonBody renders the lesson page's body: without an answer it is the
// same for every learner at this point of the course and comes from the
// cache; an answer adds its feedback to a fresh rendering.
func (a *App) lessonBody(k lessonBodyKey, ans *lessonAnswer) (template.HTML, error) {
	if ans == nil {
		return a.learning.bodies.get(k, a.renderLessonBody)
	}
	v := k.view()
	if v.Checks == nil || ans.check > len(v.Checks.Checks) {
		return "", store.ErrNotFound
	}
	fb, ok := answerCheck(v.Checks.Checks[ans.check-1], ans)
	if !ok {
		return "", fiber.NewError(fiber.StatusBadRequest, "That answer is not one of the choices.")
	}
	v.Checks.Feedback = &fb
	return a.tmpl.Fragment("lesson-body", v)
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
