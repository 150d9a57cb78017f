package catalog

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/waymark/waymark/internal/helplines"
)

// Stigmatizing terms that must never appear in course text.
var stigmatizing = []string{
	"child prostitute", "teen prostitute", "juvenile prostitute", "underage prostitute",
	"child prostitution", "prostituted child", "child sex worker", "teen sex worker",
}

// Minimum body words per lesson, by kind.
const (
	minTrainingWords   = 350
	minPreventionWords = 300
	maxGeneralGrade    = 10.0
	minQuizQuestions   = 8
	maxQuizQuestions   = 12
)

var (
	phoneLike = regexp.MustCompile(`\b(?:1[-. ])?\(?\d{3}\)?[-. ]\d{3}[-. ]\d{4}\b|\b\d{5,6}\b|\b9-?1-?1\b|\b7-?1-?1\b`)
	catchAll  = regexp.MustCompile(`(?i)\b(all|none|both) of (the )?(above|these|them)\b`)
)

// Lint applies the content rules to a loaded catalog: language, help lines,
// lesson length, reading level, final-check shape and whether the length of
// the options gives the answer away.
func Lint(cat *Catalog) Problems {
	var probs Problems
	allowed := helplines.Numbers()
	for _, c := range cat.Courses {
		add := func(file, format string, args ...any) {
			probs = append(probs, Problem{File: c.Slug + "/" + file, Msg: fmt.Sprintf(format, args...)})
		}
		texts := map[string]string{"course.yaml": c.Title + "\n" + c.Summary + "\n" + strings.Join(c.Objectives, "\n")}
		for _, l := range c.Lessons {
			texts[l.File] = lessonText(l)
		}
		if len(c.Quiz) > 0 {
			texts["quiz.yaml"] = questionsText(c.Quiz)
		}
		for file, text := range texts {
			lower := strings.ToLower(text)
			for _, term := range stigmatizing {
				if strings.Contains(lower, term) {
					add(file, "stigmatizing term %q: use people-first language", term)
				}
			}
			for _, n := range phoneLike.FindAllString(text, -1) {
				if !allowed[n] {
					add(file, "number %q is not one of the shared help lines (internal/helplines)", n)
				}
			}
		}
		lintLessons(c, add)
		lintLengthCues(c, &probs)
		if c.Kind == KindTraining {
			lintQuiz(c.Quiz, func(format string, args ...any) { add("quiz.yaml", format, args...) })
		}
	}
	return probs.sorted()
}

func lintLessons(c *Course, add func(file, format string, args ...any)) {
	min := minTrainingWords
	if c.Kind == KindPrevention {
		min = minPreventionWords
	}
	for _, l := range c.Lessons {
		if l.Words < min {
			add(l.File, "lesson has %d words; at least %d are expected", l.Words, min)
		}
		if c.General && c.Language == "en" {
			if g := FleschKincaid(stripMarkdown(l.Markdown)); g > maxGeneralGrade {
				add(l.File, "reading grade %.1f is above %.0f for a general module: shorter sentences, plainer words", g, maxGeneralGrade)
			}
		}
		for _, q := range l.Checks {
			lintOptions(q, func(format string, args ...any) { add(l.File, format, args...) })
		}
	}
}

func lintQuiz(qs []Question, add func(format string, args ...any)) {
	if n := len(qs); n < minQuizQuestions || n > maxQuizQuestions {
		add("the final check has %d questions; it needs %d to %d", n, minQuizQuestions, maxQuizQuestions)
	}
	for _, q := range qs {
		lintOptions(q, add)
	}
}

func lintOptions(q Question, add func(format string, args ...any)) {
	for i, o := range q.Options {
		if strings.TrimSpace(o.Feedback) == "" {
			add("question %q option %d has no feedback", short(q.Question), i+1)
		}
		if catchAll.MatchString(o.Text) {
			add("question %q option %d is a catch-all (%q): write a real option", short(q.Question), i+1, o.Text)
		}
	}
}

func lessonText(l Lesson) string {
	var b strings.Builder
	b.WriteString(l.Title + "\n" + l.Markdown + "\n")
	b.WriteString(questionsText(l.Checks))
	for _, cc := range l.CoreComponents {
		b.WriteString(cc.Text + "\n")
	}
	return b.String()
}

func questionsText(qs []Question) string {
	var b strings.Builder
	for _, q := range qs {
		b.WriteString(q.Question + "\n")
		for _, o := range q.Options {
			b.WriteString(o.Text + "\n" + o.Feedback + "\n")
		}
	}
	return b.String()
}

func short(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
