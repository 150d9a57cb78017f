package web_test

import (
	"context"
	"encoding/csv"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
)

// reportWorld is a district with two schools, another district, and people
// with assignments in each, relative to the real clock (the app's).
type reportWorld struct {
	district, school, other        int64
	manager, otherManager, learner string // emails
	admin                          string
	alice, bob, carol              string // names: alice and bob in the school, carol in the other district
	aliceOverdue, carolOverdue     int64  // assignment ids
}

func newReportWorld(t *testing.T) reportWorld {
	t.Helper()
	db := testdb.DB(t)
	var w reportWorld
	w.district = testfix.Org(t, db, "Report District "+testfix.Unique(""), "school_district", "Hampden", 0)
	w.school = testfix.Org(t, db, "Report School "+testfix.Unique(""), "school", "Hampden", w.district)
	w.other = testfix.Org(t, db, "Other District "+testfix.Unique(""), "school_district", "Worcester", 0)
	_, w.manager = testfix.User(t, db, w.district, testfix.UserSpec{Name: "District Manager", Scopes: []int64{w.district}})
	_, w.otherManager = testfix.User(t, db, w.other, testfix.UserSpec{Name: "Other Manager", Scopes: []int64{w.other}})
	_, w.learner = testfix.User(t, db, w.school, testfix.UserSpec{Name: "Just Learner", Roles: []string{"teacher"}})
	_, w.admin = testfix.User(t, db, w.other, testfix.UserSpec{Name: "State Admin", Admin: true})
	w.alice, w.bob, w.carol = "=HYPERLINK(Alice "+testfix.Unique("")+")", "Bob "+testfix.Unique(""), "Carol "+testfix.Unique("")
	alice, _ := testfix.User(t, db, w.school, testfix.UserSpec{Name: w.alice, Roles: []string{"teacher"}})
	bob, _ := testfix.User(t, db, w.school, testfix.UserSpec{Name: w.bob, Roles: []string{"teacher"}})
	carol, _ := testfix.User(t, db, w.other, testfix.UserSpec{Name: w.carol, Roles: []string{"teacher"}})
	course, _ := testfix.CourseRow(t, db, "Report course")
	now := time.Now()
	past, future := now.AddDate(0, 0, -5), now.AddDate(0, 0, 40)
	w.aliceOverdue, _ = testfix.CycleRow(t, db, testfix.Cycle{UserID: alice, CourseID: course, AssignedAt: now.AddDate(0, -2, 0), DueAt: &past})
	testfix.CycleRow(t, db, testfix.Cycle{UserID: bob, CourseID: course, AssignedAt: now.AddDate(0, -2, 0), DueAt: &future,
		Status: "completed", CompletedAt: now.AddDate(0, 0, -1)})
	w.carolOverdue, _ = testfix.CycleRow(t, db, testfix.Cycle{UserID: carol, CourseID: course, AssignedAt: now.AddDate(0, -2, 0), DueAt: &past})
	return w
}

