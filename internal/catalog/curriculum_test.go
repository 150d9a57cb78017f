package catalog_test

import (
	"os"
	"strings"
	"testing"

	"github.com/waymark/waymark/courses"
	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/seed"
	"github.com/waymark/waymark/seeds"
)

// TestCurriculumIsValidAndClean loads the shipped catalog and applies every
// content lint: the same checks as `waymark courses check`.
func TestCurriculumIsValidAndClean(t *testing.T) {
	roles, err := seed.LoadRoles(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Load(courses.FS, seed.RoleSet(roles))
	if err != nil {
		t.Fatalf("the shipped catalog is invalid:\n%v", err)
	}
	if probs := catalog.Lint(cat); len(probs) > 0 {
		t.Fatalf("content lint:\n%v", probs)
	}
	codes := map[string]bool{}
	for _, c := range cat.Courses {
		codes[c.Code] = true
	}
	for _, want := range []string{"M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8", "M9", "M10", "M11", "M12", "M13", "M14", "R"} {
		if !codes[want] {
			t.Errorf("module %s is missing from the catalog", want)
		}
	}
}

// TestLintCatchesBadContent shows each content lint firing.
func TestLintCatchesBadContent(t *testing.T) {
	lesson := catalog.Lesson{File: "01-x.md", Title: "X", Markdown: "Do not call anyone a child prostitute. Call 1-800-555-0100 now.", Words: 12,
		Checks: []catalog.Question{{Question: "Q?", Options: []catalog.Option{{Text: "All of the above", Correct: true}, {Text: "B", Feedback: "f"}}}}}
	c := &catalog.Course{Slug: "bad", Kind: catalog.KindTraining, Language: "en", General: true,
		Lessons: []catalog.Lesson{lesson}, Quiz: []catalog.Question{{Question: "Only one?", Options: []catalog.Option{{Text: "A", Correct: true, Feedback: "f"}, {Text: "B", Feedback: "g"}}}}}
	cat := catalog.New([]*catalog.Course{c})
	probs := catalog.Lint(cat).Error()
	for _, want := range []string{`stigmatizing term "child prostitute"`, `number "1-800-555-0100" is not one of the shared help lines`,
		"lesson has 12 words", "has no feedback", "is a catch-all", "the final check has 1 questions"} {
		if !strings.Contains(probs, want) {
			t.Errorf("lint missed %q in:\n%s", want, probs)
		}
	}
}

// TestLintCatchesLengthCues loads a course whose answers are given away by
// their length and checks that the lint names the spot, the share and every
// question; caps that are not exceeded, tied options and multiple-answer
// questions stay quiet.
func TestLintCatchesLengthCues(t *testing.T) {
	cat, err := catalog.Load(os.DirFS("testdata/length-cues"), testRoles)
	if err != nil {
		t.Fatalf("the fixture must load cleanly: %v", err)
	}
	var got []string
	for _, p := range catalog.Lint(cat) {
		if strings.Contains(p.Msg, "single-answer questions") {
			got = append(got, p.String())
		}
	}
	want := []string{
		"cue-course: lesson knowledge checks: the correct option is neither the longest nor the shortest in 3 of 4 single-answer questions (75%; at most 50%)",
		"cue-course/quiz.yaml: final check: the correct option is strictly the longest in 4 of 8 single-answer questions (50%; at most 40%)",
	}
	if len(got) != len(want) {
		t.Fatalf("length-cue problems:\n%s\nwant %d", strings.Join(got, "\n"), len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i], w) {
			t.Errorf("problem %d:\n%s\nwant it to start with\n%s", i, got[i], w)
		}
	}
	if !strings.HasSuffix(got[0], "01-first.md:5, 01-first.md:14, 02-second.md:4") {
		t.Errorf("lesson problem does not name the three checks with their lines: %s", got[0])
	}
	if !strings.HasSuffix(got[1], "q1 (line 5), q2 (line 15), q3 (line 25), q4 (line 35)") {
		t.Errorf("quiz problem does not name q1 to q4 with their lines: %s", got[1])
	}
}
