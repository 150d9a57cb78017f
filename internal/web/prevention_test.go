package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/pdf/pdftest"
	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
)

// prevFixture is a district with a school, prepared and unprepared
// facilitators, a district manager, an administrator and a learner.
type prevFixture struct {
	db                                         *sqlx.DB
	district, school                           int64
	schoolCode                                 string
	prepared, unprepared, manager, admin, user string
	preparedID                                 int64
}

func newPrevFixture(t *testing.T) prevFixture {
	t.Helper()
	db := testdb.DB(t)
	f := prevFixture{db: db}
	f.district = testfix.Org(t, db, testfix.Unique("District "), "school_district", "Hampden", 0)
	f.school = testfix.Org(t, db, testfix.Unique("Middle School "), "school", "Hampden", f.district)
	db.GetContext(context.Background(), &f.schoolCode, `SELECT code FROM organizations WHERE id = $1`, f.school)
	f.preparedID, f.prepared = testfix.User(t, db, f.school, testfix.UserSpec{Name: "Rosa Prepared", Facilitator: true})
	testfix.Prepared(t, db, f.preparedID, "sample-prep", time.Now().AddDate(0, -1, 0), time.Now().AddDate(1, 0, 0))
	_, f.unprepared = testfix.User(t, db, f.school, testfix.UserSpec{Name: "Sam Unprepared", Facilitator: true})
	_, f.manager = testfix.User(t, db, f.district, testfix.UserSpec{Scopes: []int64{f.district}})
	_, f.admin = testfix.User(t, db, f.district, testfix.UserSpec{Admin: true})
	_, f.user = testfix.User(t, db, f.school, testfix.UserSpec{Roles: []string{"teacher"}})
	return f
}

var classURL = regexp.MustCompile(`^/prevention/classes/(\d+)$`)

// createClass adds a class through the form and returns its page path.
func (f prevFixture) createClass(t *testing.T, c *client, name string, students string) string {
	t.Helper()
	c.get("/prevention/classes/new")
	r := c.post("/prevention/classes", url.Values{"org": {f.schoolCode}, "name": {name}, "grade_band": {"6-8"},
		"student_count": {students}, "curriculum": {"course:sample-series"}, "contact_name": {"Pat Rivera"},
		"contact_phone": {"413-555-0100"}, "inspect_where": {"Main office"}})
	if r.Status != 303 || !classURL.MatchString(r.Location) {
		t.Fatalf("create class: %d %q\n%s", r.Status, r.Location, r.Body)
	}
	return r.Location
}

func logForm(attendance string) url.Values {
	return url.Values{"date": {time.Now().Format(time.DateOnly)}, "minutes": {"45"}, "attendance": {attendance},
		"mark_s1-agreements": {"delivered"}, "mark_s1-adults": {"partly"}, "notes": {"Went well."}}
}

