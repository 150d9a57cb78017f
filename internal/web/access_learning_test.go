package web_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/testfix"
)

// The learning area's rows of the access table (access_test.go). A final
// check and its result belong to the person who took it: nobody else, not
// even an administrator, reaches them under /my.
func init() { accessRoutes = append(accessRoutes, learningAccessRoutes()...) }

func learningAccessRoutes() []accessRoute {
	// Set by setup for the row being walked (rows run one at a time).
	var token string
	var attemptID int64
	setup := func(t *testing.T, f *accessFixture) {
		ctx := context.Background()
		cat := testfix.SampleCatalog(t)
		svc, err := learning.New(ctx, f.DB, testfix.Stores(t, f.DB), cat, learning.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.StartSelf(ctx, f.Subject, "sample-course"); err != nil {
			t.Fatal(err)
		}
		for n := 1; n <= 2; n++ {
			if _, err := svc.Player(ctx, f.Subject, "sample-course", n); err != nil {
				t.Fatal(err)
			}
		}
		graded, err := svc.StartCheck(ctx, f.Subject, "sample-course")
		if err != nil {
			t.Fatal(err)
		}
		sub, err := svc.Submit(ctx, f.Subject, "sample-course", graded.Token, map[string][]string{"q-q1": {"1"}})
		if err != nil {
			t.Fatal(err)
		}
		attemptID = sub.AttemptID
		open, err := svc.StartCheck(ctx, f.Subject, "sample-course")
		if err != nil {
			t.Fatal(err)
		}
		token = open.Token
	}
	allDenied := [viewerKinds]outcome{deny, deny, deny, deny, deny, deny}
	const due = "2099-01-31"
	var requirementID int64
	requirementSetup := func(t *testing.T, f *accessFixture) {
		course, _ := testfix.CourseRow(t, f.DB, "Access requirement course")
		if err := f.DB.Get(&requirementID, `INSERT INTO requirements (role_code, course_id, due_days) VALUES ('teacher', $1, 30) RETURNING id`,
			course); err != nil {
			t.Fatal(err)
		}
	}
	return []accessRoute{
		{name: "another person's final-check result", method: "GET", want: allDenied, setup: setup,
			marker: func(*accessFixture) string { return "Your result" },
			path:   func(*accessFixture) string { return "/my/courses/sample-course/attempts/" + id(attemptID) }},
		{name: "submitting another person's final check", method: "POST", want: allDenied, setup: setup,
			path: func(*accessFixture) string { return "/my/courses/sample-course/check" },
			form: func(*accessFixture) url.Values { return url.Values{"token": {token}, "q-q1": {"0"}} }},
		{name: "assignment form for a person", method: "GET", want: managersOfIt,
			path: func(f *accessFixture) string { return "/manage/assign?user=" + id(f.Subject) }},
		{name: "assigning a course to a person", method: "POST", want: managersOfIt,
			path: func(*accessFixture) string { return "/manage/assign" },
			form: func(f *accessFixture) url.Values {
				return url.Values{"course": {"sample-course"}, "user": {id(f.Subject)}, "due": {due}}
			}},
		{name: "assignment form for an organization", method: "GET", want: managersOfIt,
			marker: func(f *accessFixture) string { return f.SubjectCode },
			path:   func(f *accessFixture) string { return "/manage/assign?org=" + id(f.SubjectOrg) }},
		{name: "requirements matrix", method: "GET", want: adminOnly,
			marker: func(*accessFixture) string { return "<h1>Requirements matrix</h1>" },
			path:   func(*accessFixture) string { return "/admin/requirements" }},
		{name: "adding a requirement", method: "POST", want: adminOnly,
			path: func(*accessFixture) string { return "/admin/requirements" },
			// Invalid on purpose (0 days): access is decided before the form.
			form: func(*accessFixture) url.Values {
				return url.Values{"role": {"teacher"}, "course": {"sample-prep"}, "due_days": {"0"}}
			}},
		{name: "changing a requirement", method: "POST", want: adminOnly, setup: requirementSetup,
			path: func(*accessFixture) string { return "/admin/requirements/" + id(requirementID) },
			// Invalid on purpose, as above.
			form: func(*accessFixture) url.Values { return url.Values{"due_days": {"0"}} }},
		{name: "removing a requirement", method: "POST", want: adminOnly, setup: requirementSetup,
			path: func(*accessFixture) string { return "/admin/requirements/" + id(requirementID) + "/remove" }},
		// The viewer's own pages: signing in is all they need.
		{name: "my training", method: "GET", want: everySignedIn,
			marker: func(*accessFixture) string { return "<h1>My training</h1>" },
			path:   func(*accessFixture) string { return "/my" }},
		{name: "starting a course for oneself", method: "POST", want: everySignedIn,
			path: func(*accessFixture) string { return "/courses/sample-course/start" }},
	}
}
