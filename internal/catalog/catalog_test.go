package catalog_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/waymark/waymark/internal/catalog"
)

var testRoles = map[string]bool{"teacher": true, "prevention-facilitator": true}

func TestLoadGoodCatalog(t *testing.T) {
	cat, err := catalog.Load(os.DirFS("testdata/good"), testRoles)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if len(cat.Courses) != 3 {
		t.Fatalf("courses = %d, want 3", len(cat.Courses))
	}
	c := cat.Get("sample-course")
	if c == nil || len(c.Lessons) != 2 || len(c.Quiz) != 1 {
		t.Fatalf("sample-course parsed wrong: %+v", c)
	}
	if c.Lessons[0].Title != "First lesson" || c.Lessons[0].Position != 1 || len(c.Lessons[0].Checks) != 1 {
		t.Fatalf("lesson 1 = %+v", c.Lessons[0])
	}
	html := c.Lessons[0].HTML
	if !strings.Contains(html, "<h2") || !strings.Contains(html, "<strong>text</strong>") {
		t.Fatalf("markdown not rendered: %s", html)
	}
	if strings.Contains(html, "<script>") {
		t.Fatalf("raw HTML passed through: %s", html)
	}
	s := cat.Get("sample-series")
	if len(s.CoreComponents()) != 2 || len(s.Survey) != 1 || s.GradeBand != "6-8" {
		t.Fatalf("prevention course parsed wrong: %+v", s)
	}
	if c.Hash == "" || c.Hash == cat.Get("sample-prep").Hash {
		t.Fatal("content hashes must differ between different folders")
	}
}

// broken returns the good sample course with one file replaced.
func broken(file, content string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, name := range []string{"course.yaml", "01-first.md", "02-second.md", "quiz.yaml"} {
		b, _ := os.ReadFile("testdata/good/sample-course/" + name)
		fsys["sample-course/"+name] = &fstest.MapFile{Data: b}
	}
	if content == "" {
		delete(fsys, "sample-course/"+file)
	} else {
		fsys["sample-course/"+file] = &fstest.MapFile{Data: []byte(content)}
	}
	return fsys
}

func TestLoadReportsFileAndLine(t *testing.T) {
	good, _ := os.ReadFile("testdata/good/sample-course/course.yaml")
	tests := []struct {
		name, file, content, want string
	}{
		{"unknown key", "course.yaml", string(good) + "colour: blue\n", "sample-course/course.yaml:23: field colour not found"},
		{"unknown audience", "course.yaml", strings.Replace(string(good), "[teacher]", "[teacher, astronaut]", 1), `sample-course/course.yaml:8: unknown audience "astronaut"`},
		{"missing title", "course.yaml", strings.Replace(string(good), "title: A sample course\n", "", 1), "sample-course/course.yaml:1: title is required"},
		{"slug mismatch", "course.yaml", strings.Replace(string(good), "slug: sample-course", "slug: other", 1), `sample-course/course.yaml:1: slug "other" must equal the folder name`},
		{"bad recommendation", "course.yaml", strings.Replace(string(good), "recommendations: [1]", "recommendations: [1, 3]", 1), "sample-course/course.yaml:7: recommendation 3"},
		{"bad yaml", "course.yaml", "slug: [unclosed\n", "sample-course/course.yaml:"},
		{"empty lesson", "02-second.md", "---\ntitle: Empty\n---\n\n", "sample-course/02-second.md:4: the lesson has no text"},
		{"no front matter", "02-second.md", "Just text\n", "sample-course/02-second.md:1: a lesson starts with YAML front matter"},
		{"unknown lesson key", "02-second.md", "---\ntitle: T\ncolour: red\n---\ntext\n", "sample-course/02-second.md:3: field colour not found"},
		{"no correct answer", "quiz.yaml", "questions:\n  - id: q1\n    question: Q?\n    options:\n      - {text: A, feedback: x}\n      - {text: B, feedback: y}\n", "sample-course/quiz.yaml:4: no option is marked correct"},
		{"two correct", "quiz.yaml", "questions:\n  - id: q1\n    question: Q?\n    options:\n      - {text: A, correct: true}\n      - {text: B, correct: true}\n", "sample-course/quiz.yaml:4: 2 options are marked correct"},
		{"missing quiz", "quiz.yaml", "", "sample-course/quiz.yaml: a training course needs quiz.yaml"},
		{"bad lesson name", "3-third.md", "---\ntitle: x\n---\ntext", "sample-course/3-third.md: lesson file names"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := catalog.Load(broken(tt.file, tt.content), testRoles)
			var probs catalog.Problems
			if !errors.As(err, &probs) {
				t.Fatalf("want problems, got %v", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("problems:\n%v\nwant one containing %q", err, tt.want)
			}
		})
	}
}

func TestSurveyAnswerOutOfRange(t *testing.T) {
	var probs catalog.Problems
	catalog.ParseSurvey("s/survey.yaml", []byte("questions:\n  - id: p1\n    text: T\n    options: [a, b]\n    correct: 5\n"), &probs)
	if len(probs) != 1 || probs[0].Line != 5 || !strings.Contains(probs[0].Msg, "correct is 5") {
		t.Fatalf("problems = %v", probs)
	}
}

func TestReadingGrade(t *testing.T) {
	easy := "The cat sat on the mat. It was a good day. We ate lunch."
	hard := "Institutional multidisciplinary coordination necessitates comprehensive organizational accountability mechanisms notwithstanding jurisdictional heterogeneity."
	if g := catalog.FleschKincaid(easy); g > 3 {
		t.Fatalf("easy text graded %.1f", g)
	}
	if g := catalog.FleschKincaid(hard); g < 16 {
		t.Fatalf("hard text graded %.1f", g)
	}
	for word, want := range map[string]int{"cat": 1, "table": 2, "trafficking": 3, "make": 1, "education": 4} {
		if got := catalog.Syllables(word); got != want {
			t.Errorf("Syllables(%q) = %d, want %d", word, got, want)
		}
	}
}

func FuzzParseLesson(f *testing.F) {
	b, _ := os.ReadFile("testdata/good/sample-course/01-first.md")
	f.Add(b)
	f.Add([]byte("---\n---\n"))
	f.Add([]byte("---\ntitle: [\n---\n"))
	b, _ = os.ReadFile("testdata/good/sample-series/01-session.md")
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		var probs catalog.Problems
		if l := catalog.ParseLesson("f/01-x.md", data, &probs); l != nil {
			lessonRoundTrip(t, "f/01-x.md", l, probs)
		}
	})
}

func FuzzParseCourse(f *testing.F) {
	b, _ := os.ReadFile("testdata/good/sample-course/course.yaml")
	f.Add(b)
	f.Add([]byte("sources: [{url: 'http://%zz'}]"))
	for _, name := range []string{"sample-course/quiz.yaml", "sample-series/survey.yaml"} {
		b, _ := os.ReadFile("testdata/good/" + name)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		courseRoundTrip(t, data, "f", testRoles)
	})
}