func deliveryCount(t *testing.T, db *sqlx.DB, classPath string) int {
	var n int
	id := classURL.FindStringSubmatch(classPath)[1]
	if err := db.GetContext(context.Background(), &n, `SELECT count(*) FROM prevention_deliveries WHERE class_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestFacilitatorWithoutPreparationCannotLog(t *testing.T) {
	app := newApp(t)
	f := newPrevFixture(t)
	c := newClient(t, app)
	c.login(f.unprepared, testfix.Password)
	class := f.createClass(t, c, "Grade 7 health", "20")

	page := c.get(class + "/sessions/1/log")
	if page.Status != 200 || !strings.Contains(page.Body, "Before you log sessions") || strings.Contains(page.Body, `name="attendance"`) {
		t.Fatalf("log page for an unprepared facilitator: %d\n%s", page.Status, page.Body)
	}
	if r := c.post(class+"/sessions/1/log", logForm("18")); r.Status != 403 {
		t.Fatalf("POST log without preparation: %d", r.Status)
	}
	if n := deliveryCount(t, f.db, class); n != 0 {
		t.Fatalf("%d sessions recorded without preparation", n)
	}
}

func TestLoggingAndTheSevenDayLock(t *testing.T) {
	app := newApp(t)
	f := newPrevFixture(t)
	c := newClient(t, app)
	c.login(f.prepared, testfix.Password)
	class := f.createClass(t, c, "Grade 8 advisory", "20")

	form := c.get(class + "/sessions/1/log")
	for _, want := range []string{`id="quick-exit"`, "No student names", `name="mark_s1-agreements"`, "Trusted adults"} {
		if !strings.Contains(form.Body, want) {
			t.Errorf("log form lacks %q", want)
		}
	}
	bad := logForm("25")
	bad.Del("mark_s1-adults")
	r := c.post(class+"/sessions/1/log", bad)
	if r.Status != 422 || !strings.Contains(r.Body, "error-summary") || !strings.Contains(r.Body, `aria-invalid="true"`) ||
		!strings.Contains(r.Body, "Mark every core component") || !strings.Contains(r.Body, "from 1 to 20") {
		t.Fatalf("invalid log: %d\n%s", r.Status, r.Body)
	}
	if r := c.post(class+"/sessions/1/log", logForm("18")); r.Status != 303 {
		t.Fatalf("log: %d\n%s", r.Status, r.Body)
	}
	page := c.get(class)
	if !strings.Contains(page.Body, "Session 1 was logged") || !strings.Contains(page.Body, "View or correct") ||
		!strings.Contains(page.Body, "1 of 2") {
		t.Fatalf("class page after logging:\n%s", page.Body)
	}
	m := regexp.MustCompile(`/prevention/classes/\d+/deliveries/(\d+)`).FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatal("no link to the record")
	}
	record := m[0]

	// Within 7 days the record is a form and accepts a correction.
	if r := c.post(record, logForm("19")); r.Status != 303 {
		t.Fatalf("correction: %d\n%s", r.Status, r.Body)
	}
	var attendance, audits int
	f.db.GetContext(context.Background(), &attendance, `SELECT attendance FROM prevention_deliveries WHERE id = $1`, m[1])
	f.db.GetContext(context.Background(), &audits, `SELECT count(*) FROM audit_log WHERE entity = 'prevention_delivery' AND entity_id = $1`, m[1])
	if attendance != 19 || audits != 2 {
		t.Fatalf("after correction: attendance %d, %d audit rows", attendance, audits)
	}

	// Eight days later the record is locked.
	if _, err := f.db.Exec(`UPDATE prevention_deliveries SET created_at = created_at - interval '8 days' WHERE id = $1`, m[1]); err != nil {
		t.Fatal(err)
	}
	view := c.get(record)
	if !strings.Contains(view.Body, "This record is locked") || strings.Contains(view.Body, `name="attendance"`) {
		t.Fatalf("locked record page:\n%s", view.Body)
	}
	if r := c.post(record, logForm("5")); r.Status != 409 {
		t.Fatalf("correction after 7 days: %d", r.Status)
	}
	f.db.GetContext(context.Background(), &attendance, `SELECT attendance FROM prevention_deliveries WHERE id = $1`, m[1])
	if attendance != 19 {
		t.Fatalf("locked record changed to %d", attendance)
	}

	// Another facilitator of the school cannot see the class at all.
	other := newClient(t, app)
	other.login(f.unprepared, testfix.Password)
	if r := other.get(class); r.Status != 404 {
		t.Fatalf("another facilitator sees the class: %d", r.Status)
	}
	if r := other.post(class+"/sessions/1/log", logForm("3")); r.Status != 404 {
		t.Fatalf("another facilitator logs: %d", r.Status)
	}
}

func TestGuideAndDisclosurePages(t *testing.T) {
	app := newApp(t)
	f := newPrevFixture(t)
	c := newClient(t, app)
	c.login(f.prepared, testfix.Password)
	tests := []struct {
		path string
		want []string
	}{
		{"/prevention", []string{"Your classes and groups", "valid until", "A sample prevention series"}},
		{"/prevention/curricula", []string{"A sample prevention series", "Licensed programs", "Session one"}},
		{"/prevention/curricula/sample-series", []string{"<h1>A sample prevention series</h1>", "You can always talk to a trusted adult"}},
		{"/prevention/curricula/sample-series/sessions/1", []string{"<h1>Session one</h1>", "Name a trusted adult.", "Cards",
			"Everything", "Group agreements", "Trusted adults", `id="discussion-prompts"`, "Who can you talk to?",
			`href="/prevention/disclosures"`}},
		{"/prevention/disclosures", []string{"Listen and stay calm", "Do not investigate", "Do not promise secrecy",
			"51A", "1-800-792-5200", "within 48 hours", "1-888-373-7888", "233733"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := c.get(tt.path)
			if r.Status != 200 {
				t.Fatalf("status %d", r.Status)
			}
			for _, w := range append(tt.want, `id="quick-exit"`, "has-quick-exit") {
				if !strings.Contains(r.Body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			if n := strings.Count(r.Body, "<h1"); n != 1 {
				t.Errorf("%d h1 elements", n)
			}
		})
	}
	if r := c.get("/prevention/curricula/sample-series/sessions/2"); r.Status != 404 {
		t.Errorf("session 2 of 1: %d", r.Status)
	}
	if r := c.get("/prevention/curricula/sample-course"); r.Status != 404 {
		t.Errorf("a training course as a curriculum: %d", r.Status)
	}
}

func TestPreventionAccessByRole(t *testing.T) {
	app := newApp(t)
	f := newPrevFixture(t)
	tests := []struct {
		who    string
		path   string
		status int
	}{
		{f.user, "/prevention", 403},
		{f.user, "/manage/prevention", 403},
		{f.manager, "/prevention", 403},
		{f.manager, "/manage/prevention", 200},
		{f.manager, "/admin/programs", 403},
		{f.prepared, "/admin/programs", 403},
		{f.prepared, "/manage/prevention", 403},
		{f.prepared, "/prevention/reports", 200},
		{f.admin, "/admin/programs", 200},
		{f.admin, "/manage/prevention?by=county", 200},
		{f.admin, "/prevention", 200},
	}
	for _, tt := range tests {
		c := newClient(t, app)
		c.login(tt.who, testfix.Password)
		if r := c.get(tt.path); r.Status != tt.status {
			t.Errorf("%s as %s: %d, want %d", tt.path, tt.who, r.Status, tt.status)
		}
	}
	anon := newClient(t, app)
	if r := anon.get("/prevention"); r.Status != 303 || !strings.HasPrefix(r.Location, "/login") {
		t.Errorf("anonymous: %d %q", r.Status, r.Location)
	}
}

func TestReportPagesAndCSVSuppressSmallCells(t *testing.T) {
	app := newApp(t)
	f := newPrevFixture(t)
	c := newClient(t, app)
	c.login(f.prepared, testfix.Password)
	small := f.createClass(t, c, "Small group", "8")
	large := f.createClass(t, c, "Large class", "23")
	for _, tt := range []struct{ class, attendance string }{{small, "7"}, {large, "21"}} {
		c.get(tt.class + "/sessions/1/log")
		if r := c.post(tt.class+"/sessions/1/log", logForm(tt.attendance)); r.Status != 303 {
			t.Fatalf("log: %d\n%s", r.Status, r.Body)
		}
	}
	cell := regexp.MustCompile(`<tr>\s*<th scope="row">Small group</th>(?s:(.*?))</tr>`)

	r := c.get("/prevention/reports?by=class")
	row := cell.FindStringSubmatch(r.Body)
	if r.Status != 200 || row == nil {
		t.Fatalf("facilitator report: %d\n%s", r.Status, r.Body)
	}
	if strings.Count(row[1], "fewer than 10") != 3 || strings.Contains(row[1], ">7<") || strings.Contains(row[1], ">8<") {
		t.Errorf("small group row is not suppressed: %s", row[1])
	}
	if !strings.Contains(row[1], "50.0%") { // dosage 1 of 2 is about sessions, shown
		t.Errorf("small group dosage missing: %s", row[1])
	}
	if !strings.Contains(r.Body, ">21<") || !strings.Contains(r.Body, `id="quick-exit"`) {
		t.Errorf("large class reach or quick exit missing")
	}

	csv := c.get("/prevention/reports.csv?by=class")
	if csv.Status != 200 || !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(csv.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("csv: %d %v", csv.Status, csv.Header)
	}
	var smallLine string
	for _, line := range strings.Split(csv.Body, "\n") {
		if strings.HasPrefix(line, "class,Small group,") {
			smallLine = line
		}
	}
	if strings.Count(smallLine, "fewer than 10") != 3 || strings.Contains(smallLine, ",7,") || strings.Contains(smallLine, ",8,") {
		t.Errorf("csv small group line: %q", smallLine)
	}

	m := newClient(t, app)
	m.login(f.manager, testfix.Password)
	page := m.get("/manage/prevention?by=school")
	if page.Status != 200 || !strings.Contains(page.Body, ">31<") || !strings.Contains(page.Body, ">28<") {
		t.Errorf("manager report by school lacks enrolled 31 / reach 28:\n%s", page.Body)
	}
	other := testfix.Org(t, f.db, testfix.Unique("Other District "), "school_district", "Essex", 0)
	_, otherManager := testfix.User(t, f.db, other, testfix.UserSpec{Scopes: []int64{other}})
	om := newClient(t, app)
	om.login(otherManager, testfix.Password)
	if page := om.get("/manage/prevention?by=class"); strings.Contains(page.Body, "Small group") || strings.Contains(page.Body, "Large class") {
		t.Error("a manager of another district sees these classes")
	}
}

func TestAdminRegistersALicensedProgram(t *testing.T) {
	app := newApp(t)
	f := newPrevFixture(t)
	c := newClient(t, app)
	c.login(f.admin, testfix.Password)
	c.get("/admin/programs/new")
	name := testfix.Unique("Not a Number ")
	r := c.post("/admin/programs", url.Values{"name": {name}, "session_count": {"2"}, "components": {"1. Opening\n3. Nope"}})
	if r.Status != 422 || !strings.Contains(r.Body, "is not between 1 and 2") {
		t.Fatalf("bad components: %d", r.Status)
	}
	r = c.post("/admin/programs", url.Values{"name": {name}, "provider": {"Love146"}, "session_count": {"2"},
		"components": {"1. Opening\n2. Closing"}, "facilitator_course": {""}})
	if r.Status != 303 {
		t.Fatalf("register: %d\n%s", r.Status, r.Body)
	}
	if page := c.get("/admin/programs"); !strings.Contains(page.Body, name) || !strings.Contains(page.Body, "none in Waymark") {
		t.Fatal("program not listed")
	}
	// A facilitator without any preparation can log it, since it asks for none.
	u := newClient(t, app)
	u.login(f.unprepared, testfix.Password)
	form := u.get("/prevention/classes/new")
	ref := regexp.MustCompile(`value="(program:\d+)">` + regexp.QuoteMeta(name)).FindStringSubmatch(form.Body)
	if ref == nil {
		t.Fatalf("program not offered:\n%s", form.Body)
	}
	r = u.post("/prevention/classes", url.Values{"org": {f.schoolCode}, "name": {"Group"}, "grade_band": {"ages"},
		"age_min": {"12"}, "age_max": {"15"}, "student_count": {"12"}, "curriculum": {ref[1]},
		"contact_name": {"Pat"}, "contact_email": {"pat@example.org"}, "inspect_where": {"Office"}})
	if r.Status != 303 {
		t.Fatalf("class: %d\n%s", r.Status, r.Body)
	}
	log := u.get(r.Location + "/sessions/1/log")
	key := regexp.MustCompile(`name="(mark_c\d+)"`).FindStringSubmatch(log.Body)
	if key == nil {
		t.Fatalf("no component marks on the log form:\n%s", log.Body)
	}
	if r := u.post(r.Location+"/sessions/1/log", url.Values{"date": {time.Now().Format(time.DateOnly)}, "minutes": {"60"},
		"attendance": {"11"}, key[1]: {"delivered"}}); r.Status != 303 {
		t.Fatalf("log a licensed session: %d\n%s", r.Status, r.Body)
	}
}

func TestParentLetterDownloads(t *testing.T) {
	app := newApp(t)
	f := newPrevFixture(t)
	c := newClient(t, app)
	c.login(f.prepared, testfix.Password)
	class := f.createClass(t, c, "Grade 6 health", "22")
	tests := []struct {
		lang string
		want []string
	}{
		{"en", []string{"Notice to parents and guardians", "Your right to exempt your child without penalty", "Session one"}},
		{"es", []string{"Aviso a madres, padres y tutores", "Su derecho a eximir a su hijo o hija sin ninguna penalización",
			"Cómo revisar los materiales"}},
	}
	for _, tt := range tests {
		r := c.get(class + "/letter.pdf?lang=" + tt.lang)
		if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("%s letter: %d %q", tt.lang, r.Status, r.Header.Get("Content-Type"))
		}
		text := regexp.MustCompile(`\s+`).ReplaceAllString(pdftest.Text(t, []byte(r.Body)), " ")
		for _, w := range tt.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s letter lacks %q", tt.lang, w)
			}
		}
	}
	if r := c.get(class + "/letter.pdf?lang=de"); r.Status != 404 {
		t.Errorf("German letter: %d", r.Status)
	}
	other := newClient(t, app)
	other.login(f.unprepared, testfix.Password)
	if r := other.get(class + "/letter.pdf"); r.Status != 404 {
		t.Errorf("letter of someone else's class: %d", r.Status)
	}
}

// TestPreventionPagesBasics visits every prevention page and checks the
// basics: one h1, the quick exit, a label for every field, no inline style.
func TestPreventionPagesBasics(t *testing.T) {
	app := newApp(t)
	f := newPrevFixture(t)
	c := newClient(t, app)
	c.login(f.prepared, testfix.Password)
	class := f.createClass(t, c, "Grade 7 health", "22")
	c.get(class + "/sessions/1/log")
	if r := c.post(class+"/sessions/1/log", logForm("20")); r.Status != 303 {
		t.Fatalf("log: %d", r.Status)
	}
	record := regexp.MustCompile(`/prevention/classes/\d+/deliveries/\d+`).FindString(c.get(class).Body)
	admin := newClient(t, app)
	admin.login(f.admin, testfix.Password)
	admin.get("/admin/programs/new")
	admin.post("/admin/programs", url.Values{"name": {testfix.Unique("PROTECT ")}, "session_count": {"1"}, "components": {"1. A"}})
	program := regexp.MustCompile(`/admin/programs/\d+`).FindString(admin.get("/admin/programs").Body)

	field := regexp.MustCompile(`<(input|select|textarea)\b[^>]*\bid="([^"]+)"[^>]*>`)
	pages := []struct {
		c    *client
		path string
	}{
		{c, "/prevention"}, {c, "/prevention/curricula"}, {c, "/prevention/curricula/sample-series"},
		{c, "/prevention/curricula/sample-series/sessions/1"}, {c, "/prevention/disclosures"},
		{c, "/prevention/classes/new"}, {c, class}, {c, class + "/edit"}, {c, record},
		{c, class + "/survey/pre"}, {c, class + "/survey/post"}, {c, "/prevention/reports"},
		{c, "/prevention/reports?by=county"}, {admin, "/manage/prevention?by=district"},
		{admin, "/admin/programs"}, {admin, "/admin/programs/new"}, {admin, program},
	}
	for _, p := range pages {
		t.Run(p.path, func(t *testing.T) {
			r := p.c.get(p.path)
			if r.Status != 200 {
				t.Fatalf("status %d", r.Status)
			}
			if n := strings.Count(r.Body, "<h1"); n != 1 {
				t.Errorf("%d h1 elements", n)
			}
			if !strings.Contains(r.Body, `id="quick-exit"`) {
				t.Error("no quick exit")
			}
			if strings.Contains(r.Body, "style=") {
				t.Error("inline style (blocked by the CSP)")
			}
			for _, m := range field.FindAllStringSubmatch(r.Body, -1) {
				if strings.Contains(m[0], `type="hidden"`) || strings.Contains(m[0], `type="radio"`) || strings.Contains(m[0], `type="checkbox"`) {
					continue
				}
				if !strings.Contains(r.Body, `<label for="`+m[2]+`"`) {
					t.Errorf("field %q has no label", m[2])
				}
			}
			for _, form := range regexp.MustCompile(`(?s)<form method="post".*?</form>`).FindAllString(r.Body, -1) {
				if !strings.Contains(form, `name="csrf"`) {
					t.Errorf("a form without the CSRF field: %.80s", form)
				}
			}
		})
	}
}

