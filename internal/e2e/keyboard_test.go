package e2e_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp/kb"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/testfix"
)

// focused reports whether the focused element matches sel.
func (p *tab) focused(sel string) bool {
	return eval[bool](p, `document.activeElement !== null && document.activeElement.matches(`+jsString(sel)+`)`)
}

func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// keyboardSignIn signs in with the keyboard only: Tab to the skip link,
// Enter to jump to the main content, Tab through the form, Enter to send.
func (p *tab) keyboardSignIn(email string) {
	p.t.Helper()
	p.open("/login")
	p.press(kb.Tab)
	if !p.focused("a.skip-link") {
		p.t.Fatalf("the first Tab on /login focuses %s, want the skip link", p.activeDesc())
	}
	p.assertFocusVisible()
	if !eval[bool](p, `(function(){ const r = document.activeElement.getBoundingClientRect();
	  return r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight; })()`) {
		p.t.Error("the focused skip link is not on screen")
	}
	p.press(kb.Enter)
	if !p.focused("main") {
		p.t.Errorf("Enter on the skip link left focus on %s, want main", p.activeDesc())
	}
	p.tabTo("#email", 1)
	p.press(email)
	p.tabTo("#password", 1)
	p.press(testfix.Password)
	p.keyNav(kb.Enter)
	if p.has("#password") {
		p.t.Fatalf("keyboard sign-in failed (at %s)", p.path())
	}
}

// testKeyboardSignIn signs in and out without a mouse.
func testKeyboardSignIn(t *testing.T, e *env) {
	org := testfix.Org(t, e.db, testfix.Unique("Worcester Schools "), "district", "Worcester", 0)
	_, email := testfix.User(t, e.db, org, testfix.UserSpec{Name: "Sam Keyboard", Roles: []string{"teacher"}})
	p := e.newTab(t)
	p.keyboardSignIn(email)
	p.screenshot("signed in by keyboard")

	// Sign out: Tab to the header's sign-out button, Space presses it.
	p.tabTo(`header form[action="/logout"] button`, 12)
	p.keyNav(" ")
	if got := p.path(); got != "/" {
		t.Errorf("Space on sign out went to %s, want /", got)
	}
}

// keyboardAnswer answers the final check with the keyboard only: Tab into
// each question, arrow keys to choose a radio button, Space to tick a
// checkbox. Questions not in want are left out.
func (p *tab) keyboardAnswer(c *catalog.Course, want map[string][]string) {
	p.t.Helper()
	type option struct {
		Text    string `json:"text"`
		Checked bool   `json:"checked"`
	}
	type question struct {
		ID       string   `json:"id"`
		Multiple bool     `json:"multiple"`
		Options  []option `json:"options"`
	}
	qs := eval[[]question](p, `[...document.querySelectorAll('main fieldset[id^="q-"]')].map(fs => ({id: fs.id.slice(2),
	  multiple: !!fs.querySelector("input[type=checkbox]"),
	  options: [...fs.querySelectorAll("label.choice")].map(l => ({text: l.textContent.replace(/\s+/g, " ").trim(), checked: l.querySelector("input").checked}))}))`)
	if len(qs) != len(c.Quiz) {
		p.t.Fatalf("the final check shows %d questions, the course has %d", len(qs), len(c.Quiz))
	}
	for _, q := range qs {
		texts, ok := want[q.ID]
		if !ok {
			continue
		}
		p.tabTo(`main input[name="q-`+q.ID+`"]`, 12)
		if q.Multiple {
			for j, o := range q.Options {
				if o.Checked != slices.Contains(texts, o.Text) {
					p.press(" ")
				}
				if j < len(q.Options)-1 {
					p.press(kb.Tab)
					p.assertFocusVisible()
				}
			}
			continue
		}
		target := slices.IndexFunc(q.Options, func(o option) bool { return o.Text == texts[0] })
		cur := eval[int](p, `[...document.querySelectorAll('main input[name="q-`+q.ID+`"]')].indexOf(document.activeElement)`)
		switch {
		case target > cur:
			p.press(strings.Repeat(kb.ArrowDown, target-cur))
		case target < cur:
			p.press(strings.Repeat(kb.ArrowUp, cur-target))
		default:
			p.press(" ")
		}
		p.assertFocusVisible()
		if !eval[bool](p, `document.activeElement.checked`) {
			p.t.Fatalf("question %s: the keyboard did not choose %q", q.ID, texts[0])
		}
	}
}

