package web

import (
	"strings"
	"testing"

	"github.com/waymark/waymark/internal/catalog"
)

// TestOutlineHTML checks the written-out outline: titles escaped, the
// current lesson marked for screen readers, opened lessons noted.
func TestOutlineHTML(t *testing.T) {
	c := &catalog.Course{Slug: "m1-foundations", Lessons: []catalog.Lesson{{Title: "Signs & <indicators>"}, {Title: "Second"}}}
	v := playerView{Course: c, Outline: []outlineItem{{N: 1, Title: c.Lessons[0].Title, Opened: true}, {N: 2, Title: "Second", Current: true}}}
	got := string(v.OutlineHTML())
	want := `<li><a href="/my/courses/m1-foundations/lessons/1">Signs &amp; &lt;indicators&gt;</a> <span class="small">(opened)</span></li>
<li class="current"><a href="/my/courses/m1-foundations/lessons/2" aria-current="page">Second</a></li>
`
	if got != want {
		t.Errorf("outline:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(got, "<indicators>") {
		t.Error("a title was not escaped")
	}
}
