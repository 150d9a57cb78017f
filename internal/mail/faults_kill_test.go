package mail_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/mail/mailtest"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testdb"
)

// The kill -9 test re-executes this test binary as a sender process with
// these variables set (see TestMain).
const (
	senderChildEnv = "WAYMARK_TEST_SENDER_DB"
	senderSMTPEnv  = "WAYMARK_TEST_SENDER_SMTP"
)

// childPolicy is the senders' policy in the kill test: real time, a short
// lease, 4 workers.
func childPolicy() mail.Policy {
	p := testPolicy()
	p.Lease, p.Workers, p.Batch = time.Second, 4, 10
	return p
}

// runSenderChild sends the outbox of the database in senderChildEnv over
// the SMTP server in senderSMTPEnv, pass after pass, until it is killed.
func runSenderChild() int {
	ctx := context.Background()
	db, err := store.Open(ctx, os.Getenv(senderChildEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	u, err := url.Parse(os.Getenv(senderSMTPEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	tr, err := mail.NewSMTP(u, mail.SMTPOptions{Timeout: 5 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	s := &mail.Sender{DB: db, Transport: tr, From: "no-reply@waymark.example.org", Now: time.Now, Policy: childPolicy(),
		Log: slog.New(slog.NewTextHandler(os.Stderr, nil))}
	for {
		if _, err := s.Pass(ctx); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill -9 of a sender process mid-pass, three times: nothing is lost, and
// no more messages are sent twice than the connections open at each kill
// (a message the server had taken whose 250 the dead process never saw).
// The rows the dead process held come back one lease later.
func TestKillNineMidPass(t *testing.T) {
	db := freshOutbox(t)
	c := newClock(time.Now())
	srv := mailtest.Start(t, mailtest.Options{})
	srv.Delay(40 * time.Millisecond)
	const n = 150
	queueN(t, db, c, "kill", n)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), senderChildEnv+"="+testdb.URL(t), senderSMTPEnv+"="+srv.URL().String())
	bound := 0
	var opens []int
	for k := range 3 {
		var logs bytes.Buffer
		cmd := exec.Command(exe)
		cmd.Env, cmd.Stdout, cmd.Stderr = env, &logs, &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		target := srv.Count() + 20
		deadline := time.Now().Add(15 * time.Second)
		for srv.Count() < target && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		open := srv.Open()
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		if srv.Count() < target {
			t.Fatalf("sender %d sent too little before the kill:\n%s", k, logs.String())
		}
		opens = append(opens, open)
		bound += open
	}
	held := 0
	db.Get(&held, `SELECT count(*) FROM email_outbox WHERE status = 'queued' AND claimed_by IS NOT NULL`)

	s := &mail.Sender{DB: db, Transport: newSMTP(t, srv), From: "no-reply@waymark.example.org", Now: time.Now, Policy: childPolicy()}
	start := time.Now()
	var reclaimed time.Duration
	for time.Since(start) < 15*time.Second {
		if _, err := s.Pass(context.Background()); err != nil {
			t.Fatal(err)
		}
		var left int
		db.Get(&left, `SELECT count(*) FROM email_outbox WHERE status = 'queued'`)
		if left == 0 {
			reclaimed = time.Since(start)
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	f := tally(srv, "kill", n)
	f.log(t, "kill -9 ×3", fmt.Sprintf(", connections open at each kill %v (bound %d), rows held by the dead sender %d, all sent %v after the last kill",
		opens, bound, held, reclaimed.Round(10*time.Millisecond)))
	if got := statusCounts(t, db); got["sent"] != n {
		t.Fatalf("statuses %v", got)
	}
	if f.Lost != 0 || f.Duplicated > bound {
		t.Fatalf("lost %d, duplicated %d (bound %d)", f.Lost, f.Duplicated, bound)
	}
	if reclaimed > 10*time.Second {
		t.Fatalf("the dead sender's rows came back after %v; the lease is %v", reclaimed, childPolicy().Lease)
	}
}

func newSMTP(t *testing.T, srv *mailtest.Server) *mail.SMTP {
	t.Helper()
	tr, err := mail.NewSMTP(srv.URL(), mail.SMTPOptions{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}
