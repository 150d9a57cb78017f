package web

import (
	"html/template"
	"strings"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/learning"
)

// lessonBodies is how many rendered lesson bodies are kept: a body is
// about 10 kB, and a catalog's lessons times the progress patterns
// learners are at fit well within it.
const lessonBodies = 1024

// lessonBodyKey is everything the lesson page's body shows: the course
// and lesson, which lessons the learner has opened and whether the final
// check is open. Bodies are rendered from the key alone and cached by it
// (see lessonBodyKey.view), so two learners at the same point of a course
// share one rendering.
type lessonBodyKey struct {
	course    *catalog.Course
	lesson    int    // 1-based
	opened    string // byte i is '1' when lesson i+1 was opened
	checkOpen bool
	fullNote  bool // the content note in full (see firstPageOfVisit)
}

func lessonBodyKeyOf(p learning.Player) lessonBodyKey {
	var b strings.Builder
	for n := 1; n <= len(p.Course.Lessons); n++ {
		if p.Opened(n) {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
	}
	return lessonBodyKey{course: p.Course, lesson: p.Lesson, opened: b.String(), checkOpen: p.CheckOpen()}
}

// lessonBody is what the lesson-body partial shows.
type lessonBody struct {
	Course    *catalog.Course
	Lesson    *catalog.Lesson
	N         int
	Outline   template.HTML
	CheckOpen bool
	Prev      int // 0: none
	Next      int // 0: none
	PrevTitle string
	NextTitle string
	Checks    *checksView // nil when the lesson has none
	FullNote  bool
}

// view builds the body's data from the key and nothing else.
func (k lessonBodyKey) view() lessonBody {
	c := k.course
	v := lessonBody{Course: c, Lesson: &c.Lessons[k.lesson-1], N: k.lesson, CheckOpen: k.checkOpen, FullNote: k.fullNote}
	items := make([]outlineItem, len(c.Lessons))
	for i, l := range c.Lessons {
		items[i] = outlineItem{N: i + 1, Title: l.Title, Opened: k.opened[i] == '1', Current: i+1 == k.lesson}
	}
	v.Outline = outlineHTML(c.Slug, items)
	if k.lesson > 1 {
		v.Prev, v.PrevTitle = k.lesson-1, c.Lessons[k.lesson-2].Title
	}
	if k.lesson < len(c.Lessons) {
		v.Next, v.NextTitle = k.lesson+1, c.Lessons[k.lesson].Title
	}
	if len(v.Lesson.Checks) > 0 {
		v.Checks = &checksView{Slug: c.Slug, Lesson: k.lesson, Checks: v.Lesson.Checks}
	}
	return v
}

// renderLessonBody renders a body from its key (the cache's miss path).
func (a *App) renderLessonBody(k lessonBodyKey) (template.HTML, error) {
	return a.tmpl.Fragment("lesson-body", k.view())
}
