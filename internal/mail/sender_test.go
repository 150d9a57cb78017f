package mail_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/mail/mailtest"
)

// SMTP down: nothing is lost or sent, messages stay queued, and all of them
// go out exactly once when the server is back.
func TestSMTPDownThenBack(t *testing.T) {
	db := freshOutbox(t)
	c := newClock(noon)
	srv := mailtest.Start(t, mailtest.Options{})
	s := smtpSender(t, db, c, srv)
	for i := range 7 {
		queue(t, db, c, fmt.Sprintf("down:%d", i), "reminder.due-3", fmt.Sprintf("p%d@example.org", i))
	}
	srv.Stop()
	res := pass(t, s)
	if !res.Unavailable || res.Sent != 0 || res.Failed != 0 {
		t.Fatalf("pass while down: %+v", res)
	}
	if got := statusCounts(t, db); got["queued"] != 7 || len(got) != 1 {
		t.Fatalf("while down: %v", got)
	}
	var attempts int
	db.Get(&attempts, `SELECT sum(attempts) FROM email_outbox`)
	if attempts != 0 {
		t.Fatalf("an outage cost %d attempts; want none", attempts)
	}

	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	c.Add(time.Hour)
	if res := pass(t, s); res.Sent != 7 {
		t.Fatalf("pass after restart: %+v", res)
	}
	if srv.Count() != 7 || statusCounts(t, db)["sent"] != 7 {
		t.Fatalf("delivered %d, statuses %v", srv.Count(), statusCounts(t, db))
	}
	c.Add(time.Hour)
	pass(t, s)
	if srv.Count() != 7 {
		t.Fatalf("a second pass sent again: %d", srv.Count())
	}
}

// A 4xx reply is retried after a backoff and then delivered.
func TestTemporaryFailureThenSuccess(t *testing.T) {
	db := freshOutbox(t)
	c := newClock(noon)
	srv := mailtest.Start(t, mailtest.Options{})
	s := smtpSender(t, db, c, srv)
	queue(t, db, c, "4xx:1", "reminder.overdue-1", "busy@example.org")
	srv.Script("busy@example.org", 451)

	if res := pass(t, s); res.Retrying != 1 || res.Sent != 0 {
		t.Fatalf("first pass: %+v", res)
	}
	st := state(t, db, "4xx:1")
	if st.Status != "queued" || st.Attempts != 1 || !strings.Contains(st.LastError, "451") || !st.Next.Equal(c.Now().Add(30*time.Second)) {
		t.Fatalf("after 451: %+v", st)
	}
	if res := pass(t, s); res.Sent != 0 {
		t.Fatalf("retried before its time: %+v", res)
	}
	c.Add(31 * time.Second)
	if res := pass(t, s); res.Sent != 1 {
		t.Fatalf("retry: %+v", res)
	}
	if st := state(t, db, "4xx:1"); st.Status != "sent" || st.Attempts != 2 || st.LastError != "" || srv.Count() != 1 {
		t.Fatalf("after retry: %+v, delivered %d", st, srv.Count())
	}
}

// A 5xx reply parks the message as failed at once; it is not retried.
func TestPermanentFailureParks(t *testing.T) {
	db := freshOutbox(t)
	c := newClock(noon)
	srv := mailtest.Start(t, mailtest.Options{})
	s := smtpSender(t, db, c, srv)
	queue(t, db, c, "5xx:1", "reminder.overdue-1", "gone@example.org")
	queue(t, db, c, "5xx:2", "reminder.overdue-1", "here@example.org")
	srv.Script("gone@example.org", 550)
	if res := pass(t, s); res.Failed != 1 || res.Sent != 1 {
		t.Fatalf("pass: %+v", res)
	}
	if st := state(t, db, "5xx:1"); st.Status != "failed" || st.Attempts != 1 || !strings.Contains(st.LastError, "550") {
		t.Fatalf("after 550: %+v", st)
	}
	c.Add(48 * time.Hour)
	pass(t, s)
	if srv.Count() != 1 {
		t.Fatalf("a parked message was retried: %d delivered", srv.Count())
	}
}

