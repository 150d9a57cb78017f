package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
)

// The admin page lists failed messages; its retry button (CSRF-protected,
// admins only, audited) queues the message again once.
func TestAdminMailRetry(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	ctx := context.Background()
	org := testfix.Org(t, db, "State program", "state_agency", "Suffolk", 0)
	_, adminEmail := testfix.User(t, db, org, testfix.UserSpec{Name: "Admin", Admin: true})
	adminID, _ := strconv.ParseInt(strings.TrimSpace(mailQueryOne(t, `SELECT id FROM users WHERE email = $1`, adminEmail)), 10, 64)
	_, learnerEmail := testfix.User(t, db, org, testfix.UserSpec{Name: "Learner"})
	key := testfix.Unique("retry:")
	if _, err := mail.Enqueue(ctx, db, mail.Message{DedupeKey: key, Kind: "reminder.due-3", To: "parked@example.org",
		Subject: "S", Text: "T", HTML: "<p>T</p>"}); err != nil {
		t.Fatal(err)
	}
	var id int64
	db.Get(&id, `UPDATE email_outbox SET status = 'failed', attempts = 8, last_error = '550 5.1.1 mailbox unavailable'
		WHERE dedupe_key = $1 RETURNING id`, key)
	path := "/admin/mail/" + strconv.FormatInt(id, 10) + "/retry"

	learner := newClient(t, app)
	learner.login(learnerEmail, testfix.Password)
	if r := learner.get("/admin/mail"); r.Status != http.StatusForbidden {
		t.Fatalf("a learner sees /admin/mail: %d", r.Status)
	}
	if r := learner.post(path, nil); r.Status != http.StatusForbidden {
		t.Fatalf("a learner retried: %d", r.Status)
	}

	admin := newClient(t, app)
	admin.login(adminEmail, testfix.Password)
	r := admin.get("/admin/mail")
	for _, want := range []string{"<h1>Outgoing email</h1>", "parked@example.org", "550 5.1.1 mailbox unavailable",
		`action="` + path + `"`, `name="csrf"`, "<caption>"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("admin page lacks %q", want)
		}
	}
	if r := admin.post(path, url.Values{"csrf": {"forged"}}); r.Status != http.StatusForbidden {
		t.Fatalf("retry with a forged token: %d", r.Status)
	}
	if st := mailQueryOne(t, `SELECT status FROM email_outbox WHERE id = $1`, id); st != "failed" {
		t.Fatalf("a forged retry changed the row: %s", st)
	}
	r = admin.post(path, nil)
	if r.Status != http.StatusSeeOther || r.Location != "/admin/mail" {
		t.Fatalf("retry: %d %s\n%s", r.Status, r.Location, r.Body)
	}
	if st := mailQueryOne(t, `SELECT status || ' ' || attempts || ' ' || last_error FROM email_outbox WHERE id = $1`, id); st != "queued 0 " {
		t.Fatalf("after retry: %q", st)
	}
	audit := mailQueryOne(t, `SELECT actor_id || ' ' || (before->>'status') || ' ' || (after->>'status') FROM audit_log
		WHERE action = 'mail.retry' AND entity_id = $1`, strconv.FormatInt(id, 10))
	if audit != strconv.FormatInt(adminID, 10)+" failed queued" {
		t.Fatalf("audit: %q", audit)
	}
	admin.get("/admin/mail")
	if r := admin.post(path, nil); r.Status != http.StatusConflict {
		t.Fatalf("second retry: %d", r.Status)
	}
	if r := admin.post("/admin/mail/999999999/retry", nil); r.Status != http.StatusNotFound {
		t.Fatalf("retry of no message: %d", r.Status)
	}
}