func TestReportDashboardPage(t *testing.T) {
	app := newApp(t)
	w := newReportWorld(t)
	c := newClient(t, app)
	c.login(w.manager, testfix.Password)
	r := c.get("/manage")
	if r.Status != 200 {
		t.Fatalf("GET /manage: %d\n%s", r.Status, r.Body)
	}
	for _, want := range []string{
		"<h1>Training completion: Report District",
		`role="img"`, "<title id=\"chart-by-organization-title\">", "<desc id=", `<th scope="col">Organization</th>`,
		"<caption>By organization: figures, each linked to the people behind it</caption>",
		"<caption>Completions and completion rate by month</caption>",
		"50.0%", // one of two complete
		"/manage/people?org=" + id(w.district) + "&amp;status=overdue",
		"/manage/people?org=" + id(w.school) + "&amp;status=complete",
		"/manage?org=" + id(w.school),
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	if strings.Contains(r.Body, "style=") {
		t.Error("the dashboard has an inline style, which the CSP blocks")
	}
	if strings.Contains(r.Body, "By county") {
		t.Error("a manager's dashboard shows the statewide county breakdown")
	}
	// Another district's organization is not found, like one that does not exist.
	if r := c.get("/manage?org=" + id(w.other)); r.Status != 404 {
		t.Errorf("manager focusing on another district: %d", r.Status)
	}
	if r := c.get("/manage?org=abc"); r.Status != 400 {
		t.Errorf("malformed org: %d", r.Status)
	}

	learner := newClient(t, app)
	learner.login(w.learner, testfix.Password)
	if r := learner.get("/manage"); r.Status != 403 {
		t.Errorf("a learner opening /manage: %d", r.Status)
	}

	admin := newClient(t, app)
	admin.login(w.admin, testfix.Password)
	for _, path := range []string{"/admin/reports", "/manage"} {
		r := admin.get(path)
		if r.Status != 200 || !strings.Contains(r.Body, "Training completion statewide") || !strings.Contains(r.Body, "By county") ||
			!strings.Contains(r.Body, "By type of organization") || !strings.Contains(r.Body, "Hampden") {
			t.Errorf("admin %s: %d", path, r.Status)
		}
	}
}

func TestReportPeoplePage(t *testing.T) {
	app := newApp(t)
	w := newReportWorld(t)
	c := newClient(t, app)
	c.login(w.manager, testfix.Password)
	r := c.get("/manage/people?status=overdue")
	if r.Status != 200 {
		t.Fatalf("drill-down: %d\n%s", r.Status, r.Body)
	}
	if !strings.Contains(r.Body, "HYPERLINK(Alice") || strings.Contains(r.Body, w.bob) || strings.Contains(r.Body, w.carol) {
		t.Errorf("overdue drill-down shows the wrong people")
	}
	if !strings.Contains(r.Body, `name="assignment" value="`+id(w.aliceOverdue)+`"`) {
		t.Error("no reminder form for an overdue training")
	}
	all := c.get("/manage/people")
	if !strings.Contains(all.Body, w.bob) || strings.Contains(all.Body, w.carol) {
		t.Error("the manager's drill-down must list their people and no one else's")
	}
	for path, status := range map[string]int{
		"/manage/people?org=" + id(w.other):     404,
		"/manage/people?status=everything":      400,
		"/manage/people?sort=drop_table":        200,
		"/manage/people?page=99999":             200,
		"/manage/people.csv?org=" + id(w.other): 404,
	} {
		if r := c.get(path); r.Status != status {
			t.Errorf("%s: %d, want %d", path, r.Status, status)
		}
	}
}

func TestReportCSVExport(t *testing.T) {
	app := newApp(t)
	w := newReportWorld(t)
	c := newClient(t, app)
	c.login(w.manager, testfix.Password)
	r := c.get("/manage/people.csv?org=" + id(w.district))
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %v", r.Status, r.Header)
	}
	if !strings.Contains(r.Body, "\r\n") || strings.Contains(strings.ReplaceAll(r.Body, "\r\n", ""), "\n") {
		t.Error("CSV records must end with CRLF")
	}
	recs, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[0][0] != "Name" {
		t.Fatalf("want a header and two rows, got %q", recs)
	}
	names := recs[1][0] + "|" + recs[2][0]
	if !strings.Contains(names, "'=HYPERLINK(Alice") || !strings.Contains(names, w.bob) || strings.Contains(r.Body, w.carol) {
		t.Errorf("export rows: %q", names)
	}
	other := newClient(t, app)
	other.login(w.otherManager, testfix.Password)
	if r := other.get("/manage/people.csv"); strings.Contains(r.Body, w.bob) || !strings.Contains(r.Body, w.carol) {
		t.Errorf("another district's manager exports %q", r.Body)
	}
}

