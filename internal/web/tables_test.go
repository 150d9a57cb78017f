package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/waymark/waymark/templates"
)

// TestTablesScroll checks that every table of every page template (not
// one nested in another table's cell) sits in a table-scroll container,
// so a wide table scrolls on its own at 400% zoom or on a phone instead
// of making the whole page scroll sideways (WCAG 1.4.10 Reflow).
func TestTablesScroll(t *testing.T) {
	tag := regexp.MustCompile(`<table[\s>]|</table>`)
	box := regexp.MustCompile(`<div class="(?:[\w-]+ )*table-scroll"[^>]*>$`)
	for _, dir := range []string{"pages", "partials"} {
		names, err := fs.Glob(templates.FS, dir+"/*.html")
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			b, err := fs.ReadFile(templates.FS, name)
			if err != nil {
				t.Fatal(err)
			}
			src := string(b)
			depth := 0
			for _, loc := range tag.FindAllStringIndex(src, -1) {
				if strings.HasPrefix(src[loc[0]:], "</table>") {
					depth--
					continue
				}
				if depth == 0 && !box.MatchString(strings.TrimSpace(src[:loc[0]])) {
					line := strings.Count(src[:loc[0]], "\n") + 1
					t.Errorf("%s:%d: a table outside a table-scroll container", name, line)
				}
				depth++
			}
		}
	}
}
