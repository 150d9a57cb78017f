package remind_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/remind"
	"github.com/waymark/waymark/internal/testfix"
)

// noon on a Wednesday in Boston.
var noon = time.Date(2026, 3, 11, 12, 0, 0, 0, boston)

// Each rule fires in its window and nowhere else; the managers told at 14
// days overdue are the learner's nearest ones; a second sweep adds nothing.
func TestSweepQueuesEachRuleInItsWindowOnce(t *testing.T) {
	w := newWorld(t, noon)
	w.svc.Rules.Digest = false
	db := w.db
	other, _ := testfix.User(t, db, w.unit, testfix.UserSpec{Name: "Gone Person"})
	db.Exec(`UPDATE users SET deactivated_at = now() WHERE id = $1`, other)

	cases := []struct {
		name     string
		due      time.Duration
		assigned time.Duration
		status   string
		want     []string // kinds for the learner; "manager" for the unit manager's escalation
	}{
		{"due in 10 days", day(10), -day(50), "", []string{"reminder.due-14"}},
		{"due in 14 days exactly", day(14), -day(50), "", []string{"reminder.due-14"}},
		{"due in 15 days", day(15), -day(50), "", nil},
		{"due in 2 days", day(2), -day(50), "", []string{"reminder.due-3"}},
		{"due in 10 days, assigned yesterday", day(10), -day(1), "", nil},
		{"due in 2 days, completed", day(2), -day(50), "completed", nil},
		{"due in 2 days, withdrawn", day(2), -day(50), "withdrawn", nil},
		{"due an hour ago", -time.Hour, -day(50), "", nil},
		{"overdue 3 days", -day(3), -day(50), "", []string{"reminder.overdue-1"}},
		{"overdue 8 days", -day(8), -day(50), "", []string{"reminder.overdue-7"}},
		{"overdue 15 days", -day(15), -day(50), "", []string{"reminder.overdue-14", "manager"}},
		{"overdue 30 days (past catch-up)", -day(30), -day(90), "", nil},
	}
	ids := map[int64]string{}
	expect := map[string]bool{}
	for _, c := range cases {
		course, _ := testfix.CourseRow(t, db, "")
		id := testfix.AssignmentRow(t, db, testfix.AssignmentSpec{UserID: w.learner, CourseID: course,
			DueAt: noon.Add(c.due), AssignedAt: noon.Add(c.assigned), Status: c.status})
		ids[id] = c.name
		for _, k := range c.want {
			if k == "manager" {
				expect[fmt.Sprintf("%d reminder.manager-overdue-14 %d", id, w.unitMgr)] = true
			} else {
				expect[fmt.Sprintf("%d %s %d", id, k, w.learner)] = true
			}
		}
	}
	// A deactivated person gets nothing.
	w.assign(t, other, day(2), -day(50))

	// Completions lapsing: in 45, 20 and 3 days; in 90 days (too early);
	// in 20 days but already renewed by a newer completion.
	lapsing := []struct {
		name    string
		expires time.Duration
		renewed bool
		want    string
	}{
		{"lapses in 45 days", day(45), false, "reminder.expiring-60"},
		{"lapses in 20 days", day(20), false, "reminder.expiring-30"},
		{"lapses in 3 days", day(3), false, "reminder.expiring-7"},
		{"lapses in 90 days", day(90), false, ""},
		{"lapses in 20 days, renewed", day(20), true, ""},
	}
	for _, l := range lapsing {
		course, _ := testfix.CourseRow(t, db, "")
		done := noon.Add(l.expires - day(365))
		id := testfix.AssignmentRow(t, db, testfix.AssignmentSpec{UserID: w.learner, CourseID: course, DueAt: done, AssignedAt: done.Add(-day(30))})
		testfix.CompleteRow(t, db, id, done, noon.Add(l.expires))
		ids[id] = l.name
		if l.renewed {
			again := testfix.AssignmentRow(t, db, testfix.AssignmentSpec{UserID: w.learner, CourseID: course, Cycle: 2,
				DueAt: noon.Add(day(30)), AssignedAt: noon.Add(-day(40))})
			testfix.CompleteRow(t, db, again, noon.Add(-day(1)), noon.Add(day(364)))
			ids[again] = l.name + " (renewal)"
		}
		if l.want != "" {
			expect[fmt.Sprintf("%d %s %d", id, l.want, w.learner)] = true
		}
	}

	res := w.sweep(t)
	got := map[string]bool{}
	for _, r := range w.outbox(t) {
		got[fmt.Sprintf("%d %s %d", r.AssignmentID, r.Kind, r.UserID)] = true
		if r.Status != "queued" || !r.Next.Equal(noon) {
			t.Errorf("%s: status %s next %v", r.Key, r.Status, r.Next)
		}
	}
	for k := range expect {
		if !got[k] {
			t.Errorf("missing %s (%s)", k, ids[atoi(k)])
		}
	}
	for k := range got {
		if !expect[k] {
			t.Errorf("unexpected %s (%s)", k, ids[atoi(k)])
		}
	}
	if res.Total() != len(expect) {
		t.Errorf("sweep reported %d (%v), want %d", res.Total(), res.Queued, len(expect))
	}

	again := w.sweep(t)
	if again.Total() != 0 || len(w.outbox(t)) != len(expect) {
		t.Fatalf("second sweep added %v", again.Queued)
	}
}

