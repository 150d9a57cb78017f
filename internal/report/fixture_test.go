package report_test

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/report"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
	"github.com/waymark/waymark/templates"
)

func TestMain(m *testing.M) { testdb.Main(m) }

var ny = mustLoc("America/New_York")

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at is noon on a local date.
func at(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, ny) }

func ptr(t time.Time) *time.Time { return &t }

// today of the hand-built dataset: 15 March 2026, noon in Boston.
var today = at(2026, 3, 15)

// world is the hand-built dataset of docs/METRICS.md's worked example:
// a root organization R with children A (and A's child A1) and B, and a
// separate root X. Every figure is computed by hand in the tests.
type world struct {
	db                 *sqlx.DB
	R, A, A1, B, X     int64
	C1, C2             int64 // C1 expires after 12 months, C2 never
	managerR, managerA int64
	adminID            int64
	p1C2, p2C1, pxC1   int64 // assignment ids
	p1C1, p11C2        int64
	people             map[string]int64
	names              map[string]string
}

func newService(db *sqlx.DB, now time.Time) *report.Service {
	r, err := mail.NewRenderer(templates.FS, "email", "https://waymark.test")
	if err != nil {
		panic(err)
	}
	return report.New(db, report.Options{Location: ny, Now: func() time.Time { return now }, Mail: r})
}