// firstTabIsQuickExit checks that on the page just loaded the first Tab
// lands on the quick exit.
func (p *tab) firstTabIsQuickExit() {
	p.t.Helper()
	p.press(kb.Tab)
	if !p.focused("#quick-exit") {
		p.t.Errorf("the first Tab on %s focuses %s, want the quick exit", p.path(), p.activeDesc())
	}
	p.assertFocusVisible()
}

// testKeyboardLearnerPath is the learner path with the keyboard only: Tab,
// arrow keys, Space and Enter, and Shift three times for the quick exit.
func testKeyboardLearnerPath(t *testing.T, e *env) {
	_, email := newLearner(t, e, "Alex Keyboard")
	course := e.srv.Catalog.Get(learnerCourse)
	p := e.newTab(t)
	p.keyboardSignIn(email)
	if p.path() != "/my" {
		t.Fatalf("keyboard sign-in went to %s, want /my", p.path())
	}
	p.tabTo(`main table a[href="/my/courses/`+learnerCourse+`"]`, 40)
	p.keyNav(kb.Enter)
	p.firstTabIsQuickExit()
	p.tabTo(`main a.button[href="/my/courses/`+learnerCourse+`/lessons/1"]`, 60)
	p.keyNav(kb.Enter)

	for i := range course.Lessons {
		if want := fmt.Sprintf("/my/courses/%s/lessons/%d", learnerCourse, i+1); p.path() != want {
			t.Fatalf("at %s, want %s", p.path(), want)
		}
		p.firstTabIsQuickExit()
		if i == 0 && p.has("form.check") {
			// A practice question: Space chooses, Enter on the button checks.
			p.tabTo(`main form.check input[name=option]`, 80)
			p.press(" ")
			p.tabTo(`main form.check button[type=submit]`, 6)
			p.keyNav(kb.Enter)
			if fb := p.text(`form.check [role=status]`); !strings.Contains(fb, "You chose") {
				t.Errorf("the practice answer chosen by keyboard shows %q", fb)
			}
			// The answer page opens at #check-1: Tab continues from there.
			p.press(kb.Tab)
			if !p.focused(`#check-1 input[name=option]`) {
				t.Errorf("after checking an answer, Tab focuses %s, want the question just checked", p.activeDesc())
			}
			p.assertFocusVisible()
		}
		p.tabTo(`main nav.pager a[rel=next]`, 150)
		p.keyNav(kb.Enter)
	}

	// Leave a question out; the summary's link takes focus to it.
	partial := answers(course, true)
	missing := course.Quiz[0].ID
	delete(partial, missing)
	p.firstTabIsQuickExit()
	p.keyboardAnswer(course, partial)
	p.tabTo(`main form button[type=submit]`, 6)
	if got := p.keyNav(kb.Enter); got != 422 {
		t.Errorf("a final check with a question left out: status %d, want 422", got)
	}
	p.tabTo(`.error-summary a[href="#q-`+missing+`"]`, 12)
	p.press(kb.Enter)
	p.press(kb.Tab)
	if !p.focused(`input[name="q-` + missing + `"]`) {
		t.Errorf("after the error summary's link, Tab focuses %s, want the question left out", p.activeDesc())
	}

	// Fail, then pass (a fresh check, opened from the address bar).
	p.open("/my/courses/" + learnerCourse + "/check")
	p.keyboardAnswer(course, answers(course, false))
	p.tabTo(`main form button[type=submit]`, 6)
	p.keyNav(kb.Enter)
	if msg := p.text(`main [role=status]`); !strings.Contains(msg, "did not pass") {
		t.Fatalf("after wrong answers: %q", msg)
	}
	p.tabTo(`main a.button[href="/my/courses/`+learnerCourse+`/check"]`, 40)
	p.keyNav(kb.Enter)
	p.keyboardAnswer(course, answers(course, true))
	p.tabTo(`main form button[type=submit]`, 6)
	p.keyNav(kb.Enter)
	if msg := p.text(`main [role=status]`); !strings.Contains(msg, "You passed") {
		t.Fatalf("after right answers: %q", msg)
	}
	p.tabTo(`main a[href^="/my/certificates/"]`, 40)
	href := eval[string](p, `document.activeElement.getAttribute("href")`)
	if r := p.fetch(href); r.Status != 200 || r.ContentType != "application/pdf" {
		t.Errorf("certificate: status %d, type %q", r.Status, r.ContentType)
	}

	// Shift pressed three times on a lesson leaves for the neutral page.
	p.open("/my/courses/" + learnerCourse + "/lessons/2")
	p.firstTabIsQuickExit()
	if prob := p.quickExitByShift(); prob != "" {
		t.Error(prob)
	}
}