func atoi(s string) int64 {
	var n int64
	fmt.Sscan(strings.Fields(s)[0], &n)
	return n
}

// Moving the due date starts a new series of reminders (the key carries the
// due date); the old ones stay as they were.
func TestNewDueDateMeansNewReminders(t *testing.T) {
	w := newWorld(t, noon)
	w.svc.Rules.Digest = false
	id := w.assign(t, w.learner, day(2), -day(50))
	w.sweep(t)
	w.db.Exec(`UPDATE assignments SET due_at = due_at + interval '1 day' WHERE id = $1`, id)
	if res := w.sweep(t); res.Queued["reminder.due-3"] != 1 {
		t.Fatalf("after the due date moved: %v", res.Queued)
	}
	if res := w.sweep(t); res.Total() != 0 {
		t.Fatalf("third sweep: %v", res.Queued)
	}
}

// Several sweeps at once (as from several app instances) queue each
// reminder exactly once and do not deadlock.
func TestConcurrentSweepsQueueEachReminderOnce(t *testing.T) {
	w := newWorld(t, noon)
	w.svc.Rules.Digest = false
	const people = 40
	for i := range people {
		u, _ := testfix.User(t, w.db, w.unit, testfix.UserSpec{Name: fmt.Sprintf("Learner %d", i)})
		w.assign(t, u, day(2), -day(50))   // due-3
		w.assign(t, u, -day(15), -day(60)) // overdue-14 + the unit manager
		w.assign(t, u, day(10), -day(50))  // due-14
	}
	want := people * 4
	const sweeps = 4
	totals := make([]int, sweeps)
	var wg sync.WaitGroup
	for i := range sweeps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := w.svc.Sweep(context.Background())
			if err != nil {
				t.Error(err)
			}
			totals[i] = res.Total()
		}()
	}
	wg.Wait()
	sum := 0
	for _, n := range totals {
		sum += n
	}
	rows := w.outbox(t)
	if sum != want || len(rows) != want {
		t.Fatalf("sweeps reported %v (sum %d), %d rows; want %d", totals, sum, len(rows), want)
	}
	perAssignmentKind := map[string]int{}
	for _, r := range rows {
		perAssignmentKind[fmt.Sprintf("%d/%s/%d", r.AssignmentID, r.Kind, r.UserID)]++
	}
	for k, n := range perAssignmentKind {
		if n != 1 {
			t.Errorf("%s queued %d times", k, n)
		}
	}
}

// In quiet hours the sweep queues for the end of them.
func TestSweepInQuietHoursQueuesForTheMorning(t *testing.T) {
	late := time.Date(2026, 3, 11, 23, 15, 0, 0, boston)
	w := newWorld(t, late)
	w.svc.Rules = remind.DefaultRules(boston)
	w.assign(t, w.learner, day(2), -day(50))
	w.sweep(t)
	rows := w.outbox(t)
	seven := time.Date(2026, 3, 12, 7, 0, 0, 0, boston)
	if len(rows) == 0 {
		t.Fatal("nothing queued")
	}
	for _, r := range rows {
		if !r.Next.Equal(seven) {
			t.Errorf("%s next attempt %v, want %v", r.Key, r.Next, seven)
		}
	}
}

func TestDefaultRulesMatchThePlan(t *testing.T) {
	r := remind.DefaultRules(boston)
	if fmt.Sprint(r.DueSoon, r.Overdue, r.EscalateAt, r.Expiring) != "[14 3] [1 7 14] 14 [60 30 7]" ||
		r.Quiet.Start != 21*time.Hour || r.Quiet.End != 7*time.Hour || !r.Digest {
		t.Fatalf("defaults: %+v", r)
	}
}
