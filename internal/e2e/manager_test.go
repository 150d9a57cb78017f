package e2e_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/waymark/waymark/internal/testfix"
)

// completionFigure is the completion rate and its "n of m" line on /manage.
func (p *tab) completionFigure() string {
	return eval[string](p, `(function(){ const f = document.querySelector("main .figures .figure");
	  return f.querySelector(".value").textContent.trim() + " | " + f.querySelector(".small").textContent.replace(/\s+/g, " ").trim(); })()`)
}

// testManagerSeesProgress: a manager reads the completion rate, a person
// in their district completes a course, the rate changes; the manager
// drills down to the people, downloads the CSV, and sends a reminder that
// lands in the outbox.
func testManagerSeesProgress(t *testing.T, e *env) {
	ctx := context.Background()
	district := testfix.Org(t, e.db, testfix.Unique("Holyoke Public Schools "), "school_district", "Hampden", 0)
	school := testfix.Org(t, e.db, testfix.Unique("Holyoke High School "), "school", "Hampden", district)
	_, manager := testfix.User(t, e.db, district, testfix.UserSpec{Name: "Morgan Principal", Scopes: []int64{district}})
	done, doneEmail := testfix.User(t, e.db, school, testfix.UserSpec{Name: "Casey Finisher", Roles: []string{"teacher"}})
	later, _ := testfix.User(t, e.db, school, testfix.UserSpec{Name: "Riley Later", Roles: []string{"teacher"}})
	if err := e.srv.Assign(ctx, done, later); err != nil {
		t.Fatal(err)
	}

	m := e.newTab(t)
	m.signIn(manager)
	m.open("/manage")
	before := m.completionFigure()
	if !strings.HasPrefix(strings.SplitN(before, " | ", 2)[1], "0 of ") {
		t.Fatalf("before anyone finished, the completion figure is %q", before)
	}
	m.screenshot("dashboard before")

	// Casey takes the refresher's final check in another browser.
	l := e.newTab(t)
	l.signIn(doneEmail)
	course := e.srv.Catalog.Get(learnerCourse)
	for i := range course.Lessons {
		l.open("/my/courses/" + learnerCourse + "/lessons/" + strconv.Itoa(i+1))
	}
	l.open("/my/courses/" + learnerCourse + "/check")
	l.answer(answers(course, true))
	l.submit(`main form button[type=submit]`)
	if msg := l.text(`main [role=status]`); !strings.Contains(msg, "You passed") {
		t.Fatalf("Casey's final check: %q", msg)
	}

	m.open("/manage")
	after := m.completionFigure()
	if after == before || !strings.HasPrefix(strings.SplitN(after, " | ", 2)[1], "1 of ") {
		t.Errorf("the completion figure went from %q to %q, want 1 complete", before, after)
	}
	m.screenshot("dashboard after")

	// Drill down from the number of completed trainings to the person.
	m.submit(`main .figures .figure .small a`)
	if !strings.HasPrefix(m.path(), "/manage/people") {
		t.Fatalf("the figure's link went to %s", m.path())
	}
	if txt := m.mainText(); !strings.Contains(txt, "Casey Finisher") || !strings.Contains(txt, course.Title) || strings.Contains(txt, "Riley Later") {
		t.Errorf("the completed trainings list is wrong:\n%s", txt)
	}
	m.screenshot("people complete")

	// Everyone, as CSV, and a reminder to Riley.
	m.submit(`main p.meta a`) // back to the figures
	m.submit(`main a.button[href^="/manage/people"]`)
	csvHref := eval[string](m, `document.querySelector('main a.button[href*=".csv"]').getAttribute("href")`)
	r := m.fetch(csvHref)
	csv := string(r.Body())
	if r.Status != 200 || !strings.HasPrefix(r.ContentType, "text/csv") || !strings.Contains(csv, "Casey Finisher") || !strings.Contains(csv, "Riley Later") {
		t.Errorf("CSV: status %d, type %q:\n%.600s", r.Status, r.ContentType, csv)
	}
	if !strings.Contains(r.Disposition, "attachment") {
		t.Errorf("the CSV is not offered as a download: Content-Disposition %q", r.Disposition)
	}

	form := `main form[action="/manage/people/nudge"]:has(.visually-hidden)`
	assignment := eval[string](m, `(function(){ for (const f of document.querySelectorAll(`+jsString(form)+`))
	  if (f.textContent.includes("Riley Later")) return f.querySelector("input[name=assignment]").value; return ""; })()`)
	if assignment == "" {
		t.Fatal("no reminder button for Riley")
	}
	m.submit(`main form[action="/manage/people/nudge"]:has(input[name=assignment][value="` + assignment + `"]) button`)
	if flash := m.text(".flash"); flash == "" {
		t.Error("no message after sending a reminder")
	}
	m.screenshot("nudged")
	var queued int
	if err := e.db.GetContext(ctx, &queued, `SELECT count(*) FROM email_outbox WHERE assignment_id = $1 AND kind = 'nudge'`, assignment); err != nil {
		t.Fatal(err)
	}
	if queued != 1 {
		t.Errorf("%d reminder messages in the outbox, want 1", queued)
	}

	// Riley's own page, from the name in the list: the course and the reminder.
	m.open("/manage/people?q=" + url.QueryEscape("Riley Later"))
	m.submit(`main table a[href="/manage/people/` + strconv.FormatInt(later, 10) + `"]`)
	if txt := m.mainText(); !strings.Contains(txt, "Riley Later") || !strings.Contains(txt, course.Title) || !strings.Contains(txt, "Reminder from a manager") {
		t.Errorf("Riley's page:\n%s", txt)
	}
	m.screenshot("person page")

	// A reminder to the checked people about all their open training.
	m.open("/manage/people")
	m.do(chromedp.Click(chromedp.CSS(`main input[name=user][value="` + strconv.FormatInt(later, 10) + `"]`)))
	m.submit(`#bulk > p > button[type=submit]`)
	if flash := m.text(".flash"); !strings.HasPrefix(flash, "Reminders queued: 1.") {
		t.Errorf("after a bulk reminder the page says %q", flash)
	}
	if err := e.db.GetContext(ctx, &queued, `SELECT count(*) FROM email_outbox WHERE user_id = $1 AND kind = 'manual-remind'`, later); err != nil {
		t.Fatal(err)
	}
	if queued != 1 {
		t.Errorf("%d bulk reminders in the outbox for Riley, want 1", queued)
	}
}