// The digest's List-Unsubscribe link works with one click (a mail client's
// POST without cookies or CSRF token); the page lets a person rejoin; GET
// changes nothing; an unknown token is 404.
func TestOneClickUnsubscribe(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	org := testfix.Org(t, db, "District", "school_district", "Essex", 0)
	mgr, _ := testfix.User(t, db, org, testfix.UserSpec{Name: "Principal", Scopes: []int64{org}})
	token := mailQueryOne(t, `INSERT INTO mail_subscriptions (user_id, list) VALUES ($1, 'digest') RETURNING token`, mgr)
	state := func() string {
		return mailQueryOne(t, `SELECT (unsubscribed_at IS NULL)::text FROM mail_subscriptions WHERE token = $1`, token)
	}

	c := newClient(t, app)
	r := c.get("/unsubscribe/" + token)
	if r.Status != 200 || !strings.Contains(r.Body, "Stop the weekly summary") || state() != "true" {
		t.Fatalf("GET: %d %s, subscribed %s", r.Status, r.Body, state())
	}

	req := httptest.NewRequest(http.MethodPost, "/unsubscribe/"+token, strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || state() != "false" {
		t.Fatalf("one-click POST: %d, subscribed %s", resp.StatusCode, state())
	}

	r = c.get("/unsubscribe/" + token)
	if !strings.Contains(r.Body, "You no longer receive") {
		t.Fatalf("page after unsubscribing:\n%s", r.Body)
	}
	if r := c.post("/unsubscribe/"+token, url.Values{"action": {"subscribe"}}); r.Status != 200 || state() != "true" {
		t.Fatalf("rejoin: %d, subscribed %s", r.Status, state())
	}
	if r := c.get("/unsubscribe/nosuchtoken"); r.Status != http.StatusNotFound {
		t.Fatalf("unknown token: %d", r.Status)
	}
	req = httptest.NewRequest(http.MethodPost, "/unsubscribe/nosuchtoken", strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, _ := app.Test(req, -1); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("one-click with an unknown token: %d", resp.StatusCode)
	}
}

func mailQueryOne(t *testing.T, q string, args ...any) string {
	t.Helper()
	var s string
	if err := testdb.DB(t).Get(&s, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}

// Parked messages are counted by reason; "Retry all" (CSRF-protected,
// audited with the count) queues every one of a reason and no other. The
// page shows whether the mail server answers, and its last error.
func TestAdminMailBulkRetryAndCircuit(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	ctx := context.Background()
	org := testfix.Org(t, db, "State program", "state_agency", "Suffolk", 0)
	_, adminEmail := testfix.User(t, db, org, testfix.UserSpec{Name: "Admin", Admin: true})
	park := func(reason string, n int) []string {
		var keys []string
		for range n {
			key := testfix.Unique("bulk:")
			if _, err := mail.Enqueue(ctx, db, mail.Message{DedupeKey: key, Kind: "reminder.due-3", To: "bulk@example.org",
				Subject: "S", Text: "T", HTML: "<p>T</p>"}); err != nil {
				t.Fatal(err)
			}
			db.Exec(`UPDATE email_outbox SET status = 'failed', attempts = 8, failed_reason = $2, last_error = 'x' WHERE dedupe_key = $1`, key, reason)
			keys = append(keys, key)
		}
		return keys
	}
	db.Exec(`DELETE FROM email_outbox WHERE status = 'failed'`)
	gone := park("smtp 550", 3)
	tired := park("attempts", 2)
	db.Exec(`UPDATE mail_circuit SET state = 'open', open_until = now() + interval '1 hour', opens = 2,
		last_error = 'mail server unavailable: dial tcp 127.0.0.1:25: connect: connection refused', last_error_at = now()`)
	t.Cleanup(func() {
		db.Exec(`UPDATE mail_circuit SET state = 'closed', open_until = NULL, opens = 0, last_error = ''`)
	})

	admin := newClient(t, app)
	admin.login(adminEmail, testfix.Password)
	r := admin.get("/admin/mail")
	mustContain(t, "admin mail", r.Body, `data-state="open"`, "Not answering.", "outage 2 in a row", "connect: connection refused",
		`name="reason" value="smtp 550"`, "Retry all 3", "Retry all 2", "failed too many times")
	if r := admin.post("/admin/mail/retry", url.Values{"reason": {"smtp 550"}, "csrf": {"forged"}}); r.Status != http.StatusForbidden {
		t.Fatalf("bulk retry with a forged token: %d", r.Status)
	}
	r = admin.post("/admin/mail/retry", url.Values{"reason": {"smtp 550"}})
	if r.Status != http.StatusSeeOther || r.Location != "/admin/mail" {
		t.Fatalf("bulk retry: %d %s", r.Status, r.Location)
	}
	for _, k := range gone {
		if st := mailQueryOne(t, `SELECT status || ' ' || attempts FROM email_outbox WHERE dedupe_key = $1`, k); st != "queued 0" {
			t.Fatalf("a 550 after the bulk retry: %s", st)
		}
	}
	for _, k := range tired {
		if st := mailQueryOne(t, `SELECT status FROM email_outbox WHERE dedupe_key = $1`, k); st != "failed" {
			t.Fatalf("another reason was retried: %s", st)
		}
	}
	if audit := mailQueryOne(t, `SELECT (after->>'count') || ' ' || entity_id FROM audit_log WHERE action = 'mail.retry_bulk'
		ORDER BY id DESC LIMIT 1`); audit != "3 smtp 550" {
		t.Fatalf("audit: %q", audit)
	}
	if r := admin.get("/admin/mail"); !strings.Contains(r.Body, "3 message(s) queued again") {
		t.Fatalf("no count in the flash:\n%s", r.Body)
	}
}
