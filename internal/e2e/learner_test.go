package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/pdf/pdftest"
	"github.com/waymark/waymark/internal/testfix"
)

// learnerCourse is the course the learner flows take: required of patrol
// officers by the shipped matrix, short, and marked sensitive (so its
// pages carry the content note and the quick exit).
const learnerCourse = "annual-refresher"

var certCode = regexp.MustCompile(`\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b`)

// newLearner makes a patrol officer with the assignments the matrix gives
// the role, as the people area does when someone gets a job role.
func newLearner(t *testing.T, e *env, name string) (int64, string) {
	t.Helper()
	org := testfix.Org(t, e.db, testfix.Unique("Lowell Police Department "), "police_department", "Middlesex", 0)
	id, email := testfix.User(t, e.db, org, testfix.UserSpec{Name: name, Roles: []string{"patrol-officer"}})
	if err := e.srv.Assign(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	return id, email
}

// answers says, for each question id, which options to choose: the
// correct ones, or one wrong one.
func answers(c *catalog.Course, right bool) map[string][]string {
	out := map[string][]string{}
	for _, q := range c.Quiz {
		for _, o := range q.Options {
			if o.Correct == right {
				out[q.ID] = append(out[q.ID], o.Text)
				if !right {
					break
				}
			}
		}
	}
	return out
}

// chooseJS ticks, in every question of the final check, the options whose
// label text is listed for it, and returns how many questions it answered.
const chooseJS = `(function(want){ let n = 0;
  const norm = s => s.replace(/\s+/g, " ").trim();
  for (const fs of document.querySelectorAll('main fieldset[id^="q-"]')) {
    const texts = (want[fs.id.slice(2)] || []).map(norm);
    let any = false;
    for (const l of fs.querySelectorAll("label.choice")) {
      const input = l.querySelector("input"), on = texts.includes(norm(l.textContent));
      if (input.checked !== on) input.click();
      any = any || on;
    }
    if (any) n++;
  }
  return n; })`

func (p *tab) answer(want map[string][]string) int {
	p.t.Helper()
	b, _ := json.Marshal(want)
	return eval[int](p, chooseJS+`(`+string(b)+`)`)
}

// testLearnerPath: a patrol officer signs in, finds the refresher on My
// training, reads every lesson, leaves a question out, fails the final
// check, passes it, downloads the certificate, and the public verify page
// confirms it.
func testLearnerPath(t *testing.T, e *env) {
	_, email := newLearner(t, e, "Jordan Rivera")
	course := e.srv.Catalog.Get(learnerCourse)
	p := e.newTab(t)
	p.signIn(email)
	if p.path() != "/my" {
		t.Fatalf("sign-in went to %s, want /my", p.path())
	}
	// On a phone: one card per course, its one button on screen.
	p.useWidth(phoneW, phoneH)
	p.open("/my")
	link := `main .training-card a.button[href="/my/courses/` + learnerCourse + `"]`
	if !p.has(link) {
		t.Fatalf("My training has no Start button for %s on a card:\n%s", learnerCourse, p.mainText())
	}
	if prob := eval[string](p, `(function(){ const b = document.querySelector(`+jsString(link)+`).getBoundingClientRect();
	  if (b.width === 0 || b.left < 0 || b.right > innerWidth) return "the Start button is off screen: " + b.left + "–" + b.right + " of " + innerWidth;
	  if (getComputedStyle(document.querySelector("main table.training").parentElement).display !== "none") return "the table shows on a phone too";
	  if (!document.querySelector('main a[href="/my/certificates"]') || !document.querySelector('main a[href="/my/transcript.pdf"]')) return "no links to the certificates and the transcript";
	  return ""; })()`); prob != "" {
		t.Error(prob)
	}
	p.screenshot("my training phone")

	p.submit(link)
	if !p.has(".content-note") || !p.has("#quick-exit") {
		t.Error("the course page of a sensitive course lacks the content note or the quick exit")
	}
	p.screenshot("course")
	p.submit(`main a.button[href="/my/courses/` + learnerCourse + `/lessons/1"]`)
	for i, l := range course.Lessons {
		if h1 := p.text("h1"); h1 != l.Title {
			t.Fatalf("lesson %d: h1 %q, want %q", i+1, h1, l.Title)
		}
		if p.has("form.check") && !p.has(".feedback-ok, .feedback-bad") {
			// Try a practice question: choose the first answer and check it.
			p.do(clickJS(`main form.check input[name=option]`))
			p.submit(`main form.check button[type=submit]`)
			if fb := p.text(`form.check [role=status]`); !strings.Contains(fb, "You chose") {
				t.Errorf("lesson %d: checking a practice answer shows %q", i+1, fb)
			}
		}
		if i == 0 {
			p.screenshot("lesson 1")
			// The lesson text is the first thing under the heading; the
			// full content note was on the course page, this visit's first.
			if got := eval[string](p, `(function(){ const n = document.querySelector("h1").nextElementSibling;
			  return n && n.firstElementChild ? n.firstElementChild.tagName + " " + !!document.querySelector(".content-note") : "nothing"; })()`); got != "ARTICLE false" {
				t.Errorf("under the lesson's heading: %q, want the lesson text (ARTICLE) and no full content note", got)
			}
		}
		p.submit(`main nav.pager a[rel=next]`)
	}
	if want := "/my/courses/" + learnerCourse + "/check"; p.path() != want {
		t.Fatalf("after the last lesson at %s, want %s", p.path(), want)
	}

	// Leave the last question out: the page says which, tied to the question.
	partial := answers(course, true)
	delete(partial, course.Quiz[len(course.Quiz)-1].ID)
	p.answer(partial)
	if got := p.submit(`main form button[type=submit]`); got != 422 {
		t.Errorf("a final check with a question left out: status %d, want 422", got)
	}
	if !p.has(`.error-summary a[href="#q-` + course.Quiz[len(course.Quiz)-1].ID + `"]`) {
		t.Error("the error summary does not link to the question left out")
	}
	p.screenshot("final check missing answer")

	// Fail, then pass.
	if n := p.answer(answers(course, false)); n != len(course.Quiz) {
		t.Fatalf("answered %d of %d questions", n, len(course.Quiz))
	}
	p.submit(`main form button[type=submit]`)
	if msg := p.text(`main [role=status]`); !strings.Contains(msg, "did not pass") {
		t.Fatalf("after wrong answers: %q", msg)
	}
	p.screenshot("failed")
	p.submit(`main a.button[href="/my/courses/` + learnerCourse + `/check"]`)
	if n := p.answer(answers(course, true)); n != len(course.Quiz) {
		t.Fatalf("answered %d of %d questions", n, len(course.Quiz))
	}
	p.submit(`main form button[type=submit]`)
	if msg := p.text(`main [role=status]`); !strings.Contains(msg, "You passed") {
		t.Fatalf("after right answers: %q", msg)
	}
	p.screenshot("passed")

	// The certificate: a PDF with a code the public verify page confirms.
	href := eval[string](p, `(document.querySelector('main a[href^="/my/certificates/"]') || {}).getAttribute?.("href") || ""`)
	if href == "" {
		t.Fatal("the result page has no certificate link")
	}
	r := p.fetch(href)
	pdf := r.Body()
	if r.Status != 200 || r.ContentType != "application/pdf" || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("certificate: status %d, type %q, %d bytes", r.Status, r.ContentType, len(pdf))
	}
	text := pdftest.Text(t, pdf)
	code := certCode.FindString(text)
	if code == "" || !strings.Contains(text, "Jordan Rivera") {
		t.Fatalf("the certificate has no code or no name:\n%s", text)
	}
	p.open("/my")
	if !p.has(`main .training-card a.button[href="` + href + `"]`) {
		t.Error("My training does not offer the certificate as the course's button")
	}
	if got := eval[string](p, `document.querySelector('main .training-card a.button[href="`+href+`"]').closest(".training-card").innerText`); !strings.Contains(got, "Completed ") ||
		!strings.Contains(got, "Valid until ") || strings.Contains(got, "Due ") {
		t.Errorf("the completed course's card shows %q, want its completion and expiry dates and no due date", got)
	}
	p.open("/my/certificates")

	v := e.newTab(t) // anyone, not signed in
	v.open("/verify")
	v.fill("#code", "ABCD-EFGH")
	if got := v.submit(`main form button[type=submit]`); got != 422 {
		t.Errorf("a malformed code: status %d, want 422", got)
	}
	v.fill("#code", strings.ToLower(code))
	v.submit(`main form button[type=submit]`)
	if v.path() != "/verify/"+code {
		t.Errorf("verifying went to %s, want /verify/%s", v.path(), code)
	}
	got := v.mainText()
	for _, want := range []string{"Valid", "Jordan Rivera", course.Title, code} {
		if !strings.Contains(got, want) {
			t.Errorf("the verify page lacks %q:\n%s", want, got)
		}
	}
	v.screenshot("verify")
}
