package web_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/testfix"
)

// The reports area's rows of the access table (access_test.go): each gives
// the subject an overdue assignment, so the drill-downs and the export list
// them and a nudge has something to remind them of.
func init() { accessRoutes = append(accessRoutes, reportAccessRoutes()...) }

func reportAccessRoutes() []accessRoute {
	var assignmentID int64 // set by setup for the row being walked
	setup := func(t *testing.T, f *accessFixture) {
		course, _ := testfix.CourseRow(t, f.DB, "Access report course")
		due := time.Now().AddDate(0, 0, -3)
		assignmentID, _ = testfix.CycleRow(t, f.DB, testfix.Cycle{UserID: f.Subject, CourseID: course,
			AssignedAt: due.AddDate(0, -1, 0), DueAt: &due})
	}
	orgName := func(f *accessFixture) string {
		var name string
		f.DB.Get(&name, `SELECT name FROM organizations WHERE id = $1`, f.SubjectOrg)
		return name
	}
	return []accessRoute{
		{name: "report dashboard of the subject's organization", method: "GET", want: managersOfIt, setup: setup, marker: orgName,
			path: func(f *accessFixture) string { return "/manage?org=" + id(f.SubjectOrg) }},
		{name: "drill-down of the subject's organization", method: "GET", want: managersOfIt, setup: setup,
			path: func(f *accessFixture) string { return "/manage/people?status=overdue&org=" + id(f.SubjectOrg) }},
		{name: "drill-down of the subject's district by course", method: "GET", want: managersOfIt, setup: setup,
			path: func(f *accessFixture) string { return "/manage/people?sort=due&org=" + id(f.District) }},
		{name: "CSV export of the subject's organization", method: "GET", want: managersOfIt, setup: setup,
			path: func(f *accessFixture) string { return "/manage/people.csv?org=" + id(f.SubjectOrg) }},
		{name: "nudge the subject", method: "POST", want: managersOfIt, setup: setup,
			path: func(*accessFixture) string { return "/manage/people/nudge" },
			form: func(f *accessFixture) url.Values {
				return url.Values{"assignment": {id(assignmentID)}, "back": {"/manage/people?org=" + id(f.SubjectOrg)}}
			}},
		{name: "bulk reminder to the subject", method: "POST", want: managersOfIt, setup: setup,
			path: func(*accessFixture) string { return "/manage/people/remind" },
			form: func(f *accessFixture) url.Values {
				return url.Values{"user": {id(f.Subject)}, "back": {"/manage/people?org=" + id(f.SubjectOrg)}}
			}},
		{name: "bulk assignment to the subject", method: "POST", want: managersOfIt, setup: setup,
			path: func(*accessFixture) string { return "/manage/people/assign" },
			form: func(f *accessFixture) url.Values {
				return url.Values{"user": {id(f.Subject)}, "assign_course": {"sample-course"},
					"due": {time.Now().AddDate(0, 1, 0).Format(time.DateOnly)}, "back": {"/manage/people"}}
			}},
		{name: "person page of the subject", method: "GET", want: managersOfIt, setup: setup,
			path: func(f *accessFixture) string { return "/manage/people/" + id(f.Subject) }},
		{name: "statewide report", method: "GET", want: adminOnly, setup: setup,
			marker: func(*accessFixture) string { return "Training completion statewide" },
			path:   func(*accessFixture) string { return "/admin/reports" }},
	}
}
