package remind_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/mail/mailtest"
	"github.com/waymark/waymark/internal/testfix"
)

// Reminders are rendered at send time and reach the right person with the
// right subject, both parts and links; mandatory reminders carry no
// List-Unsubscribe. The escalation goes to the nearest manager only.
func TestReminderEmailsOverSMTP(t *testing.T) {
	w := newWorld(t, noon)
	w.svc.Rules.Digest = false
	srv := mailtest.Start(t, mailtest.Options{})
	course, _ := testfix.CourseRow(t, w.db, "Trauma-informed practice")
	testfix.AssignmentRow(t, w.db, testfix.AssignmentSpec{UserID: w.learner, CourseID: course, DueAt: noon.Add(day(2)), AssignedAt: noon.Add(-day(40))})
	late, _ := testfix.CourseRow(t, w.db, "Foundations")
	testfix.AssignmentRow(t, w.db, testfix.AssignmentSpec{UserID: w.learner, CourseID: late, DueAt: noon.Add(-day(15)), AssignedAt: noon.Add(-day(60))})
	w.sweep(t)
	res, err := w.sender(t, srv).Pass(context.Background())
	if err != nil || res.Sent != 3 {
		t.Fatalf("pass: %+v %v", res, err)
	}
	byKey := map[string]mailtest.Parsed{}
	for _, m := range srv.Messages() {
		p, err := mailtest.Parse(m.Raw)
		if err != nil {
			t.Fatal(err)
		}
		byKey[m.To[0]+" "+p.Subject] = p
		if p.Header.Get("List-Unsubscribe") != "" {
			t.Errorf("a mandatory reminder carries List-Unsubscribe: %s", p.Subject)
		}
	}
	tests := []struct {
		to, subject string
		want        []string
	}{
		{w.learnerEmail, "Training due in 2 days: Trauma-informed practice",
			[]string{"Hello Dana Learner", "Friday, March 13, 2026", baseURL + "/my", "1-888-373-7888"}},
		{w.learnerEmail, "Training past its due date: Foundations",
			[]string{"Hello Dana Learner", "15 days ago", baseURL + "/my"}},
		{w.unitMgrEml, "A person on your team has training 15 days past due",
			[]string{"Hello Unit Manager", "Dana Learner", "Foundations", baseURL + "/manage"}},
	}
	for _, tt := range tests {
		p, ok := byKey[tt.to+" "+tt.subject]
		if !ok {
			t.Errorf("no message %q to %s; got %v", tt.subject, tt.to, keys(byKey))
			continue
		}
		for _, s := range tt.want {
			if !strings.Contains(p.Text, s) {
				t.Errorf("%q: text lacks %q:\n%s", tt.subject, s, p.Text)
			}
			if !strings.Contains(p.HTML, s) {
				t.Errorf("%q: HTML lacks %q:\n%s", tt.subject, s, p.HTML)
			}
		}
		if link := strings.Contains(p.HTML, `href="`+baseURL+`/`); !link {
			t.Errorf("%q: HTML has no link to %s", tt.subject, baseURL)
		}
	}
	var stored int
	w.db.Get(&stored, `SELECT count(*) FROM email_outbox WHERE status = 'sent' AND subject <> '' AND html_body LIKE '%href=%'`)
	if stored != 3 {
		t.Fatalf("%d sent rows keep what was sent", stored)
	}
}

func keys(m map[string]mailtest.Parsed) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Work completed or withdrawn after the reminder was queued is not
// reminded of: the row is dropped at send time. The same holds for a
// manager's nudge, for a due date that moved, and for a deactivated person.
func TestSendTimeRecheckDropsStaleReminders(t *testing.T) {
	w := newWorld(t, noon)
	w.svc.Rules.Digest = false
	srv := mailtest.Start(t, mailtest.Options{})
	ctx := context.Background()
	completed := w.assign(t, w.learner, day(2), -day(50))
	withdrawn := w.assign(t, w.learner, day(2), -day(50))
	moved := w.assign(t, w.learner, -day(3), -day(50))
	kept := w.assign(t, w.learner, day(2), -day(50))
	nudged := w.assign(t, w.learner, day(20), -day(50))
	other, otherEmail := testfix.User(t, w.db, w.unit, testfix.UserSpec{Name: "Leaving Person"})
	leaving := w.assign(t, other, day(2), -day(50))
	if res := w.sweep(t); res.Total() != 5 {
		t.Fatalf("queued %v", res.Queued)
	}
	uid := w.learner
	if _, err := mail.Enqueue(ctx, w.db, mail.Message{DedupeKey: testfix.Unique("nudge:"), Kind: "nudge", UserID: &uid, AssignmentID: &nudged,
		To: w.learnerEmail, Subject: "A nudge", Text: "Please finish.", HTML: "<p>Please finish.</p>", NotBefore: noon}); err != nil {
		t.Fatal(err)
	}

	// Between queueing and sending:
	testfix.CompleteRow(t, w.db, completed, noon.Add(time.Minute), noon.Add(day(365)))
	testfix.CompleteRow(t, w.db, nudged, noon.Add(time.Minute), noon.Add(day(365)))
	w.db.Exec(`UPDATE assignments SET status = 'withdrawn', withdrawn_at = now() WHERE id = $1`, withdrawn)
	w.db.Exec(`UPDATE assignments SET due_at = $2 WHERE id = $1`, moved, noon.Add(day(10)))
	w.db.Exec(`UPDATE users SET deactivated_at = now() WHERE id = $1`, other)

	res, err := w.sender(t, srv).Pass(ctx)
	if err != nil || res.Sent != 1 || res.Dropped != 5 {
		t.Fatalf("pass: %+v %v", res, err)
	}
	if m := srv.Messages(); len(m) != 1 || m[0].To[0] != w.learnerEmail {
		t.Fatalf("delivered %+v", m)
	}
	reasons := map[int64]string{}
	for _, r := range w.outbox(t) {
		if r.Status == "dropped" {
			reasons[r.AssignmentID] = r.LastError
		}
		if r.AssignmentID == kept && r.Status != "sent" {
			t.Errorf("the open assignment's reminder: %+v", r)
		}
		if r.To == otherEmail && r.Status == "sent" {
			t.Error("a deactivated person was emailed")
		}
	}
	for id, want := range map[int64]string{completed: "completed", withdrawn: "withdrawn", moved: "due date moved",
		nudged: "completed", leaving: "deactivated"} {
		if !strings.Contains(reasons[id], want) {
			t.Errorf("assignment %d: drop reason %q, want %q", id, reasons[id], want)
		}
	}
}

