package people_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/seed"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
	"github.com/waymark/waymark/seeds"
	"github.com/waymark/waymark/templates"
)

func TestMain(m *testing.M) { testdb.Main(m) }

const baseURL = "https://waymark.test"

// clock is a fake clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// newService returns the service over the package database with the real
// job roles loaded, and its clock.
func newService(t testing.TB) (*people.Service, *sqlx.DB, *clock) {
	t.Helper()
	db := testdb.DB(t)
	roles, err := seed.LoadRoles(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	rows := make([]store.JobRole, len(roles))
	for i, r := range roles {
		rows[i] = store.JobRole{Code: r.Code, Name: r.Name, Sector: r.Sector}
	}
	if err := store.UpsertRoles(context.Background(), db, rows); err != nil {
		t.Fatal(err)
	}
	mailer, err := mail.NewRenderer(templates.FS, "email", baseURL)
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Now().UTC().Truncate(time.Second)}
	return people.New(db, testfix.Stores(t, db), people.Options{Mail: mailer, Now: clk.Now}), db, clk
}

// orgCode reads an organization's code.
func orgCode(t testing.TB, db *sqlx.DB, id int64) string {
	t.Helper()
	o, err := store.NewOrgs(db).ByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return o.Code
}

// outboxRow is a queued email.
type outboxRow struct {
	Kind    string `db:"kind"`
	To      string `db:"to_addr"`
	Subject string `db:"subject"`
	Text    string `db:"text_body"`
}

// outbox returns the messages queued for an address, oldest first.
func outbox(t testing.TB, db *sqlx.DB, to string) []outboxRow {
	t.Helper()
	var out []outboxRow
	if err := db.Select(&out, `SELECT kind, to_addr, subject, text_body FROM email_outbox WHERE lower(to_addr) = lower($1) ORDER BY id`, to); err != nil {
		t.Fatal(err)
	}
	return out
}

// auditRow is an audit entry as tests read it.
type auditRow struct {
	Action string  `db:"action"`
	Actor  *int64  `db:"actor_id"`
	Before *string `db:"before"`
	After  *string `db:"after"`
}

// auditFor returns the audit entries about one entity, oldest first.
func auditFor(t testing.TB, db *sqlx.DB, entity string, id int64) []auditRow {
	t.Helper()
	var out []auditRow
	err := db.Select(&out, `SELECT action, actor_id, before::text, after::text FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY id`,
		entity, id)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
