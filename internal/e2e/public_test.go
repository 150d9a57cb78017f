package e2e_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/waymark/waymark/internal/testfix"
)

// testPublicPages visits the pages anyone can see; each one is checked.
func testPublicPages(t *testing.T, e *env) {
	p := e.newTab(t)

	// The strict CSP stays on (no inline script), and axe still runs: it is
	// evaluated through DevTools, which the page's CSP does not govern.
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(e.srv.URL+"/"))
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	csp, _ := resp.Headers["Content-Security-Policy"].(string)
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP = %q, want script-src 'self' without unsafe-inline", csp)
	}
	if inline := eval[bool](p, `(function(){ const s = document.createElement("script"); s.textContent = "window.inlineRan = true";
	  document.head.appendChild(s); return window.inlineRan === true; })()`); inline {
		t.Error("the page's CSP lets an inline script run")
	}
	if p.axeViolations(); !eval[bool](p, `typeof axe.run === "function"`) {
		t.Fatal("axe-core did not load into the page")
	}

	// Some course pages are in Spanish; the youth series are prevention.
	slugs := []string{"foundations", "parents-caregivers-es", "youth-prevention-6-8"}
	for _, s := range slugs {
		if e.srv.Catalog.Get(s) == nil {
			t.Fatalf("the shipped catalog has no course %q", s)
		}
	}
	pages := []struct {
		path   string
		status int64
		want   string
		shot   string
	}{
		{"/", 200, "Waymark", "home"},
		{"/courses", 200, "Course catalog", "catalog"},
		{"/courses?kind=prevention&audience=prevention-facilitator", 200, "Course catalog", ""},
		{"/courses/" + slugs[0], 200, e.srv.Catalog.Get(slugs[0]).Title, "course"},
		{"/courses/" + slugs[1], 200, e.srv.Catalog.Get(slugs[1]).Title, "course-es"},
		{"/courses/" + slugs[2], 200, e.srv.Catalog.Get(slugs[2]).Title, ""},
		{"/login", 200, "Sign in", "login"},
		{"/no-such-page", 404, "Page not found", ""},
	}
	for _, pg := range pages {
		if got := p.open(pg.path); got != pg.status {
			t.Errorf("%s: status %d, want %d", pg.path, got, pg.status)
		}
		if h1 := p.text("h1"); h1 != pg.want {
			t.Errorf("%s: h1 %q, want %q", pg.path, h1, pg.want)
		}
		if pg.shot != "" {
			p.screenshot(pg.shot)
		}
		if pg.shot == "home" || pg.shot == "catalog" {
			p.setFontSize(32)
			p.screenshotViewport(pg.shot + " text 200%")
			p.setFontSize(16)
		}
	}

	// A Spanish course's overview page is in Spanish (lang=es), with the
	// site's own English parts marked lang=en (WCAG 3.1.2); the course is
	// sensitive, so the page has the quick exit, in Spanish.
	p.open("/courses/" + slugs[1])
	if got := eval[string](p, `[document.documentElement.lang, document.querySelector("header").lang, document.querySelector("main dl").lang,
	  document.querySelector(".quick-exit-bar").lang].join(" ")`); got != "es en en " {
		t.Errorf("languages of the Spanish course page (html header facts quick-exit) = %q, want \"es en en \"", got)
	}
	if got := p.text("#quick-exit"); got != "Salir de esta página" {
		t.Errorf("the Spanish course page's quick exit says %q, want it in Spanish", got)
	}
	// The visible quick exit is a link that works without any script.
	if prob := p.quickExitWithoutScripts(); prob != "" {
		t.Error(prob)
	}
	for _, s := range []string{slugs[0], slugs[2]} { // sensitive; prevention
		if p.open("/courses/" + s); !p.has("#quick-exit") {
			t.Errorf("the public page of %s has no quick exit", s)
		}
	}

	// The catalog filter works from the form.
	p.open("/courses")
	p.do(chromedp.SetValue(chromedp.CSS("#kind"), "prevention"))
	p.submit(`form.filters button[type=submit]`)
	if got := p.path(); !strings.Contains(got, "kind=prevention") {
		t.Errorf("the filter went to %s", got)
	}
	if txt := p.mainText(); strings.Contains(txt, e.srv.Catalog.Get("foundations").Title) {
		t.Errorf("the prevention filter still lists a training course")
	}
}

// testSignInAndOut signs in through the real form, with the field errors
// and the wrong-password message on the way, then signs out.
func testSignInAndOut(t *testing.T, e *env) {
	org := testfix.Org(t, e.db, testfix.Unique("Springfield Police "), "police", "Hampden", 0)
	_, email := testfix.User(t, e.db, org, testfix.UserSpec{Name: "Jordan Learner", Roles: []string{"patrol-officer"}})
	p := e.newTab(t)

	p.open("/login")
	// An empty form: each field says what is missing, tied to the field.
	if got := p.submit(`main form button[type=submit]`); got != 422 {
		t.Errorf("empty sign-in: status %d, want 422", got)
	}
	for _, f := range []string{"email", "password"} {
		attrs := eval[map[string]string](p, `(function(){ const f = document.getElementById("`+f+`");
		  const ids = (f.getAttribute("aria-describedby")||"").split(" ");
		  return {invalid: f.getAttribute("aria-invalid")||"", describedby: ids.includes("`+f+`-error") ? "`+f+`-error" : ids.join(" "),
		    message: (document.getElementById("`+f+`-error")||{}).textContent||""}; })()`)
		// The email field is also described by its hint (agency sign-in).
		if attrs["invalid"] != "true" || attrs["describedby"] != f+"-error" || attrs["message"] == "" {
			t.Errorf("%s field after an empty submit: %v", f, attrs)
		}
	}
	p.screenshot("sign-in errors")

	// A wrong password: one message for the whole form, announced.
	p.fill("#email", email)
	p.fill("#password", "not the password")
	if got := p.submit(`main form button[type=submit]`); got != 422 {
		t.Errorf("wrong password: status %d, want 422", got)
	}
	if msg := p.text(`.error-summary[role=alert]`); !strings.Contains(msg, "not right") {
		t.Errorf("wrong password message = %q", msg)
	}

	p.signIn(email)
	if !eval[bool](p, `[...document.querySelectorAll("header button")].some(b => b.textContent.includes("Sign out"))`) {
		t.Fatalf("no sign-out button after signing in (at %s)", p.path())
	}
	p.submit(`header form[action="/logout"] button`)
	if got := p.path(); got != "/" {
		t.Errorf("after sign-out at %s, want /", got)
	}
	if flash := p.text(".flash"); !strings.Contains(flash, "signed out") {
		t.Errorf("flash = %q", flash)
	}
	if p.has(`header form[action="/logout"]`) {
		t.Error("still signed in after signing out")
	}
}

// signIn signs in through the form with the fixture password and checks
// the page it lands on.
func (p *tab) signIn(email string) {
	p.t.Helper()
	p.open("/login")
	p.fill("#email", email)
	p.fill("#password", testfix.Password)
	p.submit(`main form button[type=submit]`)
	if p.has("#password") {
		p.t.Fatalf("sign-in as a fixture user failed (at %s): %s", p.path(), p.mainText())
	}
}