// The weekly digest counts overdue and lapsing work in the manager's scope,
// links to /manage, carries a working List-Unsubscribe, goes once a week,
// and stops after unsubscribing.
func TestWeeklyDigest(t *testing.T) {
	w := newWorld(t, noon)
	srv := mailtest.Start(t, mailtest.Options{})
	ctx := context.Background()
	w.svc.Rules.Overdue, w.svc.Rules.DueSoon, w.svc.Rules.Expiring = nil, nil, nil // digests only
	outside := testfix.Org(t, w.db, "Elsewhere", "other", "Essex", 0)
	stranger, _ := testfix.User(t, w.db, outside, testfix.UserSpec{Name: "Not In Scope"})
	w.assign(t, w.learner, -day(3), -day(50))
	w.assign(t, w.learner, -day(40), -day(90))
	w.assign(t, stranger, -day(3), -day(50))
	lapsing := w.assign(t, w.learner, -day(340), -day(400))
	testfix.CompleteRow(t, w.db, lapsing, noon.Add(-day(345)), noon.Add(day(20)))
	idle, _ := testfix.User(t, w.db, outside, testfix.UserSpec{Name: "Idle Manager", Scopes: []int64{testfix.Org(t, w.db, "Empty", "other", "Essex", outside)}})

	res := w.sweep(t)
	if res.Queued["digest"] != 2 {
		t.Fatalf("digests queued: %v", res.Queued)
	}
	var digestUsers []int64
	w.db.Select(&digestUsers, `SELECT user_id FROM email_outbox WHERE kind = 'digest' ORDER BY user_id`)
	for _, u := range digestUsers {
		if u == idle {
			t.Error("a manager with nothing to act on got a digest")
		}
	}
	if _, err := w.sender(t, srv).Pass(ctx); err != nil {
		t.Fatal(err)
	}
	var unit mailtest.Parsed
	for _, m := range srv.Messages() {
		if m.To[0] == w.unitMgrEml {
			unit, _ = mailtest.Parse(m.Raw)
		}
	}
	if unit.Subject != "Weekly training summary: 2 overdue, 1 lapsing soon" {
		t.Fatalf("unit manager's digest subject %q", unit.Subject)
	}
	unsub := unit.Header.Get("List-Unsubscribe")
	token := strings.TrimSuffix(strings.TrimPrefix(unsub, "<"+baseURL+"/unsubscribe/"), ">")
	if token == "" || token == unsub || unit.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Fatalf("List-Unsubscribe %q", unsub)
	}
	for _, s := range []string{baseURL + "/manage", baseURL + "/unsubscribe/" + token, "week of March 9, 2026"} {
		if !strings.Contains(unit.Text, s) || !strings.Contains(unit.HTML, s) {
			t.Errorf("digest lacks %q:\n%s", s, unit.Text)
		}
	}

	if res := w.sweep(t); res.Total() != 0 {
		t.Fatalf("second sweep in the same week: %v", res.Queued)
	}
	lists := &mail.Lists{DB: w.db, Now: w.clock.Now}
	if _, err := lists.SetSubscribed(ctx, token, false); err != nil {
		t.Fatal(err)
	}
	w.clock.Add(7 * day(1))
	res = w.sweep(t)
	var next []int64
	w.db.Select(&next, `SELECT user_id FROM email_outbox WHERE kind = 'digest' AND dedupe_key LIKE '%-W12'`)
	if res.Queued["digest"] != 1 || len(next) != 1 || next[0] == w.unitMgr {
		t.Fatalf("next week: %v, recipients %v (unit manager %d unsubscribed)", res.Queued, next, w.unitMgr)
	}
}
