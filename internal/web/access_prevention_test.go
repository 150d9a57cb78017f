package web_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
)

// The prevention area's rows of the access table (access_test.go). Each row
// gets a class in the subject's school, led by a facilitator who is none of
// the viewers, with one logged session and a co-facilitator. Only the
// class's own facilitators and administrators see a class; only its own
// facilitators log, correct or tally it (administrators included: 403).
// Managers see prevention only as aggregate reports (tested in
// prevention_test.go, where scoping filters rows rather than refusing).
func init() { accessRoutes = append(accessRoutes, preventionAccessRoutes()...) }

func preventionAccessRoutes() []accessRoute {
	var classID, deliveryID, coID, programID int64
	var className string
	classSetup := func(t *testing.T, f *accessFixture, delivered bool) {
		lead, _ := testfix.User(t, f.DB, f.SubjectOrg, testfix.UserSpec{Name: "Class Lead", Facilitator: true})
		testfix.Prepared(t, f.DB, lead, "sample-prep", time.Now().AddDate(0, -1, 0), time.Now().AddDate(1, 0, 0))
		coID, _ = testfix.User(t, f.DB, f.SubjectOrg, testfix.UserSpec{Name: "Class Co", Facilitator: true})
		className = testfix.Unique("Access class ")
		err := f.DB.Get(&classID, `INSERT INTO prevention_classes (org_id, name, grade_band, student_count, course_id,
			contact_name, contact_phone, inspect_where, created_by)
			SELECT $1, $2, '6-8', 20, id, 'Pat', '555-0100', 'Office', $3 FROM courses WHERE slug = 'sample-series'
			RETURNING id`, f.SubjectOrg, className, lead)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.DB.Exec(`INSERT INTO prevention_class_facilitators (class_id, user_id, lead) VALUES ($1, $2, true), ($1, $3, false)`,
			classID, lead, coID); err != nil {
			t.Fatal(err)
		}
		if !delivered {
			return
		}
		err = f.DB.Get(&deliveryID, `INSERT INTO prevention_deliveries (class_id, session, delivered_on, minutes, attendance,
			logged_by, created_at, updated_at, marks, marks_full) VALUES ($1, 1, current_date, 45, 18, $2, now(), now(), 2, 2) RETURNING id`,
			classID, lead)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.DB.Exec(`INSERT INTO prevention_component_marks (delivery_id, component, label, position, status)
			VALUES ($1, 's1-agreements', 'Group agreements', 1, 'delivered'), ($1, 's1-adults', 'Trusted adults', 2, 'delivered')`,
			deliveryID); err != nil {
			t.Fatal(err)
		}
	}
	setup := func(t *testing.T, f *accessFixture) { classSetup(t, f, true) }
	fresh := func(t *testing.T, f *accessFixture) { classSetup(t, f, false) }
	programSetup := func(t *testing.T, f *accessFixture) {
		setup(t, f)
		if err := f.DB.Get(&programID, `INSERT INTO prevention_programs (name, session_count) VALUES ($1, 1) RETURNING id`,
			className); err != nil {
			t.Fatal(err)
		}
	}
	class := func(*accessFixture) string { return "/prevention/classes/" + id(classID) }
	named := func(*accessFixture) string { return className }
	pdf := func(*accessFixture) string { return "%PDF-" }
	logForm := func(*accessFixture) url.Values {
		return url.Values{"date": {time.Now().Format(time.DateOnly)}, "minutes": {"40"}, "attendance": {"3"},
			"mark_s1-agreements": {"not"}, "mark_s1-adults": {"not"}}
	}
	classForm := func(*accessFixture) url.Values {
		return url.Values{"name": {"Renamed by someone"}, "grade_band": {"6-8"}, "student_count": {"30"},
			"contact_name": {"Someone"}, "contact_phone": {"1"}, "inspect_where": {"Elsewhere"}}
	}
	facilitatorsAndAdmins := [viewerKinds]outcome{deny, deny, allow, deny, deny, allow}
	allDenied := [viewerKinds]outcome{deny, deny, deny, deny, deny, deny}
	heading := func(h string) func(*accessFixture) string { return func(*accessFixture) string { return h } }
	get := func(name string, want [viewerKinds]outcome, path func(*accessFixture) string, marker func(*accessFixture) string) accessRoute {
		return accessRoute{name: name, method: "GET", want: want, path: path, marker: marker, setup: setup}
	}
	post := func(name string, want [viewerKinds]outcome, path func(*accessFixture) string, form func(*accessFixture) url.Values) accessRoute {
		return accessRoute{name: name, method: "POST", want: want, path: path, form: form, marker: named, setup: setup}
	}
	return []accessRoute{
		get("prevention home", facilitatorsAndAdmins, func(*accessFixture) string { return "/prevention" }, heading("<h1>Prevention sessions</h1>")),
		get("session guide", facilitatorsAndAdmins, func(*accessFixture) string { return "/prevention/curricula/sample-series/sessions/1" },
			heading("<h1>Session one</h1>")),
		get("disclosure protocol", facilitatorsAndAdmins, func(*accessFixture) string { return "/prevention/disclosures" },
			heading("<h1>When a young person tells you something</h1>")),
		get("curricula", facilitatorsAndAdmins, func(*accessFixture) string { return "/prevention/curricula" },
			heading("<h1>Curricula and session guides</h1>")),
		get("curriculum", facilitatorsAndAdmins, func(*accessFixture) string { return "/prevention/curricula/sample-series" },
			heading("<h1>A sample prevention series</h1>")),
		get("add class form", facilitatorsAndAdmins, func(*accessFixture) string { return "/prevention/classes/new" },
			heading("Add a class or group")),
		// Empty on purpose: access is decided before the form (422).
		{name: "add a class", method: "POST", want: facilitatorsAndAdmins, setup: setup, marker: named,
			path: func(*accessFixture) string { return "/prevention/classes" }},
		get("facilitator's report", facilitatorsAndAdmins, func(*accessFixture) string { return "/prevention/reports" },
			heading("Your prevention classes: report")),
		get("facilitator's report CSV", facilitatorsAndAdmins, func(*accessFixture) string { return "/prevention/reports.csv" },
			heading("students_enrolled")),
		get("managers' prevention report", managers, func(*accessFixture) string { return "/manage/prevention" },
			heading("Prevention report")),
		get("managers' prevention report CSV", managers, func(*accessFixture) string { return "/manage/prevention.csv" },
			heading("students_enrolled")),
		get("class page", adminOnly, class, named),
		get("class edit form", adminOnly, func(f *accessFixture) string { return class(f) + "/edit" }, named),
		{name: "session log form", method: "GET", want: adminOnly, setup: fresh, marker: named,
			path: func(f *accessFixture) string { return class(f) + "/sessions/1/log" }},
		get("session record", adminOnly, func(f *accessFixture) string { return class(f) + "/deliveries/" + id(deliveryID) }, named),
		get("survey form", adminOnly, func(f *accessFixture) string { return class(f) + "/survey/pre" }, named),
		get("parent letter", adminOnly, func(f *accessFixture) string { return class(f) + "/letter.pdf?lang=es" }, pdf),
		post("edit class", adminOnly, class, classForm),
		post("plan dates", adminOnly, func(f *accessFixture) string { return class(f) + "/plan" },
			func(*accessFixture) url.Values { return url.Values{"planned_1": {"2026-05-01"}} }),
		post("opt-out counts", adminOnly, func(f *accessFixture) string { return class(f) + "/notices" },
			func(*accessFixture) url.Values { return url.Values{"opt_outs": {"4"}} }),
		post("add co-facilitator", adminOnly, func(f *accessFixture) string { return class(f) + "/facilitators" },
			func(f *accessFixture) url.Values { return url.Values{"email": {f.SubjectEmail}} }),
		post("remove co-facilitator", adminOnly, func(f *accessFixture) string {
			return class(f) + "/facilitators/" + id(coID) + "/remove"
		}, nil),
		{name: "log a session", method: "POST", want: allDenied, setup: fresh, marker: named, form: logForm,
			path: func(f *accessFixture) string { return class(f) + "/sessions/1/log" }},
		post("correct a session", allDenied, func(f *accessFixture) string { return class(f) + "/deliveries/" + id(deliveryID) }, logForm),
		post("enter survey tallies", allDenied, func(f *accessFixture) string { return class(f) + "/survey/pre" },
			func(*accessFixture) url.Values { return url.Values{"respondents": {"10"}} }),
		get("register a program form", adminOnly, func(*accessFixture) string { return "/admin/programs/new" },
			heading("Register a licensed program")),
		{name: "licensed programs", method: "GET", want: adminOnly, setup: programSetup, marker: named,
			path: func(*accessFixture) string { return "/admin/programs" }},
		{name: "licensed program form", method: "GET", want: adminOnly, setup: programSetup, marker: named,
			path: func(*accessFixture) string { return "/admin/programs/" + id(programID) }},
		{name: "register a program", method: "POST", want: adminOnly, setup: programSetup, marker: named,
			path: func(*accessFixture) string { return "/admin/programs" },
			form: func(*accessFixture) url.Values {
				return url.Values{"name": {testfix.Unique("Program ")}, "session_count": {"1"}, "components": {"1. A"}}
			}},
		{name: "edit a program", method: "POST", want: adminOnly, setup: programSetup, marker: named,
			path: func(*accessFixture) string { return "/admin/programs/" + id(programID) },
			form: func(*accessFixture) url.Values {
				return url.Values{"name": {testfix.Unique("Renamed ")}, "session_count": {"1"}, "components": {"1. A"}}
			}},
	}
}

