package remind_test

import (
	"testing"
	"time"
)

// One assignment taken through every window of one due date: each
// reminder of the series is queued once, at its window, and never again —
// the dedupe key carries the kind, so a later step is not mistaken for an
// earlier one of the same due date.
func TestOneDueDateWalksEveryReminderOnce(t *testing.T) {
	w := newWorld(t, noon)
	w.svc.Rules.Digest = false
	due := noon.Add(day(20))
	id := w.assign(t, w.learner, day(20), -day(50))

	steps := []struct {
		at   time.Time
		want []string // the kinds this sweep adds
	}{
		{due.Add(-day(15)), nil},
		{due.Add(-day(14)), []string{"reminder.due-14"}},
		{due.Add(-day(10)), nil},
		{due.Add(-day(3)), []string{"reminder.due-3"}},
		{due.Add(-day(1)), nil},
		{due, nil},
		{due.Add(time.Hour), nil},
		{due.Add(day(1)), []string{"reminder.overdue-1"}},
		{due.Add(day(3)), nil},
		{due.Add(day(7)), []string{"reminder.overdue-7"}},
		{due.Add(day(10)), nil},
		{due.Add(day(14)), []string{"reminder.overdue-14", "reminder.manager-overdue-14"}},
		{due.Add(day(18)), nil},
		{due.Add(day(30)), nil},
	}
	want := map[string]int64{} // kind → recipient, cumulative
	for _, s := range steps {
		w.clock.Add(s.at.Sub(w.clock.Now()))
		for _, kind := range s.want {
			want[kind] = w.learner
			if kind == "reminder.manager-overdue-14" {
				want[kind] = w.unitMgr // the nearest manager
			}
		}
		for run := range 3 {
			w.sweep(t)
			got := map[string]int{}
			for _, r := range w.outbox(t) {
				if r.AssignmentID != id {
					t.Fatalf("%v: a row for another assignment: %+v", s.at, r)
				}
				got[r.Kind]++
				if to, ok := want[r.Kind]; !ok || to != r.UserID {
					t.Errorf("%v run %d: unexpected %s to user %d", s.at, run, r.Kind, r.UserID)
				}
			}
			for kind := range want {
				if got[kind] != 1 {
					t.Errorf("%v run %d: %s queued %d times, want once", s.at, run, kind, got[kind])
				}
			}
			if t.Failed() {
				t.FailNow() // later steps only repeat the first difference
			}
		}
	}
	if len(want) != 6 {
		t.Fatalf("the walk covered %d kinds, want 6: %v", len(want), want)
	}
}
