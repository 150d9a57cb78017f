package web

import (
	"bytes"
	"html/template"
	"os"
	"testing"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/seed"
	"github.com/waymark/waymark/seeds"
	"github.com/waymark/waymark/templates"
)

// BenchmarkRenderLessonPage executes the lesson page's templates alone
// (no database, no HTTP) for the real course lesson with the most
// knowledge-check options, as a signed-in learner sees it: the part of
// the lesson page's CPU that is ours to shrink.
func BenchmarkRenderLessonPage(b *testing.B) {
	roles, err := seed.LoadRoles(seeds.FS)
	if err != nil {
		b.Fatal(err)
	}
	cat, err := catalog.Load(os.DirFS("../../courses"), seed.RoleSet(roles))
	if err != nil {
		b.Fatal(err)
	}
	course, lesson := heaviestLesson(cat)
	tmpl, err := ParseTemplates(templates.FS, template.FuncMap{"roleName": func(code string) string { return code }})
	if err != nil {
		b.Fatal(err)
	}
	pl := learning.Player{Course: course, Lesson: lesson}
	v := newPlayerView(pl)
	// The checks without feedback come from the handler's cache.
	if v.Checks, err = tmpl.Fragment("lesson-checks", checksView{Slug: course.Slug, Lesson: lesson, Checks: v.Lesson.Checks}); err != nil {
		b.Fatal(err)
	}
	p := learnerPage(course, v.Lesson.Title+" · "+course.Title, v)
	p.Viewer = &Viewer{ID: 1, Name: "Pat Learner", CSRF: "csrf-token-0123456789abcdef"}
	p.CSRF = p.Viewer.CSRF
	t := tmpl.pages["learning_lesson"]
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := t.ExecuteTemplate(&buf, "base", p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/page")
}

// heaviestLesson is the lesson with the most check options in the catalog
// (the first of a sensitive course when tied), with its course.
func heaviestLesson(cat *catalog.Catalog) (*catalog.Course, int) {
	var best *catalog.Course
	bestN, bestScore := 0, -1
	for _, c := range cat.Courses {
		for i, l := range c.Lessons {
			score := 0
			for _, q := range l.Checks {
				score += len(q.Options)
			}
			if score > bestScore {
				best, bestN, bestScore = c, i+1, score
			}
		}
	}
	return best, bestN
}
