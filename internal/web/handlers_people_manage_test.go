package web_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/waymark/waymark/internal/helplines"
	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
)

// teamWorld is a district school with a team of people with open training,
// and a person in another district.
type teamWorld struct {
	db                    *sqlx.DB
	district, school      int64
	other                 int64
	manager, otherManager string // emails
	team                  []int64
	teamNames, teamEmails []string
	outsider              int64
	course, secondCourse  string // titles
}

func newTeamWorld(t *testing.T, size int, now time.Time) teamWorld {
	t.Helper()
	db := testdb.DB(t)
	w := teamWorld{db: db}
	w.district = testfix.Org(t, db, "Team District "+testfix.Unique(""), "school_district", "Hampden", 0)
	w.school = testfix.Org(t, db, "Team School "+testfix.Unique(""), "school", "Hampden", w.district)
	w.other = testfix.Org(t, db, "Far District "+testfix.Unique(""), "school_district", "Worcester", 0)
	_, w.manager = testfix.User(t, db, w.district, testfix.UserSpec{Name: "Team Manager", Scopes: []int64{w.district}})
	_, w.otherManager = testfix.User(t, db, w.other, testfix.UserSpec{Name: "Far Manager", Scopes: []int64{w.other}})
	// The catalog's course (the person page shows catalog courses) and one
	// more.
	var courseID int64
	if err := db.Get(&courseID, `SELECT id FROM courses WHERE slug = 'sample-prep'`); err != nil {
		t.Fatal(err)
	}
	w.course = "Sample preparation"
	w.secondCourse = "Second course " + testfix.Unique("")
	secondID, _ := testfix.CourseRow(t, db, w.secondCourse)
	due, later := now.AddDate(0, 0, -3), now.AddDate(0, 0, 20)
	for i := 0; i < size; i++ {
		name := fmt.Sprintf("Member %02d %s", i, testfix.Unique(""))
		uid, email := testfix.User(t, db, w.school, testfix.UserSpec{Name: name, Roles: []string{"teacher"}})
		w.team, w.teamNames, w.teamEmails = append(w.team, uid), append(w.teamNames, name), append(w.teamEmails, email)
		testfix.CycleRow(t, db, testfix.Cycle{UserID: uid, CourseID: courseID, AssignedAt: now.AddDate(0, -1, 0), DueAt: &due})
		if i == 0 { // two open trainings: still one reminder
			testfix.CycleRow(t, db, testfix.Cycle{UserID: uid, CourseID: secondID, AssignedAt: now.AddDate(0, -1, 0), DueAt: &later})
		}
	}
	w.outsider, _ = testfix.User(t, db, w.other, testfix.UserSpec{Name: "Far Person " + testfix.Unique(""), Roles: []string{"teacher"}})
	testfix.CycleRow(t, db, testfix.Cycle{UserID: w.outsider, CourseID: courseID, AssignedAt: now.AddDate(0, -1, 0), DueAt: &due})
	return w
}

var flashText = regexp.MustCompile(`<div class="flash" role="status">([^<]*)</div>`)

// postAndFlash submits a form and returns the notice the next page shows.
func postAndFlash(t *testing.T, c *client, path string, form url.Values) string {
	t.Helper()
	sent := url.Values{}
	for k, v := range form {
		sent[k] = v
	}
	r := c.post(path, sent) // with this session's token
	if r.Status != 303 {
		t.Fatalf("POST %s: %d\n%s", path, r.Status, r.Body)
	}
	m := flashText.FindStringSubmatch(c.get(r.Location).Body)
	if m == nil {
		t.Fatalf("POST %s: no notice after the redirect to %s", path, r.Location)
	}
	return strings.ReplaceAll(m[1], "&#39;", "'")
}