// TestManagerPreventionReportFiltersByOrganization narrows the managers'
// report (and its CSV) to one organization of their scope; one outside it
// is not found.
func TestManagerPreventionReportFiltersByOrganization(t *testing.T) {
	app := newApp(t)
	f := newPrevFixture(t)
	c := newClient(t, app)
	c.login(f.prepared, testfix.Password)
	f.createClass(t, c, "Class in the first school", "12")

	second := testfix.Org(t, f.db, testfix.Unique("Second School "), "school", "Hampden", f.district)
	var secondCode string
	f.db.Get(&secondCode, `SELECT code FROM organizations WHERE id = $1`, second)
	fid, femail := testfix.User(t, f.db, second, testfix.UserSpec{Name: "Second Facilitator", Facilitator: true})
	testfix.Prepared(t, f.db, fid, "sample-prep", time.Now().AddDate(0, -1, 0), time.Now().AddDate(1, 0, 0))
	c2 := newClient(t, app)
	c2.login(femail, testfix.Password)
	c2.get("/prevention/classes/new")
	if r := c2.post("/prevention/classes", url.Values{"org": {secondCode}, "name": {"Class in the second school"}, "grade_band": {"6-8"},
		"student_count": {"14"}, "curriculum": {"course:sample-series"}, "contact_name": {"Pat Rivera"},
		"contact_phone": {"413-555-0100"}, "inspect_where": {"Main office"}}); r.Status != 303 {
		t.Fatalf("second class: %d\n%s", r.Status, r.Body)
	}

	m := newClient(t, app)
	m.login(f.manager, testfix.Password)
	all := m.get("/manage/prevention?by=class")
	if !strings.Contains(all.Body, "Class in the first school") || !strings.Contains(all.Body, "Class in the second school") {
		t.Fatalf("the whole scope lacks a class:\n%s", all.Body)
	}
	if !strings.Contains(all.Body, `<option value="`+id(second)+`">`) {
		t.Error("the organization choice lacks the second school")
	}
	one := m.get("/manage/prevention?by=class&org=" + id(second))
	if one.Status != 200 || strings.Contains(one.Body, "Class in the first school") || !strings.Contains(one.Body, "Class in the second school") {
		t.Errorf("?org= does not narrow the report: %d\n%s", one.Status, one.Body)
	}
	if !strings.Contains(one.Body, `href="/manage/prevention?by=school&amp;org=`+id(second)+`"`) ||
		!strings.Contains(one.Body, `<option value="`+id(second)+`" selected>`) {
		t.Error("the level links or the choice lose the organization")
	}
	csv := m.get("/manage/prevention.csv?by=class&org=" + id(second))
	if strings.Contains(csv.Body, "Class in the first school") || !strings.Contains(csv.Body, "Class in the second school") {
		t.Errorf("the CSV is not narrowed:\n%s", csv.Body)
	}
	other := testfix.Org(t, f.db, testfix.Unique("Other District "), "school_district", "Essex", 0)
	for _, p := range []string{"/manage/prevention?org=" + id(other), "/manage/prevention.csv?org=" + id(other), "/manage/prevention?org=999999999"} {
		if r := m.get(p); r.Status != 404 {
			t.Errorf("%s: %d, want 404", p, r.Status)
		}
	}
	adm := newClient(t, app)
	adm.login(f.admin, testfix.Password)
	if r := adm.get("/manage/prevention?by=class&org=" + id(f.school)); r.Status != 200 || strings.Contains(r.Body, "Class in the second school") ||
		!strings.Contains(r.Body, "Class in the first school") {
		t.Errorf("an administrator's ?org= does not narrow: %d", r.Status)
	}
}
