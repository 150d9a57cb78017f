package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/certificate"
	"github.com/waymark/waymark/internal/testfix"
)

// The certificates area's rows of the access table (access_test.go): each
// gives the subject a completion with an issued certificate.
func init() { accessRoutes = append(accessRoutes, certificateAccessRoutes()...) }

func certificateAccessRoutes() []accessRoute {
	// Set by setup for the row being walked (rows run one at a time).
	var completionID, certID int64
	setup := func(t *testing.T, f *accessFixture) {
		course, version := testfix.CourseVersion(t, f.DB, testfix.CourseSpec{Title: "Access check course", Code: "AC"})
		completionID = testfix.Completion(t, f.DB, testfix.CompletionSpec{UserID: f.Subject, CourseID: course, VersionID: version,
			CompletedAt: time.Now().AddDate(0, 0, -10)})
		svc, err := certificate.New(f.DB, certificate.Options{BaseURL: "http://localhost:3000"})
		if err != nil {
			t.Fatal(err)
		}
		d, err := svc.ForCompletion(context.Background(), completionID)
		if err != nil {
			t.Fatal(err)
		}
		certID = d.ID
	}
	pdf := func(*accessFixture) string { return "%PDF-" }
	allDenied := [viewerKinds]outcome{deny, deny, deny, deny, deny, deny}
	return []accessRoute{
		// /my shows only the viewer's own: the subject's completion is 404 there for everyone.
		{name: "certificate of another person under /my", method: "GET", want: allDenied, marker: pdf, setup: setup,
			path: func(*accessFixture) string { return "/my/certificates/" + id(completionID) + ".pdf" }},
		{name: "person's certificate", method: "GET", want: managersOfIt, marker: pdf, setup: setup,
			path: func(f *accessFixture) string {
				return "/manage/people/" + id(f.Subject) + "/certificates/" + id(completionID) + ".pdf"
			}},
		{name: "person's transcript", method: "GET", want: managersOfIt, marker: pdf, setup: setup,
			path: func(f *accessFixture) string { return "/manage/people/" + id(f.Subject) + "/transcript.pdf" }},
		{name: "certificates ZIP of a subtree", method: "GET", want: managersOfIt, setup: setup,
			// Entry names carry the person's name (spaces as underscores).
			marker: func(f *accessFixture) string { return strings.ReplaceAll(f.SubjectName, " ", "_") },
			path: func(f *accessFixture) string {
				today := time.Now().Format(time.DateOnly)
				from := time.Now().AddDate(0, -1, 0).Format(time.DateOnly)
				return "/manage/certificates.zip?org=" + id(f.District) + "&from=" + from + "&to=" + today
			}},
		// The viewer's own certificates and transcript: signing in is all they need.
		{name: "my certificates", method: "GET", want: everySignedIn, setup: setup,
			marker: func(*accessFixture) string { return "<h1>My certificates</h1>" },
			path:   func(*accessFixture) string { return "/my/certificates" }},
		{name: "my transcript", method: "GET", want: everySignedIn, marker: pdf, setup: setup,
			path: func(*accessFixture) string { return "/my/transcript.pdf" }},
		{name: "certificates download form", method: "GET", want: managers, setup: setup,
			marker: func(*accessFixture) string { return "<h1>Download certificates</h1>" },
			path:   func(*accessFixture) string { return "/manage/certificates" }},
		{name: "certificate search", method: "GET", want: adminOnly, setup: setup,
			path: func(f *accessFixture) string { return "/admin/certificates?q=" + url.QueryEscape(f.SubjectEmail) }},
		{name: "certificate page", method: "GET", want: adminOnly, setup: setup,
			path: func(*accessFixture) string { return "/admin/certificates/" + id(certID) }},
		{name: "revoke certificate", method: "POST", want: adminOnly, setup: setup,
			path: func(*accessFixture) string { return "/admin/certificates/" + id(certID) + "/revoke" },
			form: func(*accessFixture) url.Values { return url.Values{"reason": {"Access check"}} }},
	}
}
