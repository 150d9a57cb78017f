package web

import (
	"bytes"
	"html/template"
	"strings"
	"testing"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/testfix"
	"github.com/waymark/waymark/templates"
)

// BenchmarkRenderLessonPage executes the lesson page's templates alone
// (no database, no HTTP) for the real course lesson with the most
// knowledge-check options, as a signed-in learner sees it with the body
// from the cache: the part of the lesson page's CPU that is ours to
// shrink. BenchmarkRenderLessonBody is a cache miss.
func BenchmarkRenderLessonPage(b *testing.B) {
	t, p := lessonPageFixture(b)
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

// TestChromeLanguage renders the lesson page of a Spanish course: the
// page is lang="es", the site's own header, links and footer lang="en",
// and the quick exit in Spanish.
func TestChromeLanguage(t *testing.T) {
	tmpl, p := lessonPageFixture(t)
	p.Lang, p.NotEnglish = "es", true
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, "base", p); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{`<html lang="es">`, `<div class="quick-exit-bar">`, ">Salir de esta página</a>", `<a class="skip-link" href="#main" lang="en">`,
		`<header class="site-header" lang="en">`, `<footer class="site-footer" lang="en">`, `id="quick-exit"`, QuickExitURL} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}

// lessonPageFixture is the lesson page template and data for the real
// course lesson with the most knowledge-check options.
func lessonPageFixture(tb testing.TB) (*template.Template, Page) {
	tb.Helper()
	_, cat := testfix.Shipped(tb)
	course, lesson := heaviestLesson(cat)
	tmpl := shippedTemplates(tb)
	// The body comes from the handler's cache: render it once, as a miss does.
	body, err := tmpl.Fragment("lesson-body", lessonBodyKeyOf(learning.Player{Course: course, Lesson: lesson}).view())
	if err != nil {
		tb.Fatal(err)
	}
	l := &course.Lessons[lesson-1]
	p := learnerPage(course, l.Title+" · "+course.Title, lessonPage{Lesson: l, Body: body})
	p.Viewer = &Viewer{ID: 1, Name: "Pat Learner", CSRF: "csrf-token-0123456789abcdef"}
	p.CSRF = p.Viewer.CSRF
	return tmpl.pages["learning_lesson"], p
}

// heaviestLesson is the lesson with the most check options in the catalog,
// with its course.
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

// shippedTemplates parses the shipped templates as the app does.
func shippedTemplates(tb testing.TB) *Templates {
	tb.Helper()
	tmpl, err := ParseTemplates(templates.FS, template.FuncMap{"roleName": func(code string) string { return code }})
	if err != nil {
		tb.Fatal(err)
	}
	return tmpl
}
