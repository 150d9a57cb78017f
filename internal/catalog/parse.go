package catalog

import (
	"net/url"
	"regexp"
	"strings"
)

var (
	slugFormat  = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	idFormat    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	gradeBands  = map[string]bool{"6-8": true, "9-12": true, "ages": true}
	languages   = map[string]bool{"en": true, "es": true}
	courseKinds = map[string]bool{KindTraining: true, KindPrevention: true}
)

// ParseCourse parses and checks one course.yaml. dir is the folder name,
// which the slug must equal.
func ParseCourse(file string, data []byte, dir string, roles map[string]bool, probs *Problems) *Course {
	c := collector{out: probs, file: file}
	var course Course
	root, ok := decodeStrict(data, &course, c, 0)
	if !ok {
		return nil
	}
	at := func(p ...any) int { return lineOf(root, 0, p...) }
	required := map[string]string{"slug": course.Slug, "code": course.Code, "version": course.Version,
		"title": course.Title, "summary": course.Summary, "kind": course.Kind, "language": course.Language}
	for _, k := range []string{"slug", "code", "version", "title", "summary", "kind", "language"} {
		if strings.TrimSpace(required[k]) == "" {
			c.add(at(k), "%s is required", k)
		}
	}
	if course.Slug != "" && course.Slug != dir {
		c.add(at("slug"), "slug %q must equal the folder name %q", course.Slug, dir)
	}
	if course.Slug != "" && !slugFormat.MatchString(course.Slug) {
		c.add(at("slug"), "slug %q may hold only a-z, 0-9 and single hyphens", course.Slug)
	}
	if course.Kind != "" && !courseKinds[course.Kind] {
		c.add(at("kind"), "kind must be training or prevention, not %q", course.Kind)
	}
	if course.Language != "" && !languages[course.Language] {
		c.add(at("language"), "language must be en or es, not %q", course.Language)
	}
	if len(course.Recommendations) == 0 {
		c.add(at("recommendations"), "recommendations is required (1 and/or 5)")
	}
	for i, r := range course.Recommendations {
		if r != 1 && r != 5 {
			c.add(at("recommendations", i), "recommendation %d: Waymark carries Recommendations 1 and 5 only", r)
		}
	}
	if len(course.Audiences) == 0 {
		c.add(at("audiences"), "audiences is required (job-role codes from seeds/roles.yaml)")
	}
	for i, a := range course.Audiences {
		if !roles[a] {
			c.add(at("audiences", i), "unknown audience %q: not a job-role code in seeds/roles.yaml", a)
		}
	}
	if course.Minutes <= 0 {
		c.add(at("minutes"), "minutes must be a positive number")
	}
	if course.RenewalMonths < 0 {
		c.add(at("renewal_months"), "renewal_months cannot be negative")
	}
	if len(course.Objectives) == 0 {
		c.add(at("objectives"), "objectives is required")
	}
	if len(course.Sources) < 2 {
		c.add(at("sources"), "cite at least two sources (title and https URL)")
	}
	for i, s := range course.Sources {
		u, err := url.Parse(s.URL)
		if strings.TrimSpace(s.Title) == "" {
			c.add(at("sources", i), "source %d needs a title", i+1)
		}
		if err != nil || u.Scheme != "https" || u.Host == "" {
			c.add(at("sources", i, "url"), "source %d needs an https URL, not %q", i+1, s.URL)
		}
	}
	checkKindFields(&course, c, at)
	return &course
}

func checkKindFields(course *Course, c collector, at func(...any) int) {
	switch course.Kind {
	case KindTraining:
		if course.PassMark < 1 || course.PassMark > 100 {
			c.add(at("pass_mark"), "pass_mark must be between 1 and 100 for a training course")
		}
		if course.GradeBand != "" || course.FacilitatorCourse != "" {
			c.add(at("grade_band"), "grade_band and facilitator_course belong to prevention courses only")
		}
	case KindPrevention:
		if course.PassMark != 0 {
			c.add(at("pass_mark"), "a prevention course has no final check, so no pass_mark")
		}
		if !gradeBands[course.GradeBand] {
			c.add(at("grade_band"), "grade_band must be 6-8, 9-12 or ages, not %q", course.GradeBand)
		}
		if course.FacilitatorCourse == "" {
			c.add(at("facilitator_course"), "facilitator_course is required for a prevention course")
		}
	}
}

// ParseLesson parses one lesson file: front matter and Markdown body.
func ParseLesson(file string, data []byte, probs *Problems) *Lesson {
	c := collector{out: probs, file: file}
	fm, body, bodyLine, ok := splitFrontMatter(data)
	if !ok {
		c.add(1, "a lesson starts with YAML front matter between two --- lines")
		return nil
	}
	var l Lesson
	root, ok := decodeStrict(fm, &l, c, 1)
	if !ok {
		return nil
	}
	if strings.TrimSpace(l.Title) == "" {
		c.add(lineOf(root, 1, "title"), "title is required")
	}
	if l.Minutes < 0 {
		c.add(lineOf(root, 1, "minutes"), "minutes cannot be negative")
	}
	l.Markdown = string(body)
	if strings.TrimSpace(l.Markdown) == "" {
		c.add(bodyLine, "the lesson has no text")
	}
	for i, q := range l.Checks {
		at := func(p ...any) int { return lineOf(root, 1, append([]any{"checks", i}, p...)...) }
		checkQuestion(q, c, at, false)
		l.Checks[i].Line = at()
	}
	seen := map[string]bool{}
	for i, cc := range l.CoreComponents {
		line := lineOf(root, 1, "core_components", i)
		if !idFormat.MatchString(cc.ID) || strings.TrimSpace(cc.Text) == "" {
			c.add(line, "a core component needs an id (a-z, 0-9, -) and text")
		}
		if seen[cc.ID] {
			c.add(line, "core component id %q is used twice", cc.ID)
		}
		seen[cc.ID] = true
	}
	html, err := RenderMarkdown(body)
	if err != nil {
		c.add(bodyLine, "markdown: %v", err)
	}
	l.HTML = html
	l.Words = len(strings.Fields(stripMarkdown(l.Markdown)))
	return &l
}