// TestDeniedPreventionPostsChangeNothing walks the POST rows above as each
// denied viewer and compares the class's whole record before and after
// (the shared table's snapshot covers people and organizations only).
func TestDeniedPreventionPostsChangeNothing(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	root, district, other, clients := accessViewers(t, db, func() *client { return newClient(t, app) })
	classSnapshot := func(f *accessFixture) string {
		var s string
		err := db.Get(&s, `SELECT concat_ws('|',
			(SELECT string_agg(row_to_json(c)::text, ',') FROM prevention_classes c WHERE c.org_id = $1),
			(SELECT string_agg(row_to_json(x)::text, ',' ORDER BY x.user_id) FROM prevention_class_facilitators x
				JOIN prevention_classes c ON c.id = x.class_id WHERE c.org_id = $1),
			(SELECT string_agg(row_to_json(p)::text, ',' ORDER BY p.session) FROM prevention_class_plans p
				JOIN prevention_classes c ON c.id = p.class_id WHERE c.org_id = $1),
			(SELECT string_agg(row_to_json(d)::text, ',' ORDER BY d.id) FROM prevention_deliveries d
				JOIN prevention_classes c ON c.id = d.class_id WHERE c.org_id = $1),
			(SELECT string_agg(row_to_json(m)::text, ',' ORDER BY m.component) FROM prevention_component_marks m
				JOIN prevention_deliveries d ON d.id = m.delivery_id JOIN prevention_classes c ON c.id = d.class_id WHERE c.org_id = $1),
			(SELECT count(*) FROM prevention_survey_phases sp JOIN prevention_classes c ON c.id = sp.class_id WHERE c.org_id = $1),
			(SELECT count(*) FROM prevention_programs))`, f.SubjectOrg)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, rt := range preventionAccessRoutes() {
		if rt.method != "POST" {
			continue
		}
		t.Run(rt.name, func(t *testing.T) {
			f := &accessFixture{DB: db, Root: root, District: district, OtherDist: other}
			f.SubjectOrg = testfix.Org(t, db, "Subject school "+testfix.Unique(""), "school", "Hampden", district)
			f.Subject, f.SubjectEmail = testfix.User(t, db, f.SubjectOrg, testfix.UserSpec{Name: "Subject", Roles: []string{"teacher"}})
			rt.setup(t, f)
			for k := 0; k < viewerKinds; k++ {
				if rt.want[k] == allow {
					continue
				}
				before := classSnapshot(f)
				form := url.Values{}
				if rt.form != nil {
					form = rt.form(f)
				}
				r := clients[k].post(rt.path(f), form)
				checkDenied(t, viewerNames[k], k == anon, "POST", r)
				if after := classSnapshot(f); after != before {
					t.Errorf("%s: a denied POST changed the class:\n%s\n%s", viewerNames[k], before, after)
				}
			}
		})
	}
}
