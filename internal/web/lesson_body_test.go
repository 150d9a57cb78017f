package web

import (
	"fmt"
	"html/template"
	"strings"
	"testing"

	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/testfix"
)

// TestLessonBodyShowsItsKey renders the body of every lesson of the
// heaviest shipped course for three points of progress and checks that
// it shows exactly its key: the lessons opened, the current lesson, the
// pager and whether the final check is open, and nothing of the viewer.
func TestLessonBodyShowsItsKey(t *testing.T) {
	_, cat := testfix.Shipped(t)
	course, _ := heaviestLesson(cat)
	tmpl := shippedTemplates(t)
	n := len(course.Lessons)
	patterns := map[string]string{"none": strings.Repeat("0", n), "first": "1" + strings.Repeat("0", n-1), "all": strings.Repeat("1", n)}
	seen := map[string]string{}
	for name, opened := range patterns {
		for lesson := 1; lesson <= n; lesson++ {
			k := lessonBodyKey{course: course, lesson: lesson, opened: opened, checkOpen: name == "all"}
			body, err := tmpl.Fragment("lesson-body", k.view())
			if err != nil {
				t.Fatal(err)
			}
			b := string(body)
			where := fmt.Sprintf("%s, lesson %d", name, lesson)
			if got, want := strings.Count(b, "(opened)"), strings.Count(opened, "1"); got != want {
				t.Errorf("%s: %d lessons marked opened, want %d", where, got, want)
			}
			if !strings.Contains(b, fmt.Sprintf(`lessons/%d" aria-current="page"`, lesson)) || strings.Count(b, "aria-current") != 1 {
				t.Errorf("%s: the current lesson is not the one marked", where)
			}
			if got := strings.Contains(b, "(opens after every lesson)"); got == k.checkOpen {
				t.Errorf("%s: final check open %t, note shown %t", where, k.checkOpen, got)
			}
			if lesson == n && k.checkOpen != strings.Contains(b, "Go to the final check") {
				t.Errorf("%s: the last lesson's pager does not follow the final check", where)
			}
			if lesson < n && !strings.Contains(b, fmt.Sprintf(`rel="next" href="/my/courses/%s/lessons/%d"`, course.Slug, lesson+1)) {
				t.Errorf("%s: no link to the next lesson", where)
			}
			if strings.Contains(b, "csrf") || strings.Contains(b, "Sign out") {
				t.Errorf("%s: the body holds something of the viewer", where)
			}
			if prev, dup := seen[b]; dup {
				t.Errorf("%s renders the same body as %s", where, prev)
			}
			seen[b] = where
		}
	}
}

// TestLessonBodyKeyOf reads the key from a player: the lessons opened and
// whether the final check is open.
func TestLessonBodyKeyOf(t *testing.T) {
	_, cat := testfix.Shipped(t)
	course, lesson := heaviestLesson(cat)
	k := lessonBodyKeyOf(learning.Player{Course: course, Lesson: lesson})
	if k.course != course || k.lesson != lesson || k.opened != strings.Repeat("0", len(course.Lessons)) || k.checkOpen {
		t.Errorf("key of a player with nothing opened: %+v", k)
	}
}

// TestFragmentCache renders each key once and stays within its bound.
func TestFragmentCache(t *testing.T) {
	c := fragmentCache[int]{max: 3}
	renders := 0
	render := func(k int) (template.HTML, error) {
		renders++
		return template.HTML(fmt.Sprint("fragment ", k)), nil
	}
	for range 2 {
		for k := range 3 {
			if h, err := c.get(k, render); err != nil || string(h) != fmt.Sprint("fragment ", k) {
				t.Fatalf("key %d: %q, %v", k, h, err)
			}
		}
	}
	if renders != 3 {
		t.Errorf("rendered %d times for 3 keys asked twice", renders)
	}
	if _, err := c.get(3, render); err != nil || len(c.m) > 3 {
		t.Errorf("a fourth key left %d fragments (bound 3), %v", len(c.m), err)
	}
	failing := func(int) (template.HTML, error) { return "", fmt.Errorf("broken") }
	if _, err := c.get(9, failing); err == nil {
		t.Error("a failed rendering was not reported")
	}
	if _, err := c.get(9, render); err != nil || renders != 5 {
		t.Errorf("a failed rendering was cached (%d renders)", renders)
	}
}

// BenchmarkRenderLessonBody renders the heaviest lesson's body from its
// key, as a cache miss does.
func BenchmarkRenderLessonBody(b *testing.B) {
	_, cat := testfix.Shipped(b)
	course, lesson := heaviestLesson(cat)
	tmpl := shippedTemplates(b)
	k := lessonBodyKeyOf(learning.Player{Course: course, Lesson: lesson})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tmpl.Fragment("lesson-body", k.view()); err != nil {
			b.Fatal(err)
		}
	}
}
