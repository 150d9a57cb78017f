package mail_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/mail/mailtest"
	"github.com/waymark/waymark/internal/testdb"
)

// clock is a fake clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var boston, _ = time.LoadLocation("America/New_York")

// noon is a weekday noon in Boston: outside quiet hours.
var noon = time.Date(2026, 3, 10, 12, 0, 0, 0, boston)

// freshOutbox empties the package database's outbox and closes the
// circuit: every sender pass takes all due rows, so each test starts from
// nothing.
func freshOutbox(t *testing.T) *sqlx.DB { return freshOutboxTB(t) }

func freshOutboxTB(t testing.TB) *sqlx.DB {
	t.Helper()
	db := testdb.DB(t)
	if _, err := db.Exec(`DELETE FROM email_outbox;
		UPDATE mail_circuit SET state = 'closed', open_until = NULL, opens = 0, last_error = '', last_error_at = NULL`); err != nil {
		t.Fatal(err)
	}
	return db
}

// queue adds a plain message due at the clock's time and returns its key.
func queue(t *testing.T, db *sqlx.DB, c *clock, key, kind, to string) {
	t.Helper()
	_, err := mail.Enqueue(context.Background(), db, mail.Message{DedupeKey: key, Kind: kind, To: to,
		Subject: "Subject " + key, Text: "Text of " + key + "\nhttps://waymark.example.org/my\n",
		HTML: `<p>HTML of ` + key + ` <a href="https://waymark.example.org/my">open</a></p>`, NotBefore: c.Now()})
	if err != nil {
		t.Fatal(err)
	}
}

// testPolicy: no quiet hours, deterministic backoff (half the delay).
func testPolicy() mail.Policy {
	p := mail.DefaultPolicy(boston)
	p.Quiet = mail.QuietHours{Loc: boston}
	p.Batch = 10
	return p
}

func smtpSender(t *testing.T, db *sqlx.DB, c *clock, srv *mailtest.Server) *mail.Sender {
	t.Helper()
	tr, err := mail.NewSMTP(srv.URL(), mail.SMTPOptions{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return &mail.Sender{DB: db, Transport: tr, From: "Waymark <no-reply@waymark.example.org>", Now: c.Now,
		Policy: testPolicy(), Jitter: func() float64 { return 0 }}
}

type outboxState struct {
	Status    string    `db:"status"`
	Attempts  int       `db:"attempts"`
	LastError string    `db:"last_error"`
	Next      time.Time `db:"next_attempt_at"`
}

func state(t *testing.T, db *sqlx.DB, key string) outboxState {
	t.Helper()
	var s outboxState
	if err := db.Get(&s, `SELECT status, attempts, last_error, next_attempt_at FROM email_outbox WHERE dedupe_key = $1`, key); err != nil {
		t.Fatal(err)
	}
	return s
}

func statusCounts(t *testing.T, db *sqlx.DB) map[string]int {
	t.Helper()
	var rows []struct {
		Status string `db:"status"`
		N      int    `db:"n"`
	}
	if err := db.Select(&rows, `SELECT status, count(*) AS n FROM email_outbox GROUP BY status`); err != nil {
		t.Fatal(err)
	}
	m := map[string]int{}
	for _, r := range rows {
		m[r.Status] = r.N
	}
	return m
}

func pass(t *testing.T, s *mail.Sender) mail.PassResult {
	t.Helper()
	res, err := s.Pass(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return res
}
