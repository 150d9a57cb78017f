package prevention

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/waymark/waymark/internal/helplines"
	"github.com/waymark/waymark/internal/store"
)

// Letter languages.
const (
	LangEnglish = "en"
	LangSpanish = "es"
)

// ValidLetterLang reports whether the letter exists in lang.
func ValidLetterLang(lang string) bool { return lang == LangEnglish || lang == LangSpanish }

// block is one piece of the letter: a heading, a paragraph, a bullet, or a
// slip to sign and return.
type block struct {
	kind string // "h", "p", "li", "li2", "slip"
	text string
	sub  []string // slip lines
}

// letter is the whole notice, in one language, before layout.
type letter struct {
	lang, title, subtitle, date string
	blocks                      []block
	footer                      string
}

func (l *letter) h(s string)   { l.blocks = append(l.blocks, block{kind: "h", text: s}) }
func (l *letter) p(s string)   { l.blocks = append(l.blocks, block{kind: "p", text: s}) }
func (l *letter) li(s string)  { l.blocks = append(l.blocks, block{kind: "li", text: s}) }
func (l *letter) li2(s string) { l.blocks = append(l.blocks, block{kind: "li2", text: s}) }
func (l *letter) slip(t string, lines ...string) {
	l.blocks = append(l.blocks, block{kind: "slip", text: t, sub: lines})
}

// Letter renders the parent/guardian notification letter of a class
// (G.L. c.71 §32A) as a PDF in English or Spanish. baseURL is where the
// public session guides are published.
func (s *Service) Letter(ctx context.Context, actor Actor, classID int64, lang, baseURL string) ([]byte, error) {
	if !ValidLetterLang(lang) {
		return nil, fmt.Errorf("prevention: letter language %q: %w", lang, store.ErrNotFound)
	}
	class, err := s.Class(ctx, actor, classID)
	if err != nil {
		return nil, err
	}
	cur, err := s.ClassCurriculum(ctx, class)
	if err != nil {
		return nil, err
	}
	plan, err := s.Plan(ctx, classID)
	if err != nil {
		return nil, err
	}
	l := compose(class, cur, plan, lang, strings.TrimRight(baseURL, "/"), s.now())
	return renderLetter(l)
}

// compose writes the letter's words.
func compose(c Class, cur Curriculum, plan map[int]time.Time, lang, baseURL string, now time.Time) letter {
	t := letterWords[lang]
	tr := func(s string) string { return translate(lang, s) }
	l := letter{lang: lang, title: t.title, subtitle: fmt.Sprintf(t.subtitle, tr(cur.Title), c.OrgName),
		date: longDate(lang, now)}

	l.p(t.greeting)
	var when string
	if first, last, ok := planSpan(plan); ok {
		when = fmt.Sprintf(t.when, longDate(lang, first), longDate(lang, last))
	}
	l.p(fmt.Sprintf(t.intro, c.Name, band(lang, c), tr(cur.Title), len(cur.Sessions), when))
	if cur.External {
		about := fmt.Sprintf(t.externalAbout, cur.Title)
		if cur.Provider != "" {
			about = fmt.Sprintf(t.externalAboutBy, cur.Title, cur.Provider)
		}
		l.p(about)
	} else {
		l.p(t.aims)
	}

	l.h(t.taughtHeading)
	for _, sess := range cur.Sessions {
		if cur.External {
			names := make([]string, len(sess.Components))
			for i, comp := range sess.Components {
				names[i] = comp.Label
			}
			l.li(fmt.Sprintf(t.externalSession, sess.N, strings.Join(names, "; ")))
			continue
		}
		l.li(tr(sess.Title))
	}
	if !cur.External && cur.Course != nil && len(cur.Course.Objectives) > 0 {
		l.p(t.objectivesLead)
		for _, o := range cur.Course.Objectives {
			l.li2(tr(o))
		}
	}

	l.h(t.rightHeading)
	l.p(t.right)
	if c.ConsentRequired {
		l.p(t.consent)
	}

	l.h(t.inspectHeading)
	where := c.InspectWhere
	if cur.External {
		if cur.Website != "" {
			where += " " + fmt.Sprintf(t.inspectWebsite, cur.Website)
		}
	} else if cur.Course != nil {
		where += " " + fmt.Sprintf(t.inspectOnline, baseURL+"/courses/"+cur.Course.Slug)
	}
	l.p(fmt.Sprintf(t.inspect, where))

	if len(cur.Survey) > 0 {
		l.h(t.surveyHeading)
		l.p(t.survey)
	}
	l.h(t.privacyHeading)
	l.p(t.privacy)

	l.h(t.questionsHeading)
	contact := c.ContactName
	if c.ContactPhone != "" {
		contact += ", " + t.phone + " " + c.ContactPhone
	}
	if c.ContactEmail != "" {
		contact += ", " + t.email + " " + c.ContactEmail
	}
	l.p(fmt.Sprintf(t.questions, contact))

	l.h(t.helpHeading)
	l.p(t.helpLead)
	for _, line := range helplines.All {
		l.li(helpline(lang, line))
	}
	l.p(t.closing)
	l.p(t.signoff + "\n" + c.OrgName)

	slipCur := tr(cur.Title)
	if c.ConsentRequired {
		l.slip(t.consentSlipTitle, fmt.Sprintf(t.consentSlip, slipCur), t.childLine, t.signLine,
			fmt.Sprintf(t.returnTo, c.ContactName))
	} else {
		l.slip(t.exemptSlipTitle, fmt.Sprintf(t.exemptSlip, slipCur), t.childLine, t.signLine,
			fmt.Sprintf(t.returnTo, c.ContactName))
	}
	l.footer = t.footer
	return l
}

// planSpan is the first and last planned date, if any.
func planSpan(plan map[int]time.Time) (time.Time, time.Time, bool) {
	if len(plan) == 0 {
		return time.Time{}, time.Time{}, false
	}
	days := make([]time.Time, 0, len(plan))
	for _, d := range plan {
		days = append(days, d)
	}
	sort.Slice(days, func(i, j int) bool { return days[i].Before(days[j]) })
	return days[0], days[len(days)-1], true
}

var monthsES = [...]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
	"septiembre", "octubre", "noviembre", "diciembre"}

// longDate writes a date the way a letter does in lang.
func longDate(lang string, t time.Time) string {
	if lang == LangSpanish {
		return fmt.Sprintf("%d de %s de %d", t.Day(), monthsES[t.Month()-1], t.Year())
	}
	return t.Format("January 2, 2006")
}

// band describes the class's grades or ages in lang.
func band(lang string, c Class) string {
	if lang != LangSpanish {
		return c.Band()
	}
	switch {
	case c.GradeBand == BandAges && c.AgeMin != nil && c.AgeMax != nil:
		return fmt.Sprintf("de %d a %d años", *c.AgeMin, *c.AgeMax)
	case c.GradeBand == Band68:
		return "grados 6 a 8"
	case c.GradeBand == Band912:
		return "grados 9 a 12"
	}
	return c.GradeBand
}

// helpline writes one help line in lang.
func helpline(lang string, l helplines.Line) string {
	if lang == LangSpanish {
		if es, ok := helplinesES[l.Href]; ok {
			return es
		}
	}
	return fmt.Sprintf("%s: %s %s. %s", l.Name, l.Action, l.Number, l.Details)
}

// translate returns the Spanish of a curriculum string, or the English
// when no translation is kept (the letter then still says what is taught).
func translate(lang, s string) string {
	if lang == LangSpanish {
		if es, ok := curriculumES[s]; ok {
			return es
		}
	}
	return s
}
