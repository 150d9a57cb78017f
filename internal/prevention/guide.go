package prevention

import (
	"fmt"
	"html"
	"regexp"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/store"
)

// GuideSection is one h2 section of a session guide's rendered HTML.
type GuideSection struct {
	ID    string // the heading's id, e.g. "discussion-prompts"
	Title string // plain text
	HTML  string // the section body after its heading (catalog-rendered, safe)
}

// Guide is a facilitator guide page for one session of our curriculum.
type Guide struct {
	Curriculum Curriculum
	Session    Session
	Lesson     catalog.Lesson
	Intro      string // HTML before the first h2
	Sections   []GuideSection
	Prev, Next int // neighbouring session numbers, 0 when none
}

// Section returns the section with id, if the guide has it.
func (g Guide) Section(id string) (GuideSection, bool) {
	for _, s := range g.Sections {
		if s.ID == id {
			return s, true
		}
	}
	return GuideSection{}, false
}

// HasDisclosure reports whether the guide carries its own disclosure guidance.
func (g Guide) HasDisclosure() bool {
	_, ok := g.Section("disclosure-guidance")
	return ok
}

var h2 = regexp.MustCompile(`<h2 id="([^"]+)">(.*?)</h2>`)
var tags = regexp.MustCompile(`<[^>]+>`)

// splitSections cuts catalog HTML at its h2 headings.
func splitSections(body string) (intro string, out []GuideSection) {
	locs := h2.FindAllStringSubmatchIndex(body, -1)
	if len(locs) == 0 {
		return body, nil
	}
	intro = body[:locs[0][0]]
	for i, loc := range locs {
		end := len(body)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		out = append(out, GuideSection{
			ID:    body[loc[2]:loc[3]],
			Title: html.UnescapeString(tags.ReplaceAllString(body[loc[4]:loc[5]], "")),
			HTML:  body[loc[1]:end],
		})
	}
	return intro, out
}

// Guide returns the facilitator guide of session n of our curriculum slug.
func (s *Service) Guide(slug string, n int) (Guide, error) {
	cur, err := s.Course(slug)
	if err != nil {
		return Guide{}, err
	}
	sess, ok := cur.Session(n)
	if !ok {
		return Guide{}, fmt.Errorf("prevention: session %d of %q: %w", n, slug, store.ErrNotFound)
	}
	g := Guide{Curriculum: cur, Session: sess, Lesson: cur.Course.Lessons[n-1]}
	g.Intro, g.Sections = splitSections(g.Lesson.HTML)
	if n > 1 {
		g.Prev = n - 1
	}
	if n < len(cur.Sessions) {
		g.Next = n + 1
	}
	return g, nil
}