// Temporary failures back off exponentially with jitter, capped, and after
// MaxAttempts the message is parked as failed.
func TestBackoffAndGiveUp(t *testing.T) {
	db := freshOutbox(t)
	c := newClock(noon)
	srv := mailtest.Start(t, mailtest.Options{})
	s := smtpSender(t, db, c, srv)
	s.Jitter = nil // real jitter
	s.Policy.MaxAttempts, s.Policy.BaseDelay, s.Policy.MaxDelay = 5, time.Minute, 3*time.Minute
	queue(t, db, c, "retry:1", "reminder.due-14", "flaky@example.org")
	srv.Script("flaky@example.org", 450, 450, 451, 452, 451, 451)
	wantMax := []time.Duration{time.Minute, 2 * time.Minute, 3 * time.Minute, 3 * time.Minute}
	for i, max := range wantMax {
		pass(t, s)
		st := state(t, db, "retry:1")
		wait := st.Next.Sub(c.Now())
		if st.Status != "queued" || st.Attempts != i+1 || wait < max/2 || wait > max {
			t.Fatalf("after attempt %d: %+v, wait %v, want in [%v, %v]", i+1, st, wait, max/2, max)
		}
		c.Add(wait)
	}
	pass(t, s)
	if st := state(t, db, "retry:1"); st.Status != "failed" || st.Attempts != 5 {
		t.Fatalf("after the last attempt: %+v", st)
	}
	if srv.Count() != 0 {
		t.Fatal("delivered although every attempt was refused")
	}
}

// Two senders (as in two app instances) at once deliver each message exactly
// once.
func TestTwoSendersDeliverEachMessageOnce(t *testing.T) {
	db := freshOutbox(t)
	c := newClock(noon)
	srv := mailtest.Start(t, mailtest.Options{})
	const n = 300
	for i := range n {
		queue(t, db, c, fmt.Sprintf("pair:%d", i), "reminder.due-3", fmt.Sprintf("p%d@example.org", i))
	}
	a, b := smtpSender(t, db, c, srv), smtpSender(t, db, c, srv)
	var wg sync.WaitGroup
	results := make([]mail.PassResult, 2)
	for i, s := range []*mail.Sender{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := s.Pass(context.Background())
			if err != nil {
				t.Error(err)
			}
			results[i] = r
		}()
	}
	wg.Wait()
	if results[0].Sent+results[1].Sent != n {
		t.Fatalf("sent %d + %d, want %d", results[0].Sent, results[1].Sent, n)
	}
	if results[0].Sent == 0 || results[1].Sent == 0 {
		t.Logf("one sender did all the work: %+v", results)
	}
	seen := map[string]int{}
	for _, m := range srv.Messages() {
		seen[m.To[0]]++
	}
	if len(seen) != n {
		t.Fatalf("%d distinct recipients, want %d", len(seen), n)
	}
	for to, k := range seen {
		if k != 1 {
			t.Errorf("%s got %d copies", to, k)
		}
	}
}

// blockingTransport never finishes a send until its context ends: a process
// that hangs or is killed mid-send.
type blockingTransport struct{ started chan struct{} }

func (b blockingTransport) Send(ctx context.Context, _ mail.Envelope) error {
	select {
	case b.started <- struct{}{}:
	default:
	}
	<-ctx.Done()
	return fmt.Errorf("%w: %w", mail.ErrTemporary, ctx.Err())
}

// A sender that dies holding claimed rows loses nothing: once its lease ends
// another sender takes the rows; its late result changes nothing.
func TestLeaseOfAStuckSenderExpires(t *testing.T) {
	db := freshOutbox(t)
	c := newClock(noon)
	srv := mailtest.Start(t, mailtest.Options{})
	for i := range 3 {
		queue(t, db, c, fmt.Sprintf("lease:%d", i), "reminder.due-3", fmt.Sprintf("l%d@example.org", i))
	}
	stuckCtx, kill := context.WithCancel(context.Background())
	stuck := &mail.Sender{DB: db, Transport: blockingTransport{started: make(chan struct{}, 1)}, From: "no-reply@waymark.example.org",
		Now: c.Now, Policy: testPolicy()}
	done := make(chan struct{})
	go func() { stuck.Pass(stuckCtx); close(done) }()
	<-stuck.Transport.(blockingTransport).started

	live := smtpSender(t, db, c, srv)
	if res := pass(t, live); res.Sent != 0 {
		t.Fatalf("took rows under another sender's lease: %+v", res)
	}
	c.Add(testPolicy().Lease + time.Second)
	if res := pass(t, live); res.Sent != 3 {
		t.Fatalf("after the lease: %+v", res)
	}
	kill()
	<-done
	if got := statusCounts(t, db); got["sent"] != 3 || srv.Count() != 3 {
		t.Fatalf("after the stuck sender woke: %v, delivered %d", got, srv.Count())
	}
}

