package mail_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/mail/mailtest"
)

// figures are what a fault test measured, logged for docs/RELIABILITY.md.
type figures struct {
	Expected, Received, Lost, Duplicated int
}

// tally compares what the server received with the n recipients queued
// by queueN.
func tally(srv *mailtest.Server, prefix string, n int) figures {
	f := figures{Expected: n}
	got := srv.Delivered()
	for i := range n {
		k := got[fmt.Sprintf("%s%d@example.org", prefix, i)]
		f.Received += k
		if k == 0 {
			f.Lost++
		}
		if k > 1 {
			f.Duplicated += k - 1
		}
	}
	return f
}

func (f figures) log(t *testing.T, name, extra string) {
	t.Helper()
	t.Logf("FIGURES %s: expected %d, received %d, lost %d, duplicated %d%s", name, f.Expected, f.Received, f.Lost, f.Duplicated, extra)
}

// exactlyOnce fails the test unless every message arrived once, then logs
// the figures.
func (f figures) exactlyOnce(t *testing.T, name, extra string) {
	t.Helper()
	if f.Lost != 0 || f.Duplicated != 0 {
		t.Fatalf("%s: %+v", name, f)
	}
	f.log(t, name, extra)
}

func queueN(t *testing.T, db *sqlx.DB, c *clock, prefix string, n int) {
	t.Helper()
	for i := range n {
		queue(t, db, c, fmt.Sprintf("%s:%d", prefix, i), "reminder.due-3", fmt.Sprintf("%s%d@example.org", prefix, i))
	}
}

func sumAttempts(t *testing.T, db *sqlx.DB) int {
	t.Helper()
	var n int
	if err := db.Get(&n, `SELECT coalesce(sum(attempts), 0) FROM email_outbox WHERE status = 'queued'`); err != nil {
		t.Fatal(err)
	}
	return n
}

// Thirty minutes of 451 to every recipient (fake clock, a pass every 15
// seconds) is an outage: the circuit opens, no message spends an attempt,
// none is parked, and all go out once, soon after it ends.
func TestLongSpellOf451ParksNothing(t *testing.T) {
	db := freshOutbox(t)
	c := newClock(noon)
	srv := mailtest.Start(t, mailtest.Options{})
	s := smtpSender(t, db, c, srv)
	const n = 24
	queueN(t, db, c, "busy", n)
	srv.RefuseAll(451)
	passes, probes := 0, 0
	for end := c.Now().Add(30 * time.Minute); c.Now().Before(end); c.Add(15 * time.Second) {
		before := srv.Connections()
		res := pass(t, s)
		passes++
		if srv.Connections() > before {
			probes++
		}
		if res.Failed != 0 || res.Sent != 0 || !res.Unavailable {
			t.Fatalf("during the outage at %v: %+v", c.Now(), res)
		}
	}
	if got := statusCounts(t, db); got["queued"] != n || got["failed"] != 0 {
		t.Fatalf("after 30 minutes of 451: %v", got)
	}
	if a := sumAttempts(t, db); a != 0 {
		t.Fatalf("the outage spent %d attempts", a)
	}
	srv.RefuseAll(0)
	ended := c.Now()
	for range 60 {
		if statusCounts(t, db)["sent"] == n {
			break
		}
		pass(t, s)
		c.Add(15 * time.Second)
	}
	f := tally(srv, "busy", n)
	if got := statusCounts(t, db); got["sent"] != n || f.Lost != 0 || f.Duplicated != 0 {
		t.Fatalf("after the outage: %v, %+v", got, f)
	}
	f.log(t, "30 minutes of 451", fmt.Sprintf(", parked 0, attempts spent during it 0, %d passes, %d probed the server, all sent %v after it ended",
		passes, probes, c.Now().Sub(ended)))
}

// One recipient's 451 among accepted messages is about that message: it is
// retried after its backoff and the circuit stays closed.
func TestOneRecipientsRefusalIsNotAnOutage(t *testing.T) {
	db := freshOutbox(t)
	c := newClock(noon)
	srv := mailtest.Start(t, mailtest.Options{})
	s := smtpSender(t, db, c, srv)
	queueN(t, db, c, "one", 6)
	srv.Script("one3@example.org", 451)
	res := pass(t, s)
	if res.Sent != 5 || res.Retrying != 1 || res.Unavailable {
		t.Fatalf("pass: %+v", res)
	}
	if st := state(t, db, "one:3"); st.Status != "queued" || st.Attempts != 1 {
		t.Fatalf("the refused message: %+v", st)
	}
}