func buildWorld(t *testing.T) *world {
	t.Helper()
	db := testdb.DB(t)
	ctx := context.Background()
	if err := store.UpsertRoles(ctx, db, []store.JobRole{
		{Code: "teacher", Name: "Teacher", Sector: "schools"},
		{Code: "patrol-officer", Name: "Patrol officer", Sector: "police"},
	}); err != nil {
		t.Fatal(err)
	}
	w := &world{db: db, people: map[string]int64{}, names: map[string]string{}}
	w.R = testfix.Org(t, db, "Root agency", "state_agency", "Suffolk", 0)
	w.A = testfix.Org(t, db, "Alpha unit", "police_department", "Essex", w.R)
	w.A1 = testfix.Org(t, db, "Alpha one", "police_unit", "Essex", w.A)
	w.B = testfix.Org(t, db, "Beta school", "school", "Worcester", w.R)
	w.X = testfix.Org(t, db, "Xeno agency", "state_agency", "Plymouth", 0)
	w.C1, _ = testfix.CourseRow(t, db, "Course one")
	w.C2, _ = testfix.CourseRow(t, db, "Course two")
	w.managerR, _ = testfix.User(t, db, w.X, testfix.UserSpec{Name: "Manager of R", Scopes: []int64{w.R}})
	w.managerA, _ = testfix.User(t, db, w.R, testfix.UserSpec{Name: "Manager of A", Scopes: []int64{w.A}})
	w.adminID, _ = testfix.User(t, db, w.X, testfix.UserSpec{Name: "Admin", Admin: true})

	person := func(key string, org int64, roles ...string) int64 {
		name := testfix.Unique("Person " + key + " ")
		id, _ := testfix.User(t, db, org, testfix.UserSpec{Name: name, Roles: roles})
		w.people[key], w.names[key] = id, name
		return id
	}
	p1 := person("p1", w.A, "teacher")
	p2 := person("p2", w.A, "patrol-officer", "teacher")
	p3 := person("p3", w.A1, "patrol-officer")
	p4 := person("p4", w.A1)
	p5 := person("p5", w.B, "teacher")
	p6 := person("p6", w.B, "teacher")
	p7 := person("p7", w.B, "teacher")
	p8 := person("p8", w.B, "teacher")
	p9 := person("p9", w.R, "patrol-officer")
	p10 := person("p10", w.R)
	p11 := person("p11", w.R)
	px := person("px", w.X, "teacher")

	c := func(cy testfix.Cycle) (int64, int64) { return testfix.CycleRow(t, db, cy) }
	w.p1C1, _ = c(testfix.Cycle{UserID: p1, CourseID: w.C1, AssignedAt: at(2025, 12, 2), DueAt: ptr(at(2026, 2, 1)),
		Status: "completed", CompletedAt: at(2026, 1, 10), ExpiresAt: ptr(at(2027, 1, 10))})
	w.p1C2, _ = c(testfix.Cycle{UserID: p1, CourseID: w.C2, AssignedAt: at(2026, 1, 9), DueAt: ptr(at(2026, 3, 10)),
		LastActivityAt: ptr(at(2026, 3, 1))})
	w.p2C1, _ = c(testfix.Cycle{UserID: p2, CourseID: w.C1, AssignedAt: at(2026, 1, 14), DueAt: ptr(at(2026, 3, 15))})
	c(testfix.Cycle{UserID: p2, CourseID: w.C2, AssignedAt: at(2025, 12, 17), DueAt: ptr(at(2026, 2, 15)),
		Status: "completed", CompletedAt: at(2026, 2, 20)})
	c(testfix.Cycle{UserID: p3, CourseID: w.C1, AssignedAt: at(2025, 1, 20), DueAt: ptr(at(2025, 3, 21)),
		Status: "completed", CompletedAt: at(2025, 3, 20), ExpiresAt: ptr(at(2026, 3, 20))})
	c(testfix.Cycle{UserID: p3, CourseID: w.C1, Cycle: 2, Source: "renewal", AssignedAt: at(2026, 1, 19), DueAt: ptr(at(2026, 3, 20))})
	c(testfix.Cycle{UserID: p4, CourseID: w.C1, AssignedAt: at(2024, 12, 1), DueAt: ptr(at(2025, 1, 30)),
		Status: "completed", CompletedAt: at(2025, 2, 1), ExpiresAt: ptr(at(2026, 2, 1))})
	c(testfix.Cycle{UserID: p4, CourseID: w.C1, Cycle: 2, Source: "renewal", AssignedAt: at(2025, 12, 3), DueAt: ptr(at(2026, 2, 1))})
	c(testfix.Cycle{UserID: p4, CourseID: w.C2, AssignedAt: at(2025, 11, 1), DueAt: ptr(at(2025, 12, 31)), Status: "withdrawn"})
	c(testfix.Cycle{UserID: p5, CourseID: w.C1, AssignedAt: at(2026, 3, 1), DueAt: ptr(at(2026, 4, 30))})
	c(testfix.Cycle{UserID: p6, CourseID: w.C1, AssignedAt: at(2025, 10, 1), DueAt: ptr(at(2025, 11, 30))})
	testfix.Deactivate(t, db, p6, at(2026, 1, 1))
	c(testfix.Cycle{UserID: p7, CourseID: w.C2, Source: "self", AssignedAt: at(2026, 2, 1)})
	c(testfix.Cycle{UserID: p8, CourseID: w.C2, AssignedAt: at(2026, 1, 27), DueAt: ptr(at(2026, 3, 28))})
	c(testfix.Cycle{UserID: p9, CourseID: w.C1, Source: "manual", AssignedAt: at(2026, 2, 20),
		Status: "completed", CompletedAt: at(2026, 3, 1), ExpiresAt: ptr(at(2027, 3, 1))})
	c(testfix.Cycle{UserID: p10, CourseID: w.C1, AssignedAt: at(2024, 11, 11), DueAt: ptr(at(2025, 1, 10)),
		Status: "completed", CompletedAt: at(2025, 1, 10), ExpiresAt: ptr(at(2026, 1, 10))})
	c(testfix.Cycle{UserID: p10, CourseID: w.C1, Cycle: 2, Source: "renewal", AssignedAt: at(2025, 11, 11), DueAt: ptr(at(2026, 1, 10)),
		Status: "completed", CompletedAt: at(2026, 1, 5), ExpiresAt: ptr(at(2027, 1, 5))})
	var p11Completion int64
	w.p11C2, p11Completion = c(testfix.Cycle{UserID: p11, CourseID: w.C2, AssignedAt: at(2026, 1, 4), DueAt: ptr(at(2026, 3, 5)),
		Status: "completed", CompletedAt: at(2026, 3, 2)})
	testfix.RevokedCertificate(t, db, p11Completion, at(2026, 3, 3))
	w.pxC1, _ = c(testfix.Cycle{UserID: px, CourseID: w.C1, AssignedAt: at(2025, 12, 1), DueAt: ptr(at(2026, 1, 30))})
	c(testfix.Cycle{UserID: px, CourseID: w.C2, AssignedAt: at(2025, 12, 1), DueAt: ptr(at(2026, 1, 30)),
		Status: "completed", CompletedAt: at(2026, 1, 2)})
	return w
}
