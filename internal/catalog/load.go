package catalog

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
)

var lessonFile = regexp.MustCompile(`^(\d{2})-[a-z0-9-]+\.md$`)

// Load reads every course folder in fsys, validates it against the known
// job-role codes and renders its lessons. It returns every problem found.
func Load(fsys fs.FS, roles map[string]bool) (*Catalog, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, Problems{{File: ".", Msg: err.Error()}}
	}
	var probs Problems
	cat := &Catalog{bySlug: map[string]*Course{}}
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if c := loadCourse(fsys, e.Name(), roles, &probs); c != nil {
			cat.Courses = append(cat.Courses, c)
			cat.bySlug[c.Slug] = c
		}
	}
	sort.Slice(cat.Courses, func(i, j int) bool { return cat.Courses[i].Slug < cat.Courses[j].Slug })
	crossCheck(cat, &probs)
	if len(probs) > 0 {
		return cat, probs.sorted()
	}
	return cat, nil
}

func loadCourse(fsys fs.FS, dir string, roles map[string]bool, probs *Problems) *Course {
	hash := sha256.New()
	files, err := fs.ReadDir(fsys, dir)
	if err != nil {
		*probs = append(*probs, Problem{File: dir, Msg: err.Error()})
		return nil
	}
	read := func(name string) ([]byte, bool) {
		b, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, false
		}
		hash.Write([]byte(name + "\x00"))
		hash.Write(b)
		hash.Write([]byte{0})
		return b, true
	}
	yml, ok := read("course.yaml")
	if !ok {
		*probs = append(*probs, Problem{File: path.Join(dir, "course.yaml"), Msg: "missing course.yaml"})
		return nil
	}
	c := ParseCourse(path.Join(dir, "course.yaml"), yml, dir, roles, probs)
	if c == nil {
		return nil
	}
	for _, f := range files {
		name := f.Name()
		switch {
		case name == "course.yaml" || f.IsDir():
		case name == "quiz.yaml":
			b, _ := read(name)
			c.Quiz = ParseQuiz(path.Join(dir, name), b, probs)
		case name == "survey.yaml":
			b, _ := read(name)
			c.Survey = ParseSurvey(path.Join(dir, name), b, probs)
		case strings.HasSuffix(name, ".md"):
			m := lessonFile.FindStringSubmatch(name)
			if m == nil {
				*probs = append(*probs, Problem{File: path.Join(dir, name), Msg: "lesson file names look like 01-short-name.md"})
				continue
			}
			b, _ := read(name)
			if l := ParseLesson(path.Join(dir, name), b, probs); l != nil {
				l.File = name
				c.Lessons = append(c.Lessons, *l)
			}
		default:
			*probs = append(*probs, Problem{File: path.Join(dir, name), Msg: "unexpected file in a course folder"})
		}
	}
	sort.Slice(c.Lessons, func(i, j int) bool { return c.Lessons[i].File < c.Lessons[j].File })
	for i := range c.Lessons {
		c.Lessons[i].Position = i + 1
	}
	checkStructure(c, dir, probs)
	c.Hash = hex.EncodeToString(hash.Sum(nil))
	return c
}

// splitFrontMatter separates YAML front matter from a Markdown body. It
// returns the front matter, the body and the line number where the body starts.
func splitFrontMatter(b []byte) (fm, body []byte, bodyLine int, ok bool) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	if !bytes.HasPrefix(b, []byte("---\n")) {
		return nil, b, 1, false
	}
	rest := b[4:]
	end := bytes.Index(rest, []byte("\n---\n"))
	if end < 0 {
		if bytes.HasSuffix(rest, []byte("\n---")) {
			end = len(rest) - 4
		} else {
			return nil, b, 1, false
		}
	}
	fm = rest[:end+1]
	body = []byte{}
	if end+5 <= len(rest) {
		body = rest[end+5:]
	}
	return fm, body, bytes.Count(fm, []byte("\n")) + 3, true
}
