// Package report computes completion figures for managers and the state:
// dashboards, drill-downs to the people behind each figure, trends and CSV
// exports. Every figure is defined once, in docs/METRICS.md, and computed
// here from the report tables that migrations/0050_report.sql keeps
// current in the same transaction as each change.
package report

import (
	"time"
)

// Windows of docs/METRICS.md.
const (
	DueSoonDays  = 14 // "due soon": due today or within the next 13 days
	ExpiringDays = 30 // "expiring": credit ends today or within the next 29 days
	TrendMonths  = 12 // months in the trend, the current one included
)

// Counts are the counters behind every figure for one group of counted
// pairs (a person × a course, current cycle; docs/METRICS.md "What counts").
// The time-dependent counters are as of the report day.
type Counts struct {
	Pairs     int `db:"pairs"`      // counted pairs
	Open      int `db:"open"`       // current cycle open
	Completed int `db:"completed"`  // current cycle completed
	OnTime    int `db:"on_time"`    // current cycle completed on or before its due date
	Credit    int `db:"credit"`     // a credit exists (any completion not revoked)
	DueLtD0   int `db:"due_lt_d0"`  // open and due before today
	DueLtD14  int `db:"due_lt_d14"` // open and due before today + 14 days
	ExpLtD0   int `db:"exp_lt_d0"`  // credit ended before today
	ExpLtD30  int `db:"exp_lt_d30"` // credit ends before today + 30 days
}

// Add returns the sum of two counts.
func (c Counts) Add(o Counts) Counts {
	return Counts{c.Pairs + o.Pairs, c.Open + o.Open, c.Completed + o.Completed, c.OnTime + o.OnTime,
		c.Credit + o.Credit, c.DueLtD0 + o.DueLtD0, c.DueLtD14 + o.DueLtD14, c.ExpLtD0 + o.ExpLtD0, c.ExpLtD30 + o.ExpLtD30}
}

// Complete is the completion rate's numerator: pairs holding a valid
// credit today (docs/METRICS.md "Completion rate").
func (c Counts) Complete() int { return c.Credit - c.ExpLtD0 }

// NotComplete is the completion rate's denominator minus its numerator.
func (c Counts) NotComplete() int { return c.Pairs - c.Complete() }

// Overdue counts open current cycles due before today (docs/METRICS.md "Overdue").
func (c Counts) Overdue() int { return c.DueLtD0 }

// DueSoon counts open current cycles due today or in the next 13 days
// (docs/METRICS.md "Due soon").
func (c Counts) DueSoon() int { return c.DueLtD14 - c.DueLtD0 }

// Lapsed counts pairs whose latest credit ended before today
// (docs/METRICS.md "Lapsed").
func (c Counts) Lapsed() int { return c.ExpLtD0 }

// Expiring counts valid credits that end today or in the next 29 days
// (docs/METRICS.md "Expiring").
func (c Counts) Expiring() int { return c.ExpLtD30 - c.ExpLtD0 }

// CameDue is the on-time rate's denominator: current cycles completed, or
// open and overdue (docs/METRICS.md "On-time rate").
func (c Counts) CameDue() int { return c.Completed + c.Overdue() }

// Late is the on-time rate's denominator minus its numerator.
func (c Counts) Late() int { return c.CameDue() - c.OnTime }

// CompletionRate is Complete / Pairs; ok is false when there are no pairs.
func (c Counts) CompletionRate() (rate float64, ok bool) { return ratio(c.Complete(), c.Pairs) }

// OnTimeRate is OnTime / CameDue; ok is false when nothing came due.
func (c Counts) OnTimeRate() (rate float64, ok bool) { return ratio(c.OnTime, c.CameDue()) }

func ratio(n, d int) (float64, bool) {
	if d == 0 {
		return 0, false
	}
	return float64(n) / float64(d), true
}

// Day is the local day figures are counted as of, in the configured time
// zone (docs/METRICS.md "Time").
type Day struct {
	Date time.Time // local midnight
}

// DayOf returns the local day of t in loc.
func DayOf(t time.Time, loc *time.Location) Day {
	t = t.In(loc)
	return Day{Date: time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)}
}

// String is the ISO date, as SQL takes it.
func (d Day) String() string { return d.Date.Format(time.DateOnly) }

// AddDays returns the local midnight n days later (DST-safe).
func (d Day) AddDays(n int) time.Time {
	return time.Date(d.Date.Year(), d.Date.Month(), d.Date.Day()+n, 0, 0, 0, 0, d.Date.Location())
}

// Month is the first day of the day's month.
func (d Day) Month() time.Time {
	return time.Date(d.Date.Year(), d.Date.Month(), 1, 0, 0, 0, 0, time.UTC)
}