// 421 means the server is closing the channel: an outage, not the
// message's fault. Nothing spends an attempt; everything goes later.
func Test421OpensTheCircuit(t *testing.T) {
	db := freshOutbox(t)
	c := newClock(noon)
	srv := mailtest.Start(t, mailtest.Options{})
	s := smtpSender(t, db, c, srv)
	s.Policy.Workers = 1
	queueN(t, db, c, "closing", 5)
	srv.Script("closing0@example.org", 421)
	res := pass(t, s)
	if !res.Unavailable || res.Sent != 0 || res.Deferred != 5 {
		t.Fatalf("pass: %+v", res)
	}
	if a := sumAttempts(t, db); a != 0 {
		t.Fatalf("421 spent %d attempts", a)
	}
	if res := pass(t, s); res.Sent != 0 || !res.Unavailable {
		t.Fatalf("a pass while the circuit is open: %+v", res)
	}
	c.Add(time.Minute)
	if res := pass(t, s); res.Sent != 5 {
		t.Fatalf("after the wait: %+v", res)
	}
	tally(srv, "closing", 5).exactlyOnce(t, "421 for one message", "")
}

// A server that accepts the connection, answers EHLO and then says nothing
// holds a worker only for the SMTP timeout; the message goes later.
func TestHangAfterEHLOTimesOut(t *testing.T) {
	db := freshOutbox(t)
	c := newClock(noon)
	srv := mailtest.Start(t, mailtest.Options{})
	tr, err := mail.NewSMTP(srv.URL(), mail.SMTPOptions{Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	s := smtpSender(t, db, c, srv)
	s.Transport = tr
	queueN(t, db, c, "hang", 3)
	srv.Hang(true)
	start := time.Now()
	res := pass(t, s)
	took := time.Since(start)
	if !res.Unavailable || res.Sent != 0 || took > 3*time.Second {
		t.Fatalf("pass against a hung server: %+v after %v", res, took)
	}
	if got := statusCounts(t, db); got["queued"] != 3 || sumAttempts(t, db) != 0 {
		t.Fatalf("after the timeout: %v, %d attempts", got, sumAttempts(t, db))
	}
	srv.Hang(false)
	c.Add(time.Minute)
	if res := pass(t, s); res.Sent != 3 {
		t.Fatalf("after the server recovered: %+v", res)
	}
	tally(srv, "hang", 3).exactlyOnce(t, "hang after EHLO", fmt.Sprintf(", the pass gave up after %v (timeout 300ms)", took.Round(10*time.Millisecond)))
}

// A connection cut after the message was sent, before the server's reply:
// the server may have it, so it is not resent at once on a new connection;
// it goes again after a wait, and the try counts.
func TestCutBeforeReplyIsNotResentAtOnce(t *testing.T) {
	db := freshOutbox(t)
	c := newClock(noon)
	srv := mailtest.Start(t, mailtest.Options{})
	s := smtpSender(t, db, c, srv)
	s.Policy.Workers = 1
	queueN(t, db, c, "cut", 2)
	srv.Script("cut1@example.org", mailtest.CutBeforeReply)
	res := pass(t, s)
	if res.Sent != 1 || !res.Unavailable || srv.Count() != 1 || srv.Connections() != 1 {
		t.Fatalf("pass: %+v, delivered %d over %d connections", res, srv.Count(), srv.Connections())
	}
	if st := state(t, db, "cut:1"); st.Status != "queued" || st.Attempts != 1 {
		t.Fatalf("the cut message: %+v", st)
	}
	c.Add(time.Minute)
	if res := pass(t, s); res.Sent != 1 {
		t.Fatalf("later: %+v", res)
	}
	tally(srv, "cut", 2).exactlyOnce(t, "cut before the 250", "")
}

// A connection cut just after the server's 250: that message is recorded
// sent; the next one finds the connection dead before MAIL FROM and goes
// at once on a new one.
func TestCutAfterReplyRetriesOnANewConnection(t *testing.T) {
	db := freshOutbox(t)
	c := newClock(noon)
	srv := mailtest.Start(t, mailtest.Options{})
	s := smtpSender(t, db, c, srv)
	s.Policy.Workers = 1
	queueN(t, db, c, "after", 3)
	srv.Script("after0@example.org", mailtest.CutAfterReply)
	res := pass(t, s)
	if res.Sent != 3 || res.Unavailable || srv.Connections() != 2 {
		t.Fatalf("pass: %+v over %d connections", res, srv.Connections())
	}
	tally(srv, "after", 3).exactlyOnce(t, "cut after the 250", "")
}

var _ = context.Background
