package e2e_test

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/waymark/waymark/internal/testfix"
)

var classPath = regexp.MustCompile(`^/prevention/classes/(\d+)$`)

// testFacilitatorLogsASession: a prepared facilitator adds a class (after
// one empty try), logs session 1 with its fidelity checklist, downloads
// the parent letter in both languages, and leaves with the quick exit.
func testFacilitatorLogsASession(t *testing.T, e *env) {
	ctx := context.Background()
	district := testfix.Org(t, e.db, testfix.Unique("Springfield Public Schools "), "school_district", "Hampden", 0)
	school := testfix.Org(t, e.db, testfix.Unique("Kiley Middle School "), "school", "Hampden", district)
	var schoolCode string
	if err := e.db.GetContext(ctx, &schoolCode, `SELECT code FROM organizations WHERE id = $1`, school); err != nil {
		t.Fatal(err)
	}
	fid, email := testfix.User(t, e.db, school, testfix.UserSpec{Name: "Rosa Facilitator", Facilitator: true,
		Roles: []string{"prevention-facilitator"}})
	testfix.Prepared(t, e.db, fid, "facilitator-preparation", time.Now().AddDate(0, -1, 0), time.Now().AddDate(2, 0, 0))

	p := e.newTab(t)
	p.signIn(email)
	p.open("/prevention")
	p.screenshot("prevention home")

	p.submit(`main a[href="/prevention/classes/new"]`)
	if got := p.submit(`main form button[type=submit]`); got != 422 {
		t.Fatalf("an empty class form: status %d, want 422", got)
	}
	if !p.has(`[aria-invalid="true"]`) {
		t.Error("the empty class form marks no field as invalid")
	}
	p.screenshot("class form errors")

	if p.has("select#org") {
		p.do(chromedp.SetValue(chromedp.CSS("#org"), schoolCode))
	} else {
		p.fill("#org", schoolCode)
	}
	p.fill("#name", "Grade 7 health, period 3")
	p.do(chromedp.Click(chromedp.CSS(`input[name=grade_band][value="6-8"]`)))
	p.fill("#student_count", "24")
	p.do(chromedp.SetValue(chromedp.CSS("#curriculum"), "course:youth-prevention-6-8"))
	p.fill("#contact_name", "Pat Rivera")
	p.fill("#contact_phone", "413-555-0100")
	p.fill("#inspect_where", "The main office, weekdays 8 to 3")
	p.submit(`main form button[type=submit]`)
	m := classPath.FindStringSubmatch(p.path())
	if m == nil {
		t.Fatalf("adding the class went to %s:\n%s", p.path(), p.mainText())
	}
	class := m[0]
	p.screenshot("class")

	// Log session 1: every core component delivered in full.
	p.submit(`main a[href="` + class + `/sessions/1/log"]`)
	p.do(chromedp.SetValue(chromedp.CSS("#date"), time.Now().Format(time.DateOnly)))
	p.fill("#minutes", "45")
	p.fill("#attendance", "22")
	n := eval[int](p, `(function(){ const fs = [...document.querySelectorAll('main fieldset[id^="mark_"]')];
	  fs.forEach(f => f.querySelector('input[value="delivered"]').click()); return fs.length; })()`)
	if n == 0 {
		t.Fatal("the session form has no core components to mark")
	}
	p.fill("#notes", "The group agreements took longer than planned.")
	p.screenshot("log session")
	p.submit(`main form button[type=submit]`)
	if p.path() != class {
		t.Fatalf("logging went to %s:\n%s", p.path(), p.mainText())
	}
	var logged int
	if err := e.db.GetContext(ctx, &logged, `SELECT count(*) FROM prevention_deliveries WHERE class_id = $1 AND attendance = 22`, m[1]); err != nil {
		t.Fatal(err)
	}
	if logged != 1 {
		t.Errorf("%d delivered sessions recorded, want 1", logged)
	}
	if !p.has(`main a[href^="` + class + `/deliveries/"]`) {
		t.Error("the class page does not link to the logged session's record")
	}

	// The parent letter, in English and in Spanish, as PDF.
	for _, lang := range []string{"en", "es"} {
		href := class + "/letter.pdf?lang=" + lang
		if !p.has(`main a[href="` + href + `"]`) {
			t.Errorf("the class page has no link to %s", href)
			continue
		}
		r := p.fetch(href)
		if body := r.Body(); r.Status != 200 || r.ContentType != "application/pdf" || !bytes.HasPrefix(body, []byte("%PDF-")) {
			t.Errorf("letter %s: status %d, type %q, %d bytes", lang, r.Status, r.ContentType, len(body))
		}
	}

	// Typing on the session form is safe: Esc and Shift in a field never
	// leave the page.
	p.open(class + "/sessions/2/log")
	if prob := p.quickExitSparesTyping("#notes"); prob != "" {
		t.Error(prob)
	}

	// The quick exit: first Tab, then Shift three times leaves for the
	// neutral page.
	p.open(class)
	p.press(kb.Tab)
	if !p.focused("#quick-exit") {
		t.Errorf("the first Tab on the class page focuses %s, want the quick exit", p.activeDesc())
	}
	p.assertFocusVisible()
	if prob := p.quickExitByShift(); prob != "" {
		t.Error(prob)
	}
	if strings.Contains(p.location(), class) {
		t.Error("still on the class page after the quick exit")
	}
}
