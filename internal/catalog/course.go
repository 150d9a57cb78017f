// Package catalog loads the curriculum from course folders, validates it
// strictly (every problem names its file and line), renders lessons from
// Markdown and syncs course versions into the database.
package catalog

// Course is one course folder, parsed and rendered.
type Course struct {
	Slug              string     `yaml:"slug" json:"slug"`
	Code              string     `yaml:"code" json:"code"`
	Version           string     `yaml:"version" json:"version"`
	Title             string     `yaml:"title" json:"title"`
	Summary           string     `yaml:"summary" json:"summary"`
	Kind              string     `yaml:"kind" json:"kind"`
	Recommendations   []int      `yaml:"recommendations" json:"recommendations"`
	Audiences         []string   `yaml:"audiences" json:"audiences"`
	Minutes           int        `yaml:"minutes" json:"minutes"`
	Language          string     `yaml:"language" json:"language"`
	TranslationOf     string     `yaml:"translation_of" json:"translation_of,omitempty"`
	General           bool       `yaml:"general" json:"general"`
	Sensitive         bool       `yaml:"sensitive" json:"sensitive"`
	Pacing            bool       `yaml:"pacing" json:"pacing"`
	PassMark          int        `yaml:"pass_mark" json:"pass_mark"`
	RenewalMonths     int        `yaml:"renewal_months" json:"renewal_months"`
	Objectives        []string   `yaml:"objectives" json:"objectives"`
	Sources           []Source   `yaml:"sources" json:"sources"`
	GradeBand         string     `yaml:"grade_band" json:"grade_band,omitempty"`
	FacilitatorCourse string     `yaml:"facilitator_course" json:"facilitator_course,omitempty"`
	Lessons           []Lesson   `yaml:"-" json:"lessons"`
	Quiz              []Question `yaml:"-" json:"quiz,omitempty"`
	Survey            []SurveyQ  `yaml:"-" json:"survey,omitempty"`
	Hash              string     `yaml:"-" json:"-"`
}

// Kinds of course.
const (
	KindTraining   = "training"
	KindPrevention = "prevention"
)

// Source is a cited public source.
type Source struct {
	Title string `yaml:"title" json:"title"`
	URL   string `yaml:"url" json:"url"`
}

// Lesson is one Markdown file; for prevention courses, one session guide.
type Lesson struct {
	Position       int         `yaml:"-" json:"position"`
	File           string      `yaml:"-" json:"file"`
	Title          string      `yaml:"title" json:"title"`
	Minutes        int         `yaml:"minutes" json:"minutes"`
	Checks         []Question  `yaml:"checks" json:"checks,omitempty"`
	Objectives     []string    `yaml:"objectives" json:"objectives,omitempty"`
	Materials      []string    `yaml:"materials" json:"materials,omitempty"`
	Timing         []Timing    `yaml:"timing" json:"timing,omitempty"`
	CoreComponents []Component `yaml:"core_components" json:"core_components,omitempty"`
	Markdown       string      `yaml:"-" json:"-"`
	HTML           string      `yaml:"-" json:"html"`
	Words          int         `yaml:"-" json:"words"`
}

// Timing is one block of a session plan.
type Timing struct {
	Minutes  int    `yaml:"minutes" json:"minutes"`
	Activity string `yaml:"activity" json:"activity"`
}

// Component is a core component of a prevention session: what must be
// delivered for fidelity.
type Component struct {
	ID   string `yaml:"id" json:"id"`
	Text string `yaml:"text" json:"text"`
}

// Question is a knowledge-check or final-check question.
type Question struct {
	ID       string   `yaml:"id" json:"id"`
	Question string   `yaml:"question" json:"question"`
	Multiple bool     `yaml:"multiple" json:"multiple"`
	Options  []Option `yaml:"options" json:"options"`
	Line     int      `yaml:"-" json:"-"` // where the question starts in its file
}

// Option is one answer choice with its feedback.
type Option struct {
	Text     string `yaml:"text" json:"text"`
	Correct  bool   `yaml:"correct" json:"correct"`
	Feedback string `yaml:"feedback" json:"feedback"`
}

// Correct returns the indexes of the correct options.
func (q Question) Correct() []int {
	var out []int
	for i, o := range q.Options {
		if o.Correct {
			out = append(out, i)
		}
	}
	return out
}

// SurveyQ is an anonymous pre/post knowledge item.
type SurveyQ struct {
	ID      string   `yaml:"id" json:"id"`
	Text    string   `yaml:"text" json:"text"`
	Options []string `yaml:"options" json:"options"`
	Correct int      `yaml:"correct" json:"correct"`
}

// Catalog is every course, in slug order.
type Catalog struct {
	Courses []*Course
	bySlug  map[string]*Course
}

// New builds a catalog from parsed courses.
func New(courses []*Course) *Catalog {
	cat := &Catalog{Courses: courses, bySlug: map[string]*Course{}}
	for _, c := range courses {
		cat.bySlug[c.Slug] = c
	}
	return cat
}

// Get returns the course with slug, or nil.
func (c *Catalog) Get(slug string) *Course { return c.bySlug[slug] }

// CoreComponents returns every core component of a prevention course.
func (c *Course) CoreComponents() []Component {
	var out []Component
	for _, l := range c.Lessons {
		out = append(out, l.CoreComponents...)
	}
	return out
}

// HasAudience reports whether role is one of the course's audiences.
func (c *Course) HasAudience(role string) bool {
	for _, a := range c.Audiences {
		if a == role {
			return true
		}
	}
	return false
}
