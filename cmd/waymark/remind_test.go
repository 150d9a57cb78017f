package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/waymark/waymark/internal/config"
	"github.com/waymark/waymark/internal/mail/mailtest"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
	"github.com/waymark/waymark/internal/wiring"
)

// daytimeTZ is a time zone where it is now about noon, so quiet hours do
// not hold the test's reminders whatever the hour.
func daytimeTZ() string {
	return fmt.Sprintf("Etc/GMT%+d", time.Now().UTC().Hour()-12)
}

// `waymark remind` sweeps and sends once: with no SMTP_URL the reminder
// lands as an .eml file in MAIL_DIR; a second run sends nothing new.
func TestRemindCommandSweepsAndSendsOnce(t *testing.T) {
	db := testdb.DB(t)
	dir := t.TempDir()
	t.Setenv("DATABASE_URL", testdb.URL(t))
	t.Setenv("MAIL_DIR", dir)
	t.Setenv("SMTP_URL", "")
	t.Setenv("TZ", daytimeTZ())
	org := testfix.Org(t, db, "Police department", "police_department", "Suffolk", 0)
	user, _ := testfix.User(t, db, org, testfix.UserSpec{Name: "Officer Rivera"})
	course, _ := testfix.CourseRow(t, db, "Police recognition")
	testfix.AssignmentRow(t, db, testfix.AssignmentSpec{UserID: user, CourseID: course, DueAt: time.Now().Add(50 * time.Hour)})

	var out bytes.Buffer
	if code := run(context.Background(), []string{"remind"}, &out, &out); code != 0 {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "queued 1 message(s)") || !strings.Contains(out.String(), "sent 1,") {
		t.Fatalf("output:\n%s", out.String())
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	raw, _ := os.ReadFile(files[0])
	if !strings.Contains(string(raw), "Police recognition") || !strings.Contains(string(raw), "http://localhost:3000/my") {
		t.Fatalf("message:\n%s", raw)
	}
	out.Reset()
	if code := run(context.Background(), []string{"remind"}, &out, &out); code != 0 || !strings.Contains(out.String(), "queued 0 message(s)") {
		t.Fatalf("second run: exit %d\n%s", code, out.String())
	}
}

// serve's loop sweeps and sends at start and stops cleanly when asked.
func TestStartRemindersRunsAndStops(t *testing.T) {
	db := testdb.DB(t)
	dir := t.TempDir()
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"DATABASE_URL": testdb.URL(t), "MAIL_DIR": dir, "TZ": daytimeTZ(), "REMIND_INTERVAL": "1h"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	org := testfix.Org(t, db, "School", "school", "Essex", 0)
	user, _ := testfix.User(t, db, org, testfix.UserSpec{Name: "Teacher"})
	course, _ := testfix.CourseRow(t, db, "")
	testfix.AssignmentRow(t, db, testfix.AssignmentSpec{UserID: user, CourseID: course, DueAt: time.Now().Add(-50 * time.Hour)})
	mailer, err := wiring.Mail(cfg)
	if err != nil {
		t.Fatal(err)
	}
	stop, err := startReminders(context.Background(), cfg, db, mailer, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		if files, _ := filepath.Glob(filepath.Join(dir, "*.eml")); len(files) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("serve's reminder loop sent nothing")
		}
		time.Sleep(50 * time.Millisecond)
	}
	done := make(chan struct{})
	go func() { stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the reminder loop did not stop")
	}

	cfg.RemindInterval = 0
	stop, err = startReminders(context.Background(), cfg, db, mailer, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	stop()
}

// `waymark remind` tells cron what happened through its exit code: 0 when
// everything due was sent, 0 when some was and the rest retries on its own,
// 1 with a one-line reason when nothing due could be sent.
func TestRemindExitCodes(t *testing.T) {
	db := testdb.DB(t)
	srv := mailtest.Start(t, mailtest.Options{})
	t.Setenv("DATABASE_URL", testdb.URL(t))
	t.Setenv("SMTP_URL", srv.URL().String())
	t.Setenv("TZ", daytimeTZ())
	t.Cleanup(func() {
		db.Exec(`UPDATE mail_circuit SET state = 'closed', open_until = NULL, opens = 0`)
	})
	org := testfix.Org(t, db, "Exit codes unit", "police_department", "Suffolk", 0)
	course, _ := testfix.CourseRow(t, db, "Exit codes course")
	due := func(name string) string {
		user, email := testfix.User(t, db, org, testfix.UserSpec{Name: name})
		testfix.AssignmentRow(t, db, testfix.AssignmentSpec{UserID: user, CourseID: course, DueAt: time.Now().Add(50 * time.Hour)})
		return email
	}
	remind := func() (int, string, string) {
		var out, errOut bytes.Buffer
		code := run(context.Background(), []string{"remind"}, &out, &errOut)
		return code, out.String(), errOut.String()
	}

	due("All Sent")
	if code, out, errOut := remind(); code != 0 || !strings.Contains(out, "sent 1, retrying 0") {
		t.Fatalf("all sent: exit %d\n%s%s", code, out, errOut)
	}

	due("Sent Too")
	srv.Script(due("Busy Inbox"), 451)
	if code, out, errOut := remind(); code != 0 || !strings.Contains(out, "sent 1, retrying 1") {
		t.Fatalf("some retrying: exit %d\n%s%s", code, out, errOut)
	}

	due("Nobody Home")
	srv.Stop()
	code, out, errOut := remind()
	if code != 1 || !strings.Contains(out, "sent 0,") || !strings.Contains(errOut, "nothing could be sent") ||
		strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, "connection refused") {
		t.Fatalf("none could be sent: exit %d\n%s%s", code, out, errOut)
	}
	t.Logf("none could be sent: %s", strings.TrimSpace(errOut))
	if code, _, errOut := remind(); code != 1 || !strings.Contains(errOut, "treated as down") {
		t.Fatalf("a run while the circuit is open: exit %d %s", code, errOut)
	}
}

// ownDB is a fresh database for a test whose data would disturb the
// package's other tests (the demo's year of history).
func ownDB(t *testing.T) (*sqlx.DB, string) {
	t.Helper()
	url := testdb.Fresh(t)
	db, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, url
}
