package web_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/testfix"
)

// The mail area's rows of the access table (access_test.go): each parks a
// message to the subject as failed (550), which only admins may see or
// queue again.
func init() { accessRoutes = append(accessRoutes, mailAccessRoutes()...) }

func mailAccessRoutes() []accessRoute {
	var outboxID int64 // set by setup for the row being walked
	setup := func(t *testing.T, f *accessFixture) {
		key := testfix.Unique("access:mail:")
		if _, err := mail.Enqueue(context.Background(), f.DB, mail.Message{DedupeKey: key, Kind: "reminder.due-3", To: f.SubjectEmail,
			Subject: "S", Text: "T", HTML: "<p>T</p>"}); err != nil {
			t.Fatal(err)
		}
		if err := f.DB.Get(&outboxID, `UPDATE email_outbox SET status = 'failed', failed_reason = 'smtp 550', last_error = '550 no such user'
			WHERE dedupe_key = $1 RETURNING id`, key); err != nil {
			t.Fatal(err)
		}
	}
	email := func(f *accessFixture) string { return f.SubjectEmail }
	return []accessRoute{
		{name: "outgoing email", method: "GET", want: adminOnly, setup: setup, marker: email,
			path: func(*accessFixture) string { return "/admin/mail?status=failed" }},
		{name: "retry one message", method: "POST", want: adminOnly, setup: setup,
			path: func(*accessFixture) string { return "/admin/mail/" + id(outboxID) + "/retry" }},
		{name: "retry messages by reason", method: "POST", want: adminOnly, setup: setup,
			path: func(*accessFixture) string { return "/admin/mail/retry" },
			form: func(*accessFixture) url.Values { return url.Values{"reason": {"smtp 550"}} }},
	}
}
