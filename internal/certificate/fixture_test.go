package certificate_test

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/certificate"
	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
	"github.com/waymark/waymark/templates"
)

func TestMain(m *testing.M) { testdb.Main(m) }

const baseURL = "https://waymark.example.org"

var (
	boston = mustLoad("America/New_York")
	// now is the fake clock's reading for every test.
	now = time.Date(2026, 5, 14, 15, 0, 0, 0, boston)
)

func mustLoad(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

var testRoles = []store.JobRole{
	{Code: "police-officer", Name: "Police officer", Sector: "law enforcement"},
	{Code: "school-nurse", Name: "School nurse", Sector: "schools"},
}

// newService builds the service over the package database with a fake
// clock and the real email templates.
func newService(t *testing.T) (*certificate.Service, *sqlx.DB) {
	t.Helper()
	db := testdb.DB(t)
	if err := store.UpsertRoles(context.Background(), db, testRoles); err != nil {
		t.Fatal(err)
	}
	r, err := mail.NewRenderer(templates.FS, "email", baseURL)
	if err != nil {
		t.Fatal(err)
	}
	s, err := certificate.New(db, certificate.Options{BaseURL: baseURL, Mail: r, Now: func() time.Time { return now }, Location: boston})
	if err != nil {
		t.Fatal(err)
	}
	return s, db
}

// learner is a person with one completion of a course made for the test.
type learner struct {
	UserID, OrgID, CompletionID int64
	Name, Email, OrgName        string
	CourseTitle                 string
}

type learnerSpec struct {
	Name        string
	OrgID       int64 // default: a new organization
	Title       string
	Version     string
	Minutes     int
	Score       int
	CompletedAt time.Time
	ExpiresAt   *time.Time
}

func newLearner(t *testing.T, db *sqlx.DB, s learnerSpec) learner {
	t.Helper()
	l := learner{Name: s.Name, OrgID: s.OrgID, CourseTitle: s.Title}
	if l.OrgID == 0 {
		l.OrgName = testfix.Unique("Lowell Police Department ")
		l.OrgID = testfix.Org(t, db, l.OrgName, "police_department", "Middlesex", 0)
	}
	if l.CourseTitle == "" {
		l.CourseTitle = testfix.Unique("Recognizing and responding ")
	}
	l.UserID, l.Email = testfix.User(t, db, l.OrgID, testfix.UserSpec{Name: s.Name, Roles: []string{"police-officer"}})
	courseID, versionID := testfix.CourseVersion(t, db, testfix.CourseSpec{Title: l.CourseTitle, Code: "M4",
		Version: s.Version, Minutes: s.Minutes, Audiences: []string{"police-officer"}})
	if s.CompletedAt.IsZero() {
		s.CompletedAt = now.AddDate(0, -1, 0)
	}
	l.CompletionID = testfix.Completion(t, db, testfix.CompletionSpec{UserID: l.UserID, CourseID: courseID,
		VersionID: versionID, Score: s.Score, CompletedAt: s.CompletedAt, ExpiresAt: s.ExpiresAt})
	return l
}

func ptr(t time.Time) *time.Time { return &t }