func TestReportNudge(t *testing.T) {
	app := newApp(t)
	w := newReportWorld(t)
	db := testdb.DB(t)
	c := newClient(t, app)
	c.login(w.manager, testfix.Password)
	back := "/manage/people?status=overdue"
	aliceForm := `name="assignment" value="` + id(w.aliceOverdue) + `"`
	if r := c.get(back); !strings.Contains(r.Body, aliceForm) || strings.Contains(r.Body, "Reminder sent today") {
		t.Fatal("before any nudge the row should offer the reminder button")
	}
	outbox := func(assignment int64) int {
		var n int
		db.GetContext(context.Background(), &n, `SELECT count(*) FROM email_outbox WHERE assignment_id = $1 AND kind = 'nudge'`, assignment)
		return n
	}
	for i := 0; i < 2; i++ {
		r := c.post("/manage/people/nudge", url.Values{"assignment": {id(w.aliceOverdue)}, "back": {back}})
		if r.Status != 303 || r.Location != back {
			t.Fatalf("nudge %d: %d → %q", i+1, r.Status, r.Location)
		}
	}
	if n := outbox(w.aliceOverdue); n != 1 {
		t.Errorf("%d nudges queued after two clicks on one day, want 1", n)
	}
	r := c.get(back)
	if !strings.Contains(r.Body, "already sent today") {
		t.Error("the second nudge does not say it was already sent")
	}
	if strings.Contains(r.Body, aliceForm) || !strings.Contains(r.Body, "Reminder sent today") {
		t.Error("after today's nudge the row still offers the button instead of saying it was sent")
	}
	// Outside the scope: not found, nothing queued.
	if r := c.post("/manage/people/nudge", url.Values{"assignment": {id(w.carolOverdue)}}); r.Status != 404 {
		t.Errorf("nudge outside the scope: %d", r.Status)
	}
	if n := outbox(w.carolOverdue); n != 0 {
		t.Errorf("a nudge outside the scope queued %d messages", n)
	}
	// Without the CSRF token: refused.
	r = c.do("POST", "/manage/people/nudge", url.Values{"assignment": {id(w.aliceOverdue)}})
	if r.Status != 403 {
		t.Errorf("nudge without CSRF: %d", r.Status)
	}
	// An off-site "back" is ignored.
	r = c.post("/manage/people/nudge", url.Values{"assignment": {id(w.aliceOverdue)}, "back": {"https://evil.example/"}})
	if r.Location != "/manage/people" {
		t.Errorf("redirect to %q", r.Location)
	}
}

// TestOnTimeFigureSaysWhatItCounts is the chief whose only completion is
// not due until next year: the completion is on time (100%), and the page
// says it counts completed or past-due trainings, never that it "came due".
func TestOnTimeFigureSaysWhatItCounts(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	dept := testfix.Org(t, db, "Chief's Department "+testfix.Unique(""), "police_department", "Hampden", 0)
	_, chief := testfix.User(t, db, dept, testfix.UserSpec{Name: "The Chief", Scopes: []int64{dept}})
	officer, _ := testfix.User(t, db, dept, testfix.UserSpec{Name: "Early Officer " + testfix.Unique(""), Roles: []string{"teacher"}})
	course, _ := testfix.CourseRow(t, db, "Early course")
	now := time.Now()
	nextYear := now.AddDate(1, 0, 0)
	testfix.CycleRow(t, db, testfix.Cycle{UserID: officer, CourseID: course, AssignedAt: now.AddDate(0, -1, 0), DueAt: &nextYear,
		Status: "completed", CompletedAt: now.AddDate(0, 0, -2)})
	c := newClient(t, app)
	c.login(chief, testfix.Password)
	r := c.get("/manage")
	figure := regexp.MustCompile(`(?s)<span class="figure-label">On-time rate</span>(.*?)</li>`).FindStringSubmatch(r.Body)
	if r.Status != 200 || figure == nil {
		t.Fatalf("dashboard: %d", r.Status)
	}
	text := regexp.MustCompile(`<[^>]+>`).ReplaceAllString(figure[1], "")
	text = strings.Join(strings.Fields(text), " ")
	if text != "100.0% 1 done by their due date, of 1 completed or past due" {
		t.Errorf("the on-time figure reads %q", text)
	}
	if strings.Contains(r.Body, "came due") {
		t.Error("the dashboard says a training not due until next year came due")
	}
	// The figure's base lists the completion, and its label says what it is.
	base := c.get("/manage/people?status=came-due")
	if !strings.Contains(base.Body, "Early Officer") || !strings.Contains(base.Body, "Completed, or past due") {
		t.Error("the on-time base's drill-down")
	}
	// Nothing is overdue: the open trainings of the base are only past-due ones.
	if !strings.Contains(r.Body, `status=overdue">0</a>`) {
		t.Error("an early completion counts as overdue")
	}
}
