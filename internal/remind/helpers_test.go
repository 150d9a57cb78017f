package remind_test

import (
	"context"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/mail/mailtest"
	"github.com/waymark/waymark/internal/remind"
	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
	"github.com/waymark/waymark/templates"
)

func TestMain(m *testing.M) { testdb.Main(m) }

const baseURL = "https://waymark.example.org"

var boston, _ = time.LoadLocation("America/New_York")

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

// world is one test's people: an agency with a region and a unit under it,
// a manager of each, and learners in the unit.
type world struct {
	db                       *sqlx.DB
	clock                    *clock
	svc                      *remind.Service
	agency, region, unit     int64
	regionMgr, unitMgr       int64
	learner                  int64
	learnerEmail, unitMgrEml string
}

// newWorld empties the tables the sweep reads (the package database is this
// package's alone) and builds a fresh world at now.
func newWorld(t *testing.T, now time.Time) *world {
	t.Helper()
	db := testdb.DB(t)
	if _, err := db.Exec(`TRUNCATE email_outbox, certificates, completions, quiz_attempts, lesson_progress,
		assignments, mail_subscriptions, manager_scopes CASCADE`); err != nil {
		t.Fatal(err)
	}
	w := &world{db: db, clock: &clock{t: now}}
	w.agency = testfix.Org(t, db, "State agency", "state_agency", "Suffolk", 0)
	w.region = testfix.Org(t, db, "Region", "dcf_region", "Suffolk", w.agency)
	w.unit = testfix.Org(t, db, "Unit", "dcf_area_office", "Suffolk", w.region)
	w.regionMgr, _ = testfix.User(t, db, w.agency, testfix.UserSpec{Name: "Regional Manager", Scopes: []int64{w.region}})
	w.unitMgr, w.unitMgrEml = testfix.User(t, db, w.unit, testfix.UserSpec{Name: "Unit Manager", Scopes: []int64{w.unit}})
	w.learner, w.learnerEmail = testfix.User(t, db, w.unit, testfix.UserSpec{Name: "Dana Learner"})
	r, err := mail.NewRenderer(templates.FS, "email", baseURL)
	if err != nil {
		t.Fatal(err)
	}
	w.svc = &remind.Service{DB: db, Mail: r, Rules: remind.DefaultRules(boston), Now: w.clock.Now}
	w.svc.Rules.Quiet = mail.QuietHours{Loc: boston}
	return w
}

// assign gives user a fresh course due at now+due, assigned at now+assigned.
func (w *world) assign(t *testing.T, user int64, due, assigned time.Duration) int64 {
	t.Helper()
	course, _ := testfix.CourseRow(t, w.db, "")
	now := w.clock.Now()
	return testfix.AssignmentRow(t, w.db, testfix.AssignmentSpec{UserID: user, CourseID: course, DueAt: now.Add(due), AssignedAt: now.Add(assigned)})
}

func (w *world) sweep(t *testing.T) remind.SweepResult {
	t.Helper()
	res, err := w.svc.Sweep(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// sender delivers to srv, re-checking through the service.
func (w *world) sender(t *testing.T, srv *mailtest.Server) *mail.Sender {
	t.Helper()
	tr, err := mail.NewSMTP(srv.URL(), mail.SMTPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := mail.DefaultPolicy(boston)
	p.Quiet = w.svc.Rules.Quiet
	return &mail.Sender{DB: w.db, Transport: tr, From: "Waymark <no-reply@waymark.example.org>", Now: w.clock.Now,
		Policy: p, Prepare: w.svc.Prepare}
}

type outRow struct {
	Key          string    `db:"dedupe_key"`
	Kind         string    `db:"kind"`
	UserID       int64     `db:"user_id"`
	AssignmentID int64     `db:"assignment_id"`
	To           string    `db:"to_addr"`
	Status       string    `db:"status"`
	LastError    string    `db:"last_error"`
	Next         time.Time `db:"next_attempt_at"`
	Headers      string    `db:"headers"`
}

func (w *world) outbox(t *testing.T) []outRow {
	t.Helper()
	var rows []outRow
	if err := w.db.Select(&rows, `SELECT dedupe_key, kind, coalesce(user_id, 0) AS user_id, coalesce(assignment_id, 0) AS assignment_id,
		to_addr, status, last_error, next_attempt_at, headers::text AS headers FROM email_outbox ORDER BY dedupe_key`); err != nil {
		t.Fatal(err)
	}
	return rows
}

func day(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

func sortedKinds(m map[string]int) string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}