// Quiet hours (21:00–07:00 Boston): reminders wait until 07:00, their
// next attempt moved there; a password reset is exempt.
func TestQuietHoursHoldMessages(t *testing.T) {
	db := freshOutbox(t)
	c := newClock(time.Date(2026, 3, 10, 22, 30, 0, 0, boston))
	srv := mailtest.Start(t, mailtest.Options{})
	s := smtpSender(t, db, c, srv)
	s.Policy.Quiet = mail.DefaultQuietHours(boston)
	queue(t, db, c, "quiet:reminder", "reminder.overdue-7", "r@example.org")
	queue(t, db, c, "quiet:reset", "reset", "reset@example.org")

	res := pass(t, s)
	if res.Sent != 1 || res.Held != 1 {
		t.Fatalf("at 22:30: %+v", res)
	}
	if m := srv.Messages(); len(m) != 1 || m[0].To[0] != "reset@example.org" {
		t.Fatalf("sent in quiet hours: %+v", m)
	}
	seven := time.Date(2026, 3, 11, 7, 0, 0, 0, boston)
	if st := state(t, db, "quiet:reminder"); st.Status != "queued" || !st.Next.Equal(seven) || st.Attempts != 0 {
		t.Fatalf("held reminder: %+v", st)
	}
	c.Add(8*time.Hour + 29*time.Minute) // 06:59
	if res := pass(t, s); res.Sent != 0 {
		t.Fatalf("sent at 06:59: %+v", res)
	}
	c.Add(time.Minute)
	if res := pass(t, s); res.Sent != 1 || srv.Count() != 2 {
		t.Fatalf("at 07:00: %+v", res)
	}
}

func TestQuietHoursNext(t *testing.T) {
	q := mail.DefaultQuietHours(boston)
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, boston) }
	tests := []struct {
		name string
		q    mail.QuietHours
		t    time.Time
		want time.Time
	}{
		{"afternoon", q, at(2026, 3, 10, 15, 0), at(2026, 3, 10, 15, 0)},
		{"at start", q, at(2026, 3, 10, 21, 0), at(2026, 3, 11, 7, 0)},
		{"before midnight", q, at(2026, 3, 10, 23, 59), at(2026, 3, 11, 7, 0)},
		{"after midnight", q, at(2026, 3, 11, 0, 30), at(2026, 3, 11, 7, 0)},
		{"at end", q, at(2026, 3, 11, 7, 0), at(2026, 3, 11, 7, 0)},
		{"spring forward night", q, at(2026, 3, 8, 1, 30), at(2026, 3, 8, 7, 0)},
		{"UTC input", q, time.Date(2026, 3, 11, 3, 0, 0, 0, time.UTC), at(2026, 3, 11, 7, 0)},
		{"daytime window", mail.QuietHours{Start: 12 * time.Hour, End: 13 * time.Hour, Loc: boston}, at(2026, 3, 10, 12, 15), at(2026, 3, 10, 13, 0)},
		{"disabled", mail.QuietHours{Loc: boston}, at(2026, 3, 10, 23, 0), at(2026, 3, 10, 23, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.q.Next(tt.t); !got.Equal(tt.want) {
				t.Fatalf("Next(%v) = %v, want %v", tt.t, got, tt.want)
			}
		})
	}
}

// A Prepare hook renders rows queued without a body (stored on send) and
// drops rows that no longer apply; a row with no body at all is dropped.
func TestPrepareRendersAndDrops(t *testing.T) {
	db := freshOutbox(t)
	c := newClock(noon)
	srv := mailtest.Start(t, mailtest.Options{})
	s := smtpSender(t, db, c, srv)
	ctx := context.Background()
	for _, k := range []string{"prep:render", "prep:drop", "prep:empty"} {
		if _, err := mail.Enqueue(ctx, db, mail.Message{DedupeKey: k, Kind: "reminder.due-3", To: "old@example.org", NotBefore: c.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	s.Prepare = func(_ context.Context, batch []*mail.Outgoing) error {
		for _, o := range batch {
			switch o.DedupeKey {
			case "prep:render":
				o.To, o.Subject, o.Text, o.HTML, o.Rendered = "new@example.org", "Rendered", "text", "<p>html</p>", true
			case "prep:drop":
				o.Drop = "assignment completed"
			}
		}
		return nil
	}
	if res := pass(t, s); res.Sent != 1 || res.Dropped != 2 {
		t.Fatalf("pass: %+v", res)
	}
	var stored struct {
		To      string `db:"to_addr"`
		Subject string `db:"subject"`
		HTML    string `db:"html_body"`
	}
	db.Get(&stored, `SELECT to_addr, subject, html_body FROM email_outbox WHERE dedupe_key = 'prep:render'`)
	if stored.To != "new@example.org" || stored.Subject != "Rendered" || stored.HTML != "<p>html</p>" {
		t.Fatalf("stored %+v", stored)
	}
	if m := srv.Messages(); len(m) != 1 || m[0].To[0] != "new@example.org" {
		t.Fatalf("delivered %+v", m)
	}
	if st := state(t, db, "prep:drop"); st.Status != "dropped" || st.LastError != "assignment completed" {
		t.Fatalf("dropped row: %+v", st)
	}
	if st := state(t, db, "prep:empty"); st.Status != "dropped" {
		t.Fatalf("empty row: %+v", st)
	}
}
