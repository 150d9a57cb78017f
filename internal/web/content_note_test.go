package web_test

import (
	"strings"
	"testing"

	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
)

// TestContentNoteOncePerVisit: the content note of a sensitive course
// shows in full on the first of its pages in a visit, whichever that is,
// and as one short line with a link to the help lines after; the help
// lines stay one tap away on every page.
func TestContentNoteOncePerVisit(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	org := testfix.Org(t, db, "Note school", "school", "Suffolk", 0)
	_, email := testfix.User(t, db, org, testfix.UserSpec{Roles: []string{"teacher"}})
	c := newClient(t, app)
	c.login(email, testfix.Password)
	c.get("/courses/sample-course")
	if r := c.post("/courses/sample-course/start", nil); r.Status != 303 {
		t.Fatalf("start: %d", r.Status)
	}
	full, short := `id="content-note-title"`, `class="content-note-short"`
	pages := []struct {
		path string
		full bool
	}{
		{"/my/courses/sample-course/lessons/2", true}, // a visit may begin on any lesson
		{"/my/courses/sample-course/lessons/1", false},
		{"/my/courses/sample-course", false},
		{"/my/courses/sample-course/lessons/2", false},
	}
	for _, pg := range pages {
		r := c.get(pg.path)
		expect(t, r, 200, `href="#help"`, `id="help"`, "1-888-373-7888")
		if got := strings.Contains(r.Body, full); got != pg.full {
			t.Errorf("%s: full content note shown = %v, want %v", pg.path, got, pg.full)
		}
		if got := strings.Contains(r.Body, short); got == pg.full {
			t.Errorf("%s: short content note shown = %v, want %v", pg.path, got, !pg.full)
		}
	}
	// The lesson text comes first under the heading, before the outline.
	r := c.get("/my/courses/sample-course/lessons/1")
	if h, text, outline := strings.Index(r.Body, "<h1>First lesson</h1>"), strings.Index(r.Body, `<article class="lesson-body">`),
		strings.Index(r.Body, `aria-label="Course outline"`); h < 0 || text < h || outline < text {
		t.Errorf("lesson page order: heading %d, text %d, outline %d", h, text, outline)
	}
	// A new visit (the cookie gone) shows the note in full again.
	delete(c.cookies, "waymark_note")
	expect(t, c.get("/my/courses/sample-course"), 200, full)
}
