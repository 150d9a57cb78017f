package web_test

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
)

var (
	// completedOn is a completion date as My training shows it.
	completedOn = regexp.MustCompile(`Completed [A-Z][a-z]{2} [0-9]{1,2}, [0-9]{4}`)
	dueOn       = regexp.MustCompile(`Due [A-Z][a-z]{2} [0-9]{1,2}, [0-9]{4}`)
	tokenField  = regexp.MustCompile(`name="token" value="([^"]+)"`)
	attemptPath = regexp.MustCompile(`^/my/courses/sample-course/attempts/(\d+)$`)
)

func expect(t *testing.T, r response, status int, want ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d\n%s", r.Status, status, r.Body)
	}
	for _, w := range want {
		if !strings.Contains(r.Body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

// TestLearnerJourney walks one person through a sensitive, paced course:
// start, content note, lessons, knowledge checks, pacing, a failed and a
// passed final check, a replay, and My training at each step.

func TestLearnerJourney(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	org := testfix.Org(t, db, "Learner school", "school", "Suffolk", 0)
	_, email := testfix.User(t, db, org, testfix.UserSpec{Roles: []string{"teacher"}})
	c := newClient(t, app)
	c.login(email, testfix.Password)

	c.get("/courses/sample-course")
	r := c.post("/courses/sample-course/start", nil)
	if r.Status != 303 || r.Location != "/my/courses/sample-course" {
		t.Fatalf("start: %d %s", r.Status, r.Location)
	}
	expect(t, c.get("/my"), 200, "A sample course", "Not started", `value="0"`, "0% <span class=\"small\">(0 of 2 lessons)", "No due date",
		`href="/my/certificates"`, `href="/my/transcript.pdf"`)

	r = c.get("/my/courses/sample-course")
	expect(t, r, 200, "Content note", "1-888-373-7888", "Continue to the first lesson", `id="quick-exit"`, "opens once you have opened every lesson")
	if qe, skip := strings.Index(r.Body, `id="quick-exit"`), strings.Index(r.Body, `class="skip-link"`); qe < 0 || qe > skip {
		t.Error("the quick exit is not first in keyboard order")
	}
	expect(t, c.get("/my/courses/sample-course/check"), 403, "opens once you have opened every lesson", "First lesson", "Second lesson")

	r = c.get("/my/courses/sample-course/lessons/1")
	expect(t, r, 200, "<h1>First lesson</h1>", `aria-current="page">First lesson`, "Check your understanding", `id="quick-exit"`,
		`rel="next" href="/my/courses/sample-course/lessons/2"`, "Content note")
	if strings.Contains(r.Body, "<script>alert") {
		t.Error("lesson HTML rendered raw script")
	}
	// Knowledge checks are GET forms (practice: nothing is recorded).
	expect(t, r, 200, `<form method="get" action="/my/courses/sample-course/lessons/1#check-1"`, `name="check" value="1"`)
	r = c.get("/my/courses/sample-course/lessons/1?check=1&option=0")
	expect(t, r, 200, "That is right.", "Right.", `value="0" checked`)
	r = c.get("/my/courses/sample-course/lessons/1?check=1&option=1")
	expect(t, r, 200, "Not quite.", "That is for emergencies.")
	if strings.Contains(r.Body, `value="0" checked`) {
		t.Error("feedback kept an option the learner did not choose")
	}
	expect(t, c.get("/my/courses/sample-course/lessons/1?check=1"), 200, "Choose an answer, then check it.")
	expect(t, c.get("/my/courses/sample-course/lessons/1"), 200, "Check your understanding")
	if r := c.get("/my/courses/sample-course/lessons/1"); strings.Contains(r.Body, "That is right.") || strings.Contains(r.Body, "checked") {
		t.Error("an answer's feedback leaked into the cached checks")
	}
	expect(t, c.get("/my/courses/sample-course/lessons/1?check=1&option=9"), 400)
	expect(t, c.get("/my/courses/sample-course/lessons/1?check=1&option=x"), 400)
	expect(t, c.get("/my/courses/sample-course/lessons/1?check=2&option=0"), 404)
	expect(t, c.get("/my/courses/sample-course/lessons/1?check=0"), 404)
	// Progress is a bar and a percentage; resuming goes to the next
	// lesson not opened.
	expect(t, c.get("/my"), 200, "In progress", `<progress max="100" value="50"`, "50% <span class=\"small\">(1 of 2 lessons)",
		`href="/my/courses/sample-course/resume">Resume`)
	expect(t, c.get("/my/courses/sample-course"), 200, `href="/my/courses/sample-course/lessons/2">Resume where you left off: Second lesson`,
		"50% (1 of 2 lessons opened)")
	if r := c.get("/my/courses/sample-course/resume"); r.Status != 303 || r.Location != "/my/courses/sample-course/lessons/2" {
		t.Errorf("resume after lesson 1: %d %q, want the second lesson", r.Status, r.Location)
	}

	expect(t, c.get("/my/courses/sample-course/lessons/2"), 200, `rel="prev"`, "Go to the final check")
	expect(t, c.get("/my/courses/sample-course"), 200, "Resume where you left off: the final check", "Take the final check", "100% (2 of 2")
	if r := c.get("/my/courses/sample-course/resume"); r.Status != 303 || r.Location != "/my/courses/sample-course/check" {
		t.Errorf("resume with every lesson opened: %d %q, want the final check", r.Status, r.Location)
	}
	// A due date, to show that a completed course no longer shows it.
	if _, err := db.Exec(`UPDATE assignments a SET due_at = now() + interval '40 days' FROM users u WHERE u.id = a.user_id AND u.email = $1`, email); err != nil {
		t.Fatal(err)
	}
	if r := c.get("/my"); !dueOn.MatchString(r.Body) {
		t.Error("My training does not show the due date of an open course")
	}

	// Fail, then pass.
	r = c.get("/my/courses/sample-course/check")
	expect(t, r, 200, "Final check: A sample course", "Question 1: Is this a test?", `id="quick-exit"`)
	token := tokenField.FindStringSubmatch(r.Body)[1]
	r = c.post("/my/courses/sample-course/check", url.Values{"token": {token}, "q-q1": {"1"}})
	m := attemptPath.FindStringSubmatch(r.Location)
	if r.Status != 303 || m == nil {
		t.Fatalf("failed submission: %d %q", r.Status, r.Location)
	}
	expect(t, c.get(r.Location), 200, "You did not pass this time", "0 of 1", "Not right", "It is.", "Take the final check again")

	r = c.get("/my/courses/sample-course/check")
	token2 := tokenField.FindStringSubmatch(r.Body)[1]
	if token2 == token {
		t.Fatal("a graded attempt was offered again")
	}
	r = c.post("/my/courses/sample-course/check", url.Values{"token": {token2}, "q-q1": {"0"}})
	passed := r.Location
	if r.Status != 303 || attemptPath.FindStringSubmatch(passed) == nil {
		t.Fatalf("passing submission: %d %q", r.Status, passed)
	}
	r = c.get(passed)
	expect(t, r, 200, "You passed.", "1 of 1", "/my/certificates/")
	// The same submission again is counted once and shows the same result.
	r = c.post("/my/courses/sample-course/check", url.Values{"token": {token2}, "q-q1": {"0"}})
	if r.Status != 303 || r.Location != passed {
		t.Fatalf("replay: %d %q, want %q", r.Status, r.Location, passed)
	}
	var completions int
	db.Get(&completions, `SELECT count(*) FROM completions cm JOIN users u ON u.id = cm.user_id WHERE u.email = $1`, email)
	if completions != 1 {
		t.Fatalf("completions: %d", completions)
	}
	r = c.get("/my")
	expect(t, r, 200, "Completed", "Certificate<span", "Valid until", "Credited minutes by training year")
	if !completedOn.MatchString(r.Body) {
		t.Error("My training does not show the completion date of a completed course")
	}
	if dueOn.MatchString(r.Body) {
		t.Error("My training shows a due date for a completed course")
	}
	r = c.get("/my/courses/sample-course/check")
	if r.Status != 303 || r.Location != "/my/courses/sample-course" {
		t.Fatalf("check after completing: %d %q", r.Status, r.Location)
	}
	expect(t, c.get("/my/courses/sample-course"), 200, "You have completed this course")
}

// TestLearnerPagesRefuseOthers: person data is per person; another's
// attempt or token is not found, and prevention guides are not courses here.
func TestLearnerPagesRefuseOthers(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	org := testfix.Org(t, db, "Two schools", "school", "Suffolk", 0)
	_, emailA := testfix.User(t, db, org, testfix.UserSpec{})
	_, emailB := testfix.User(t, db, org, testfix.UserSpec{})
	a, b := newClient(t, app), newClient(t, app)
	a.login(emailA, testfix.Password)
	b.login(emailB, testfix.Password)
	a.get("/my")
	a.post("/courses/sample-course/start", nil)
	a.get("/my/courses/sample-course/lessons/1")
	a.get("/my/courses/sample-course/lessons/2")
	r := a.get("/my/courses/sample-course/check")
	token := tokenField.FindStringSubmatch(r.Body)[1]

	b.get("/my")
	expect(t, b.post("/my/courses/sample-course/check", url.Values{"token": {token}, "q-q1": {"0"}}), 404)
	r = a.post("/my/courses/sample-course/check", url.Values{"token": {token}, "q-q1": {"1"}})
	expect(t, b.get(r.Location), 404)
	expect(t, a.get(r.Location), 200, "You did not pass this time")

	r = b.get("/my/courses/sample-course")
	if r.Status != 303 || r.Location != "/courses/sample-course" {
		t.Fatalf("course not assigned: %d %q", r.Status, r.Location)
	}
	expect(t, b.get("/my/courses/sample-series"), 404)
	expect(t, b.post("/courses/sample-series/start", nil), 404)
	expect(t, a.get("/my/courses/sample-course/lessons/3"), 404)
	expect(t, a.get("/my/courses/sample-course/lessons/x"), 404)
	expect(t, a.get("/my/courses/no-such/lessons/1"), 404)
	expect(t, a.get("/my/courses/sample-course/attempts/999999999"), 404)

	anon := newClient(t, app)
	if r := anon.get("/my"); r.Status != 303 || !strings.HasPrefix(r.Location, "/login") {
		t.Fatalf("anonymous /my: %d %q", r.Status, r.Location)
	}
	anon.get("/login") // for a CSRF token, so the refusal is about signing in
	if r := anon.post("/courses/sample-course/start", nil); r.Status != 401 {
		t.Fatalf("anonymous start: %d", r.Status)
	}
}

func TestTamperedAndIncompleteChecks(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	org := testfix.Org(t, db, "Check school", "school", "Suffolk", 0)
	_, email := testfix.User(t, db, org, testfix.UserSpec{})
	c := newClient(t, app)
	c.login(email, testfix.Password)
	c.get("/my")
	c.post("/courses/sample-course/start", nil)
	c.get("/my/courses/sample-course/lessons/1")
	c.get("/my/courses/sample-course/lessons/2")
	token := tokenField.FindStringSubmatch(c.get("/my/courses/sample-course/check").Body)[1]
	expect(t, c.post("/my/courses/sample-course/check", url.Values{"token": {token}}), 422, "Some questions have no answer yet",
		"Choose an answer to question 1", `name="token" value="`+token+`"`)
	expect(t, c.post("/my/courses/sample-course/check", url.Values{"token": {token}, "q-q1": {"5"}}), 400, "do not match")
	expect(t, c.post("/my/courses/sample-course/check", url.Values{"token": {token}, "q-q1": {"0"}, "q-zz": {"0"}}), 400)
	expect(t, c.post("/my/courses/sample-course/check", url.Values{"token": {"forged"}, "q-q1": {"0"}}), 404)
	var graded int
	db.Get(&graded, `SELECT count(*) FROM quiz_attempts WHERE token = $1 AND submitted_at IS NOT NULL`, token)
	if graded != 0 {
		t.Fatal("a rejected submission was graded")
	}
}

func TestAdminEditsTheRequirementsMatrix(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	org := testfix.Org(t, db, "Matrix district", "school_district", "Essex", 0)
	adminID, admin := testfix.User(t, db, org, testfix.UserSpec{Admin: true})
	teacherID, teacher := testfix.User(t, db, org, testfix.UserSpec{Roles: []string{"prevention-facilitator"}})
	c := newClient(t, app)
	c.login(admin, testfix.Password)
	expect(t, c.get("/admin/requirements"), 200, "Requirements matrix", "Add a requirement")

	r := c.post("/admin/requirements", url.Values{"role": {"astronaut"}, "course": {"sample-series"}, "due_days": {"0"}, "renewal_months": {"-1"}})
	expect(t, r, 422, "Choose a job role.", "Choose a training course.", "Enter the number of days", "Enter months from 0 to 120", `aria-invalid="true"`)

	r = c.post("/admin/requirements", url.Values{"role": {"prevention-facilitator"}, "course": {"sample-prep"}, "due_days": {"21"}})
	if r.Status != 303 {
		t.Fatalf("add: %d\n%s", r.Status, r.Body)
	}
	expect(t, c.get("/admin/requirements"), 200, "1 people were assigned", "sample-prep")
	var due int
	db.Get(&due, `SELECT count(*) FROM assignments a JOIN courses c ON c.id = a.course_id
		WHERE a.user_id = $1 AND c.slug = 'sample-prep' AND a.status = 'open' AND a.due_at IS NOT NULL`, teacherID)
	if due != 1 {
		t.Fatalf("the person with the role was not assigned: %d", due)
	}
	expect(t, c.post("/admin/requirements", url.Values{"role": {"prevention-facilitator"}, "course": {"sample-prep"}, "due_days": {"21"}}),
		422, "already has this course")

	var id string
	db.Get(&id, `SELECT r.id::text FROM requirements r JOIN courses c ON c.id = r.course_id
		WHERE r.role_code = 'prevention-facilitator' AND c.slug = 'sample-prep' AND r.removed_at IS NULL`)
	expect(t, c.post("/admin/requirements/"+id, url.Values{"due_days": {"nope"}}), 422, "Enter the number of days")
	if r := c.post("/admin/requirements/"+id, url.Values{"due_days": {"45"}, "renewal_months": {"6"}}); r.Status != 303 {
		t.Fatalf("update: %d", r.Status)
	}
	if r := c.post("/admin/requirements/"+id+"/remove", nil); r.Status != 303 {
		t.Fatalf("remove: %d", r.Status)
	}
	expect(t, c.get("/admin/requirements"), 200, "1 open assignments were withdrawn")
	expect(t, c.post("/admin/requirements/"+id+"/remove", nil), 404)
	var audits int
	db.Get(&audits, `SELECT count(*) FROM audit_log WHERE actor_id = $1 AND entity = 'requirement' AND entity_id = $2`, adminID, id)
	if audits != 3 {
		t.Fatalf("audit entries: %d, want 3", audits)
	}

	other := newClient(t, app)
	other.login(teacher, testfix.Password)
	expect(t, other.get("/admin/requirements"), 403)
}

func TestManagerAssignsWithinScope(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	district := testfix.Org(t, db, "Assign district", "school_district", "Essex", 0)
	school := testfix.Org(t, db, "Assign school", "school", "Essex", district)
	elsewhere := testfix.Org(t, db, "Elsewhere", "school_district", "Bristol", 0)
	_, manager := testfix.User(t, db, district, testfix.UserSpec{Scopes: []int64{district}})
	inID, inside := testfix.User(t, db, school, testfix.UserSpec{})
	outID, outside := testfix.User(t, db, elsewhere, testfix.UserSpec{})
	c := newClient(t, app)
	c.login(manager, testfix.Password)
	expect(t, c.get("/manage/assign"), 200, "Assign a course", "Assign district")

	due := "2099-01-31"
	expect(t, c.post("/manage/assign", url.Values{"course": {"sample-course"}, "target": {"person"}, "email": {outside}, "due": {due}}),
		422, "Enter the email of a person in the organizations you manage.")
	var elsewhereCode, schoolCode string
	db.Get(&elsewhereCode, `SELECT code FROM organizations WHERE id = $1`, elsewhere)
	db.Get(&schoolCode, `SELECT code FROM organizations WHERE id = $1`, school)
	expect(t, c.post("/manage/assign", url.Values{"course": {"sample-course"}, "target": {"org"}, "org": {elsewhereCode}, "due": {due}}),
		422, "Enter the code of an organization you manage.")
	expect(t, c.post("/manage/assign", url.Values{"course": {"sample-series"}, "target": {"person"}, "email": {inside}, "due": {"2000-01-01"}}),
		422, "Choose a training course.", "Enter a due date that is today or later.")

	r := c.post("/manage/assign", url.Values{"course": {"sample-course"}, "target": {"person"}, "email": {inside}, "due": {due}, "from": {"2098-12-01"}})
	if r.Status != 303 {
		t.Fatalf("assign a person: %d\n%s", r.Status, r.Body)
	}
	expect(t, c.get("/manage/assign"), 200, "Assigned to 1 people")
	var got struct {
		Source string `db:"source"`
		Due    string `db:"due"`
		From   string `db:"from"`
	}
	err := db.Get(&got, `SELECT a.source, to_char(a.due_at AT TIME ZONE 'America/New_York', 'YYYY-MM-DD HH24:MI') AS due,
		to_char(a.available_from AT TIME ZONE 'America/New_York', 'YYYY-MM-DD') AS "from"
		FROM assignments a JOIN courses c ON c.id = a.course_id WHERE a.user_id = $1 AND c.slug = 'sample-course'`, inID)
	if err != nil || got.Source != "manual" || got.Due != "2099-01-31 23:59" || got.From != "2098-12-01" {
		t.Fatalf("assignment: %+v %v", got, err)
	}
	r = c.post("/manage/assign", url.Values{"course": {"sample-prep"}, "target": {"org"}, "org": {strings.ToLower(schoolCode)}, "due": {due}})
	if r.Status != 303 {
		t.Fatalf("assign an organization: %d\n%s", r.Status, r.Body)
	}
	// From a person's page: by id; someone outside the scope is not found.
	expect(t, c.get("/manage/assign?user="+strconv.FormatInt(outID, 10)), 404)
	expect(t, c.post("/manage/assign", url.Values{"course": {"sample-prep"}, "user": {strconv.FormatInt(outID, 10)}, "due": {due}}), 404)
	expect(t, c.get("/manage/assign?org="+strconv.FormatInt(elsewhere, 10)), 404)
	expect(t, c.get("/manage/assign?user="+strconv.FormatInt(inID, 10)), 200, inside, `name="user" value="`+strconv.FormatInt(inID, 10)+`"`)
	if r := c.post("/manage/assign", url.Values{"course": {"sample-prep"}, "user": {strconv.FormatInt(inID, 10)}, "due": {due}}); r.Status != 303 {
		t.Fatalf("assign by id: %d\n%s", r.Status, r.Body)
	}
	var audits int
	db.Get(&audits, `SELECT count(*) FROM audit_log WHERE action = 'assignment.assign' AND after->>'course' IN ('sample-course', 'sample-prep')
		AND actor_id = (SELECT id FROM users WHERE email = $1)`, manager)
	if audits != 3 {
		t.Fatalf("audit entries: %d", audits)
	}
	learner := newClient(t, app)
	learner.login(inside, testfix.Password)
	expect(t, learner.get("/manage/assign"), 403)
	expect(t, learner.get("/my/courses/sample-course"), 200, "This course opens on December 1, 2098")
}

// TestLessonBodiesFollowEachLearner: lesson bodies are cached by what they
// show, so two learners at different points of a course each see their
// own progress in the outline and pager of the same lesson.
func TestLessonBodiesFollowEachLearner(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	org := testfix.Org(t, db, "Two learners", "school", "Suffolk", 0)
	var clients []*client
	for range 2 {
		_, email := testfix.User(t, db, org, testfix.UserSpec{Roles: []string{"teacher"}})
		c := newClient(t, app)
		c.login(email, testfix.Password)
		c.get("/courses/sample-course")
		if r := c.post("/courses/sample-course/start", nil); r.Status != 303 {
			t.Fatalf("start: %d", r.Status)
		}
		clients = append(clients, c)
	}
	ahead, behind := clients[0], clients[1]
	expect(t, ahead.get("/my/courses/sample-course/lessons/1"), 200)
	expect(t, ahead.get("/my/courses/sample-course/lessons/2"), 200, "Go to the final check")

	r := behind.get("/my/courses/sample-course/lessons/1")
	expect(t, r, 200, "(opens after every lesson)")
	if strings.Count(r.Body, "(opened)") != 1 {
		t.Errorf("the learner behind sees %d lessons opened, want 1", strings.Count(r.Body, "(opened)"))
	}
	r = ahead.get("/my/courses/sample-course/lessons/1")
	if strings.Count(r.Body, "(opened)") != 2 || strings.Contains(r.Body, "(opens after every lesson)") {
		t.Error("the learner ahead was shown the other learner's progress")
	}
	// The page around the shared body is each learner's own.
	var tokens []string
	for i, c := range clients {
		own := csrfField.FindStringSubmatch(c.get("/my").Body)
		got := csrfField.FindStringSubmatch(c.get("/my/courses/sample-course/lessons/1").Body)
		if own == nil || got == nil || got[1] != own[1] {
			t.Fatalf("learner %d: the lesson page lacks their own sign-out token", i)
		}
		tokens = append(tokens, got[1])
	}
	if tokens[0] == tokens[1] {
		t.Error("two learners were given the same token")
	}
}
