// Package remind is the reminder sweep: due-soon, overdue (with the
// learner's managers told at the last step), certificates about to lapse,
// and the weekly manager digest. It only writes to the outbox; the mail
// sender delivers, calling Prepare to re-check each reminder at send time.
package remind

import (
	"sort"
	"strconv"
	"time"

	"github.com/waymark/waymark/internal/mail"
)

const day = 24 * time.Hour

// Rules are the reminder schedule, in one place. DefaultRules is the plan
// the statewide program agreed; every field may be changed.
type Rules struct {
	DueSoon    []int // days before the due date: a reminder at each
	Overdue    []int // days after the due date: a reminder at each
	EscalateAt int   // at this overdue step the learner's nearest managers are told too (0: never)
	Expiring   []int // days before a completion's credit lapses
	// CatchUp is how long the last step of a series is still sent when the
	// sweep missed its day (an outage, a fresh import). Earlier steps run
	// until the next one begins.
	CatchUp time.Duration
	// Digest turns the weekly manager digest on; it counts overdue
	// assignments and completions lapsing within DigestExpiring.
	Digest         bool
	DigestExpiring time.Duration
	Quiet          mail.QuietHours // no reminders sent inside; what is queued waits
	Loc            *time.Location  // dates in messages, the digest's week
}

// DefaultRules: due in 14 and 3 days; overdue by 1, 7 and 14 days, managers
// told at 14; lapsing in 60, 30 and 7 days; a weekly digest; quiet hours
// 21:00–07:00 in loc.
func DefaultRules(loc *time.Location) Rules {
	return Rules{DueSoon: []int{14, 3}, Overdue: []int{1, 7, 14}, EscalateAt: 14, Expiring: []int{60, 30, 7},
		CatchUp: 7 * day, Digest: true, DigestExpiring: 30 * day, Quiet: mail.DefaultQuietHours(loc), Loc: loc}
}

// step is one reminder: it is due while now ∈ [anchor+from, anchor+to),
// anchor being the due date or the lapse date.
type step struct {
	kind     string
	from, to time.Duration
}

// dueSteps are the learner's due-soon and overdue steps, in time order.
func (r Rules) dueSteps() []step {
	var steps []step
	soon := sortedDesc(r.DueSoon)
	for i, d := range soon {
		to := time.Duration(0)
		if i+1 < len(soon) {
			to = -time.Duration(soon[i+1]) * day
		}
		steps = append(steps, step{"due-" + strconv.Itoa(d), -time.Duration(d) * day, to})
	}
	late := sortedDesc(r.Overdue)
	sort.Ints(late)
	for i, d := range late {
		from := time.Duration(d) * day
		to := from + r.CatchUp
		if i+1 < len(late) {
			to = time.Duration(late[i+1]) * day
		}
		steps = append(steps, step{"overdue-" + strconv.Itoa(d), from, to})
	}
	return steps
}

// escalationStep is the overdue step at which managers are told, if any.
func (r Rules) escalationStep() (step, bool) {
	for _, s := range r.dueSteps() {
		if s.kind == "overdue-"+strconv.Itoa(r.EscalateAt) && r.EscalateAt > 0 {
			return step{"manager-" + s.kind, s.from, s.to}, true
		}
	}
	return step{}, false
}

// expiringSteps are the lapse reminders, earliest first; the last runs
// until the credit lapses.
func (r Rules) expiringSteps() []step {
	var steps []step
	days := sortedDesc(r.Expiring)
	for i, d := range days {
		to := time.Duration(0)
		if i+1 < len(days) {
			to = -time.Duration(days[i+1]) * day
		}
		steps = append(steps, step{"expiring-" + strconv.Itoa(d), -time.Duration(d) * day, to})
	}
	return steps
}

func sortedDesc(v []int) []int {
	out := append([]int(nil), v...)
	sort.Sort(sort.Reverse(sort.IntSlice(out)))
	return out
}