// ParseQuiz parses a final check.
func ParseQuiz(file string, data []byte, probs *Problems) []Question {
	c := collector{out: probs, file: file}
	var quiz struct {
		Questions []Question `yaml:"questions"`
	}
	root, ok := decodeStrict(data, &quiz, c, 0)
	if !ok {
		return nil
	}
	if len(quiz.Questions) == 0 {
		c.add(lineOf(root, 0, "questions"), "the final check has no questions")
	}
	ids := map[string]bool{}
	for i, q := range quiz.Questions {
		at := func(p ...any) int { return lineOf(root, 0, append([]any{"questions", i}, p...)...) }
		checkQuestion(q, c, at, true)
		quiz.Questions[i].Line = at()
		if ids[q.ID] {
			c.add(at("id"), "question id %q is used twice", q.ID)
		}
		ids[q.ID] = true
	}
	return quiz.Questions
}

func checkQuestion(q Question, c collector, at func(...any) int, needID bool) {
	if needID && !idFormat.MatchString(q.ID) {
		c.add(at("id"), "each question needs an id (a-z, 0-9, -)")
	}
	if strings.TrimSpace(q.Question) == "" {
		c.add(at("question"), "question text is required")
	}
	if len(q.Options) < 2 {
		c.add(at("options"), "a question needs at least two options")
	}
	correct := len(q.Correct())
	switch {
	case correct == 0:
		c.add(at("options"), "no option is marked correct: true")
	case !q.Multiple && correct > 1:
		c.add(at("options"), "%d options are marked correct; set multiple: true or mark one", correct)
	case q.Multiple && correct < 2:
		c.add(at("multiple"), "multiple: true needs at least two correct options")
	}
	for i, o := range q.Options {
		if strings.TrimSpace(o.Text) == "" {
			c.add(at("options", i), "option %d has no text", i+1)
		}
	}
}

// ParseSurvey parses a prevention course's pre/post knowledge items.
func ParseSurvey(file string, data []byte, probs *Problems) []SurveyQ {
	c := collector{out: probs, file: file}
	var survey struct {
		Questions []SurveyQ `yaml:"questions"`
	}
	root, ok := decodeStrict(data, &survey, c, 0)
	if !ok {
		return nil
	}
	if len(survey.Questions) == 0 {
		c.add(lineOf(root, 0, "questions"), "the survey has no questions")
	}
	ids := map[string]bool{}
	for i, q := range survey.Questions {
		at := func(p ...any) int { return lineOf(root, 0, append([]any{"questions", i}, p...)...) }
		if !idFormat.MatchString(q.ID) || ids[q.ID] {
			c.add(at("id"), "each survey item needs a unique id (a-z, 0-9, -)")
		}
		ids[q.ID] = true
		if strings.TrimSpace(q.Text) == "" {
			c.add(at("text"), "survey item text is required")
		}
		if len(q.Options) < 2 {
			c.add(at("options"), "a survey item needs at least two options")
		}
		if q.Correct < 0 || q.Correct >= len(q.Options) {
			c.add(at("correct"), "correct is %d but the options are numbered 0 to %d", q.Correct, len(q.Options)-1)
		}
	}
	return survey.Questions
}

// checkStructure checks what needs the whole folder.
func checkStructure(c *Course, dir string, probs *Problems) {
	add := func(file, msg string) { *probs = append(*probs, Problem{File: dir + "/" + file, Msg: msg}) }
	if len(c.Lessons) == 0 {
		add("course.yaml", "the course has no lessons (NN-name.md files)")
	}
	switch c.Kind {
	case KindTraining:
		if c.Quiz == nil {
			add("quiz.yaml", "a training course needs quiz.yaml with its final check")
		}
		if c.Survey != nil {
			add("survey.yaml", "survey.yaml belongs to prevention courses")
		}
	case KindPrevention:
		if c.Survey == nil {
			add("survey.yaml", "a prevention course needs survey.yaml with its pre/post items")
		}
		if c.Quiz != nil {
			add("quiz.yaml", "a prevention course has no final check")
		}
		seen := map[string]string{}
		for _, l := range c.Lessons {
			if len(l.CoreComponents) == 0 {
				add(l.File, "a prevention session lists its core_components")
			}
			for _, cc := range l.CoreComponents {
				if prev, dup := seen[cc.ID]; dup {
					add(l.File, "core component id "+cc.ID+" is also used in "+prev)
				}
				seen[cc.ID] = l.File
			}
		}
	}
}

// crossCheck checks references between courses.
func crossCheck(cat *Catalog, probs *Problems) {
	for _, c := range cat.Courses {
		file := c.Slug + "/course.yaml"
		if c.TranslationOf != "" && cat.Get(c.TranslationOf) == nil {
			*probs = append(*probs, Problem{File: file, Msg: "translation_of names an unknown course " + c.TranslationOf})
		}
		if c.FacilitatorCourse != "" {
			f := cat.Get(c.FacilitatorCourse)
			if f == nil || f.Kind != KindTraining {
				*probs = append(*probs, Problem{File: file, Msg: "facilitator_course must name a training course in the catalog: " + c.FacilitatorCourse})
			}
		}
	}
}
