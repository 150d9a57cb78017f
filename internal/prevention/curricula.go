package prevention

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/store"
)

// Curriculum is what a class is taught: one of our prevention courses or a
// registered licensed program. Both are tracked the same way.
type Curriculum struct {
	Ref        string // "course:<slug>" or "program:<id>"
	Title      string
	Provider   string // licensed programs only
	Website    string // licensed programs only
	External   bool
	GradeBand  string
	PrepCourse string // slug of the required preparation course; "" when none
	Sessions   []Session
	Survey     []catalog.SurveyQ
	Course     *catalog.Course // ours only
	ProgramID  int64           // licensed programs only
}

// Session is one session of a curriculum with its core components.
type Session struct {
	N          int
	Title      string
	Minutes    int
	Objectives []string
	Components []Component
}

// Component is a core component: what must be delivered for fidelity.
type Component struct {
	Key   string // catalog id, or "c<id>" for a licensed program's component
	Label string
}

// Session returns session n (1-based), or false.
func (c Curriculum) Session(n int) (Session, bool) {
	if n < 1 || n > len(c.Sessions) {
		return Session{}, false
	}
	return c.Sessions[n-1], true
}

// fromCourse builds a Curriculum from a catalog prevention course.
func fromCourse(course *catalog.Course) Curriculum {
	cur := Curriculum{Ref: "course:" + course.Slug, Title: course.Title, GradeBand: course.GradeBand,
		PrepCourse: course.FacilitatorCourse, Survey: course.Survey, Course: course}
	for i, l := range course.Lessons {
		s := Session{N: i + 1, Title: l.Title, Minutes: l.Minutes, Objectives: l.Objectives}
		for _, comp := range l.CoreComponents {
			s.Components = append(s.Components, Component{Key: comp.ID, Label: comp.Text})
		}
		cur.Sessions = append(cur.Sessions, s)
	}
	return cur
}

// Courses returns our prevention curricula from the catalog, in catalog order.
func (s *Service) Courses() []Curriculum {
	var out []Curriculum
	for _, c := range s.cat.Courses {
		if c.Kind == catalog.KindPrevention {
			out = append(out, fromCourse(c))
		}
	}
	return out
}

// Course returns our prevention curriculum with slug, or store.ErrNotFound.
func (s *Service) Course(slug string) (Curriculum, error) {
	c := s.cat.Get(slug)
	if c == nil || c.Kind != catalog.KindPrevention {
		return Curriculum{}, fmt.Errorf("prevention: curriculum %q: %w", slug, store.ErrNotFound)
	}
	return fromCourse(c), nil
}

// Curricula returns every curriculum a class may follow: ours, then the
// active licensed programs.
func (s *Service) Curricula(ctx context.Context) ([]Curriculum, error) {
	out := s.Courses()
	progs, err := s.Programs(ctx, false)
	if err != nil {
		return nil, err
	}
	for _, p := range progs {
		out = append(out, p.Curriculum())
	}
	return out, nil
}

// CurriculumByRef resolves "course:<slug>" or "program:<id>".
func (s *Service) CurriculumByRef(ctx context.Context, ref string) (Curriculum, error) {
	kind, val, _ := strings.Cut(ref, ":")
	switch kind {
	case "course":
		return s.Course(val)
	case "program":
		id, err := strconv.ParseInt(val, 10, 64)
		if err != nil {
			break
		}
		p, err := s.Program(ctx, id)
		if err != nil {
			return Curriculum{}, err
		}
		return p.Curriculum(), nil
	}
	return Curriculum{}, fmt.Errorf("prevention: curriculum %q: %w", ref, store.ErrNotFound)
}

// ClassCurriculum returns the curriculum a class follows.
func (s *Service) ClassCurriculum(ctx context.Context, c Class) (Curriculum, error) {
	if c.ProgramID != nil {
		return s.CurriculumByRef(ctx, "program:"+strconv.FormatInt(*c.ProgramID, 10))
	}
	return s.CurriculumByRef(ctx, "course:"+c.CourseSlug)
}
