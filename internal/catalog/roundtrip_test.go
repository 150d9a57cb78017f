package catalog_test

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/waymark/waymark/internal/catalog"
)

// The course parsers' round trip: what parses, written back in its source
// format and parsed again, is the same value with the same problems. The
// fuzzers check it on every input that parses.

// renderLesson writes a lesson back as a lesson file: its front matter as
// YAML between --- lines, then its Markdown.
func renderLesson(t *testing.T, l *catalog.Lesson) []byte {
	t.Helper()
	return append(append([]byte("---\n"), renderYAML(t, l)...), "---\n"+l.Markdown...)
}

func renderYAML(t *testing.T, v any) []byte {
	t.Helper()
	b, err := yaml.Marshal(v)
	if err != nil {
		t.Fatalf("render %T: %v", v, err)
	}
	return b
}

// lessonRoundTrip: a parsed lesson, rendered and parsed again, is itself.
func lessonRoundTrip(t *testing.T, file string, first *catalog.Lesson, probs catalog.Problems) {
	t.Helper()
	out := renderLesson(t, first)
	var again catalog.Problems
	second := catalog.ParseLesson(file, out, &again)
	sameParse(t, out, first, second, probs, again)
}

// courseRoundTrip: a parsed course.yaml, quiz.yaml or survey.yaml,
// rendered and parsed again, is itself.
func courseRoundTrip(t *testing.T, data []byte, dir string, roles map[string]bool) {
	t.Helper()
	var p1, p2 catalog.Problems
	if c := catalog.ParseCourse("f/course.yaml", data, dir, roles, &p1); c != nil {
		out := renderYAML(t, c)
		sameParse(t, out, c, catalog.ParseCourse("f/course.yaml", out, dir, roles, &p2), p1, p2)
	}
	p1, p2 = nil, nil
	if q := catalog.ParseQuiz("f/quiz.yaml", data, &p1); q != nil {
		out := renderYAML(t, map[string]any{"questions": q})
		sameParse(t, out, q, catalog.ParseQuiz("f/quiz.yaml", out, &p2), p1, p2)
	}
	p1, p2 = nil, nil
	if s := catalog.ParseSurvey("f/survey.yaml", data, &p1); s != nil {
		out := renderYAML(t, map[string]any{"questions": s})
		sameParse(t, out, s, catalog.ParseSurvey("f/survey.yaml", out, &p2), p1, p2)
	}
}

// sameParse fails unless the two parses hold the same content (lines in
// the file apart) and found the same problems.
func sameParse[T any](t *testing.T, rendered []byte, first, second T, p1, p2 catalog.Problems) {
	t.Helper()
	a, b := contentOf(first), contentOf(second)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("parsed again, the value differs\nrendered:\n%s\nfirst:  %#v\nsecond: %#v", rendered, a, b)
	}
	if m1, m2 := messages(p1), messages(p2); !slices.Equal(m1, m2) {
		t.Fatalf("parsed again, the problems differ\nrendered:\n%s\nfirst:  %q\nsecond: %q", rendered, m1, m2)
	}
}

func messages(ps catalog.Problems) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Msg
	}
	return out
}

// contentOf is a copy of v without what depends on where things stand in
// the file (the Line fields) or on how a list was spelled (an empty list
// and none are the same).
func contentOf(v any) any {
	c := reflect.New(reflect.TypeOf(v)).Elem()
	c.Set(deepCopy(reflect.ValueOf(v)))
	return c.Interface()
}

func deepCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(deepCopy(v.Elem()))
		return p
	case reflect.Slice:
		if v.Len() == 0 {
			return reflect.Zero(v.Type())
		}
		s := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			s.Index(i).Set(deepCopy(v.Index(i)))
		}
		return s
	case reflect.Struct:
		s := reflect.New(v.Type()).Elem()
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() || v.Type().Field(i).Name == "Line" {
				continue
			}
			s.Field(i).Set(deepCopy(v.Field(i)))
		}
		return s
	}
	return v
}

// Every file of the test catalog round-trips.
func TestParsersRoundTrip(t *testing.T) {
	files, _ := filepath.Glob("testdata/good/*/*")
	if len(files) < 10 {
		t.Fatalf("test catalog: %v", files)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Base(filepath.Dir(name))
		if filepath.Ext(name) != ".md" {
			courseRoundTrip(t, data, dir, testRoles)
			continue
		}
		var probs catalog.Problems
		l := catalog.ParseLesson(name, data, &probs)
		if l == nil || l.Title == "" || len(probs) > 0 {
			t.Fatalf("%s: %v", name, probs)
		}
		lessonRoundTrip(t, name, l, probs)
	}
}
