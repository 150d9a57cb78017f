package prevention_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/courses"
	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/prevention"
	"github.com/waymark/waymark/internal/seed"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
	"github.com/waymark/waymark/seeds"
)

func TestMain(m *testing.M) { testdb.Main(m) }

var (
	catOnce sync.Once
	cat     *catalog.Catalog
	catErr  error
)

// clock is a fake clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is one test's service over the package database, with the shipped
// curriculum synced and a fake clock.
type env struct {
	t     testing.TB
	db    *sqlx.DB
	svc   *prevention.Service
	clock *clock
	ctx   context.Context
}

var t0 = time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)

func newEnv(t testing.TB) *env {
	t.Helper()
	db := testdb.DB(t)
	catOnce.Do(func() {
		roles, err := seed.LoadRoles(seeds.FS)
		if err != nil {
			catErr = err
			return
		}
		cat, catErr = catalog.Load(courses.FS, seed.RoleSet(roles))
		if catErr == nil {
			_, catErr = catalog.Sync(context.Background(), store.NewCourses(db), cat)
		}
	})
	if catErr != nil {
		t.Fatal(catErr)
	}
	c := &clock{t: t0}
	return &env{t: t, db: db, svc: prevention.New(db, cat, prevention.Options{Now: c.Now}), clock: c, ctx: context.Background()}
}

// people is a district with a school, a prepared facilitator, an
// unprepared facilitator and an administrator.
type people struct {
	district, school       int64
	schoolCode             string
	lead, coFac, unprepped prevention.Actor
	admin                  prevention.Actor
	leadEmail, coFacEmail  string
}

func (e *env) people(county string) people {
	e.t.Helper()
	var p people
	p.district = testfix.Org(e.t, e.db, testfix.Unique("District "), "school_district", county, 0)
	p.school = testfix.Org(e.t, e.db, testfix.Unique("Middle School "), "school", county, p.district)
	e.db.GetContext(e.ctx, &p.schoolCode, `SELECT code FROM organizations WHERE id = $1`, p.school)
	mk := func(org int64, spec testfix.UserSpec) (prevention.Actor, string) {
		id, email := testfix.User(e.t, e.db, org, spec)
		return prevention.Actor{UserID: id, OrgID: org, IsAdmin: spec.Admin}, email
	}
	p.lead, p.leadEmail = mk(p.school, testfix.UserSpec{Name: "Lead Facilitator", Facilitator: true})
	p.coFac, p.coFacEmail = mk(p.district, testfix.UserSpec{Name: "Co Facilitator", Facilitator: true})
	p.unprepped, _ = mk(p.school, testfix.UserSpec{Name: "New Facilitator", Facilitator: true})
	p.admin, _ = mk(p.district, testfix.UserSpec{Name: "State Admin", Admin: true})
	for _, a := range []prevention.Actor{p.lead, p.coFac, p.admin} {
		testfix.Prepared(e.t, e.db, a.UserID, prevention.DefaultPrepCourse, t0.AddDate(0, -2, 0), t0.AddDate(2, 0, 0))
	}
	return p
}

// class creates a class of size students following curriculum ref.
func (e *env) class(actor prevention.Actor, orgCode, ref string, size int) int64 {
	e.t.Helper()
	id, err := e.svc.CreateClass(e.ctx, actor, prevention.ClassForm{OrgCode: orgCode, Name: testfix.Unique("Grade 7 health "),
		GradeBand: "6-8", StudentCount: strconv.Itoa(size), Curriculum: ref, ContactName: "Pat Rivera",
		ContactPhone: "413-555-0100", InspectWhere: "Main office, weekdays 8 a.m. to 3 p.m."})
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// marksAll marks every component of session n of cur with status.
func marksAll(cur prevention.Curriculum, n int, status ...string) map[string]string {
	sess, _ := cur.Session(n)
	out := map[string]string{}
	for i, c := range sess.Components {
		st := status[0]
		if i < len(status) {
			st = status[i]
		}
		out[c.Key] = st
	}
	return out
}

// form is a valid delivery form for session n.
func form(cur prevention.Curriculum, n int, attendance int, status ...string) prevention.DeliveryForm {
	if len(status) == 0 {
		status = []string{prevention.MarkDelivered}
	}
	return prevention.DeliveryForm{Date: t0.Format(time.DateOnly), Minutes: "45", Attendance: strconv.Itoa(attendance),
		Marks: marksAll(cur, n, status...)}
}