func (w teamWorld) outbox(t *testing.T, kind string) []struct {
	UserID int64  `db:"user_id"`
	Key    string `db:"dedupe_key"`
	Text   string `db:"text_body"`
	HTML   string `db:"html_body"`
} {
	t.Helper()
	var rows []struct {
		UserID int64  `db:"user_id"`
		Key    string `db:"dedupe_key"`
		Text   string `db:"text_body"`
		HTML   string `db:"html_body"`
	}
	err := w.db.Select(&rows, `SELECT user_id, dedupe_key, text_body, html_body FROM email_outbox
		WHERE kind = $1 AND user_id = ANY($2) ORDER BY id`, kind, pqInts(append(append([]int64{}, w.team...), w.outsider)))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestBulkRemindQueuesOnePerPersonPerDay(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	app := newAppAt(t, clock.now)
	w := newTeamWorld(t, 3, clock.now())
	c := newClient(t, app)
	c.login(w.manager, testfix.Password)
	c.get("/manage/people?org=" + id(w.school))
	everyone := url.Values{"all": {"1"}, "org": {id(w.school)}, "back": {"/manage/people?org=" + id(w.school)}}

	if got := postAndFlash(t, c, "/manage/people/remind", everyone); !strings.HasPrefix(got, "Reminders queued: 3.") {
		t.Errorf("first send says %q", got)
	}
	rows := w.outbox(t, "manual-remind")
	if len(rows) != 3 {
		t.Fatalf("%d reminders queued for 3 people (one with two open trainings)", len(rows))
	}
	for _, r := range rows {
		if !regexp.MustCompile(`^manual-remind:` + id(r.UserID) + `:\d{4}-\d{2}-\d{2}$`).MatchString(r.Key) {
			t.Errorf("dedupe key %q", r.Key)
		}
		for _, part := range []string{r.Text, r.HTML} {
			if !strings.Contains(part, w.course) || !strings.Contains(part, helplines.All[0].Number) || !strings.Contains(part, "/my") {
				t.Errorf("the reminder lacks the course, the help line or the link:\n%s", part)
			}
		}
		if r.UserID == w.outsider {
			t.Error("a person of another district was reminded")
		}
	}
	first := rows[0]
	if first.UserID != w.team[0] || !strings.Contains(first.Text, w.secondCourse) || !strings.Contains(first.HTML, "<li><strong>") {
		t.Errorf("the reminder to the person with two trainings lists both:\n%s", first.Text)
	}

	// The same day: nothing more, and the notice says why.
	c.get("/manage/people?org=" + id(w.school))
	got := postAndFlash(t, c, "/manage/people/remind", everyone)
	if !strings.HasPrefix(got, "Reminders queued: 0.") || !strings.Contains(got, "Skipped 3 people already reminded today") {
		t.Errorf("second send the same day says %q", got)
	}
	c.get("/manage/people?org=" + id(w.school))
	one := url.Values{"user": {id(w.team[1])}, "back": {"/manage/people"}}
	if got := postAndFlash(t, c, "/manage/people/remind", one); !strings.Contains(got, "Skipped 1 person already reminded today") {
		t.Errorf("a checked person reminded today: %q", got)
	}
	if n := len(w.outbox(t, "manual-remind")); n != 3 {
		t.Errorf("%d reminders after sending twice on one day, want 3", n)
	}

	// The next day, again one each.
	clock.advance(24 * time.Hour)
	c = newClient(t, app) // the session went idle meanwhile
	c.login(w.manager, testfix.Password)
	c.get("/manage/people?org=" + id(w.school))
	if got := postAndFlash(t, c, "/manage/people/remind", everyone); !strings.HasPrefix(got, "Reminders queued: 3.") {
		t.Errorf("the next day says %q", got)
	}
	if n := len(w.outbox(t, "manual-remind")); n != 6 {
		t.Errorf("%d reminders after the next day's send, want 6", n)
	}
	var audited int
	w.db.Get(&audited, `SELECT count(*) FROM audit_log WHERE action = 'user.remind' AND entity_id = ANY($1)`, pqStrings(w.team))
	if audited != 6 {
		t.Errorf("%d audit entries for 6 reminders", audited)
	}

	// Checked people outside the scope are not found, and nothing is queued.
	c.get("/manage/people")
	if r := c.post("/manage/people/remind", url.Values{"user": {id(w.outsider)}}); r.Status != 404 {
		t.Errorf("reminding a person of another district: %d", r.Status)
	}
	if r := c.post("/manage/people/remind", url.Values{"all": {"1"}, "org": {id(w.other)}}); r.Status != 404 {
		t.Errorf("reminding everyone of another district: %d", r.Status)
	}
	if n := len(w.outbox(t, "manual-remind")); n != 6 {
		t.Errorf("%d reminders after refused sends, want 6", n)
	}
	// Without the form token nothing is sent.
	if r := c.post("/manage/people/remind", url.Values{"csrf": {"forged"}, "all": {"1"}}); r.Status != 403 {
		t.Errorf("a send without the CSRF token: %d", r.Status)
	}
}

func TestBulkAssignGoesThroughManualAssignment(t *testing.T) {
	app := newApp(t)
	w := newTeamWorld(t, 2, time.Now())
	c := newClient(t, app)
	c.login(w.manager, testfix.Password)
	c.get("/manage/people")
	due := time.Now().AddDate(0, 1, 0).Format(time.DateOnly)
	form := url.Values{"user": {id(w.team[0]), id(w.team[1]), id(w.team[0])}, "assign_course": {"sample-course"}, "due": {due}, "back": {"/manage/people"}}
	if got := postAndFlash(t, c, "/manage/people/assign", form); !strings.HasPrefix(got, "Assigned to 2 people.") {
		t.Errorf("bulk assignment says %q", got)
	}
	var n, audited int
	w.db.Get(&n, `SELECT count(*) FROM assignments a JOIN courses c ON c.id = a.course_id
		WHERE c.slug = 'sample-course' AND a.source = 'manual' AND a.user_id = ANY($1)`, pqInts(w.team))
	w.db.Get(&audited, `SELECT count(*) FROM audit_log WHERE action = 'assignment.assign' AND entity_id = ANY($1)`,
		pqStrings([]int64{w.team[0], w.team[1]}, "user:"))
	if n != 2 || audited != 2 {
		t.Errorf("%d manual assignments and %d audit entries, want 2 and 2", n, audited)
	}
	c.get("/manage/people")
	bad := url.Values{"user": {id(w.team[0])}, "assign_course": {"sample-course"}, "due": {"2001-01-01"}, "back": {"/manage/people"}}
	if got := postAndFlash(t, c, "/manage/people/assign", bad); !strings.Contains(got, "Nothing was assigned: Enter a due date that is today or later.") {
		t.Errorf("a past due date says %q", got)
	}
	c.get("/manage/people")
	if r := c.post("/manage/people/assign", url.Values{"user": {id(w.outsider)}, "assign_course": {"sample-course"}, "due": {due}}); r.Status != 404 {
		t.Errorf("assigning a person of another district: %d", r.Status)
	}
	var outsider int
	w.db.Get(&outsider, `SELECT count(*) FROM assignments a JOIN courses c ON c.id = a.course_id WHERE c.slug = 'sample-course' AND a.user_id = $1`, w.outsider)
	if outsider != 0 {
		t.Error("a person outside the scope was assigned")
	}
}

func TestPeopleListSearchCountAndLinks(t *testing.T) {
	app := newApp(t)
	w := newTeamWorld(t, 53, time.Now())
	c := newClient(t, app)
	c.login(w.manager, testfix.Password)
	r := c.get("/manage/people?org=" + id(w.school))
	// 53 people, one with two trainings: 54 rows.
	if !strings.Contains(r.Body, ": rows 1–50 of 54</caption>") {
		t.Errorf("the caption does not give the total:\n%s", regexp.MustCompile(`<caption>[^<]*</caption>`).FindString(r.Body))
	}
	if !strings.Contains(r.Body, `<a href="/manage/people/`+id(w.team[0])+`">`+w.teamNames[0]+`</a>`) {
		t.Error("a name does not link to the person's page")
	}
	if !strings.Contains(r.Body, `form="bulk" name="user" value="`+id(w.team[0])+`"`) || !strings.Contains(r.Body, `name="all" value="1"`) {
		t.Error("no selection checkboxes")
	}
	byName := c.get("/manage/people?q=" + url.QueryEscape(strings.Fields(w.teamNames[7])[2]))
	if !strings.Contains(byName.Body, w.teamNames[7]) || strings.Contains(byName.Body, w.teamNames[8]) ||
		!strings.Contains(byName.Body, ": rows 1–1 of 1</caption>") {
		t.Error("searching by part of a name does not find exactly that person")
	}
	local, _, _ := strings.Cut(w.teamEmails[9], "@")
	byEmail := c.get("/manage/people?q=" + url.QueryEscape(strings.ToUpper(local)))
	if !strings.Contains(byEmail.Body, w.teamNames[9]) || strings.Contains(byEmail.Body, w.teamNames[10]) {
		t.Error("searching by email does not find exactly that person")
	}
	if r := c.get("/manage/people?q=" + url.QueryEscape("Far Person")); !strings.Contains(r.Body, ": no rows</caption>") {
		t.Error("the search finds a person outside the scope")
	}
	if r := c.get("/manage/people?q=%25"); !strings.Contains(r.Body, ": no rows</caption>") {
		t.Error("a % in the search is a wildcard")
	}
	// The search is kept by the pager and the export.
	if !strings.Contains(byName.Body, `/manage/people.csv?q=`) {
		t.Error("the CSV link drops the search")
	}
	all := c.get("/manage/people?org=" + id(w.school) + "&page=2")
	if !strings.Contains(all.Body, ": rows 51–54 of 54</caption>") {
		t.Error("page 2's caption")
	}
}

func TestPersonPageIsScoped(t *testing.T) {
	app := newApp(t)
	w := newTeamWorld(t, 1, time.Now())
	cert := certFixture(t, w.db, w.school, "Certified "+testfix.Unique(""), time.Now().AddDate(0, -1, 0), nil)
	c := newClient(t, app)
	c.login(w.manager, testfix.Password)
	c.get("/manage/people")
	postAndFlash(t, c, "/manage/people/remind", url.Values{"user": {id(w.team[0])}, "back": {"/manage/people"}})
	r := c.get("/manage/people/" + id(w.team[0]))
	if r.Status != 200 {
		t.Fatalf("person page: %d", r.Status)
	}
	for _, want := range []string{"<h1>" + w.teamNames[0] + "</h1>", w.teamEmails[0], w.course, "Overdue",
		"Reminder from a manager", "A reminder about your training", "hours credited in total", "/manage/assign?user=" + id(w.team[0])} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the person page lacks %q", want)
		}
	}
	cp := c.get("/manage/people/" + id(cert.ID))
	if !strings.Contains(cp.Body, "School staff recognizing risk") || !strings.Contains(cp.Body, "/manage/people/"+id(cert.ID)+"/certificates/"+id(cert.CompletionID)+".pdf") ||
		!strings.Contains(cp.Body, "1.2 hours credited in total") {
		t.Errorf("the certified person's page lacks the certificate or the hours")
	}
	if pdf := c.get("/manage/people/" + id(cert.ID) + "/certificates/" + id(cert.CompletionID) + ".pdf"); pdf.Status != 200 {
		t.Errorf("the certificate link: %d", pdf.Status)
	}
	other := newClient(t, app)
	other.login(w.otherManager, testfix.Password)
	for _, p := range []string{"/manage/people/" + id(w.team[0]), "/manage/people/" + id(cert.ID), "/manage/people/999999999", "/manage/people/abc"} {
		if r := other.get(p); r.Status != 404 || strings.Contains(r.Body, w.teamEmails[0]) {
			t.Errorf("another district's manager opening %s: %d", p, r.Status)
		}
	}
	if r := other.get("/manage/people/" + id(w.outsider)); r.Status != 200 {
		t.Errorf("a manager opening their own person: %d", r.Status)
	}
}

func pqInts(ids []int64) any { return pq.Array(ids) }

// pqStrings is ids as text, each with an optional prefix.
func pqStrings(ids []int64, prefix ...string) any {
	p := strings.Join(prefix, "")
	out := make([]string, len(ids))
	for i, v := range ids {
		out[i] = p + id(v)
	}
	return pq.Array(out)
}
