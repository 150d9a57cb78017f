package web_test

import (
	"testing"
)

// The mail area's rows of the access table (access_test.go): each queues a
// message to the subject that failed for good.
func init() { accessRoutes = append(accessRoutes, mailAccessRoutes()...) }

func mailAccessRoutes() []accessRoute {
	var messageID int64 // set by setup for the row being walked
	setup := func(t *testing.T, f *accessFixture) {
		err := f.DB.Get(&messageID, `INSERT INTO email_outbox (dedupe_key, kind, user_id, to_addr, subject, text_body, html_body,
			status, attempts, last_error) VALUES ($1, 'access.check', $2, $3, 'Access check', 'Body', '<p>Body</p>', 'failed', 8, '550')
			RETURNING id`, "access-"+id(f.Subject), f.Subject, f.SubjectEmail)
		if err != nil {
			t.Fatal(err)
		}
	}
	return []accessRoute{
		{name: "outgoing email", method: "GET", want: adminOnly, setup: setup,
			marker: func(f *accessFixture) string { return f.SubjectEmail },
			path:   func(*accessFixture) string { return "/admin/mail?status=failed" }},
		{name: "retry a failed email", method: "POST", want: adminOnly, setup: setup,
			path: func(*accessFixture) string { return "/admin/mail/" + id(messageID) + "/retry" }},
	}
}
