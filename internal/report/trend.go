package report

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// TrendPoint is one month of the trend (docs/METRICS.md "Trend"): the
// completions recorded in the month and the completion rate at its end,
// restated over today's counted pairs. The current month is as of today.
type TrendPoint struct {
	Month       time.Time // first day of the month
	Completions int       // completions dated in the month
	Complete    int       // pairs with a valid credit at the month's end
	Pairs       int       // pairs first assigned by the month's end
	ToDate      bool      // the current month, counted as of today
}

// Rate is Complete / Pairs; ok is false when there are no pairs.
func (p TrendPoint) Rate() (float64, bool) { return ratio(p.Complete, p.Pairs) }

// trend sums the monthly events of the view up to the current month and
// returns the last TrendMonths months, the current one as of today (so
// its rate equals the dashboard's).
func (s *Service) trend(ctx context.Context, tx *sqlx.Tx, v View, day Day, total Counts) ([]TrendPoint, error) {
	current := day.Month()
	var rows []struct {
		Month       time.Time `db:"month"`
		Assigned    int       `db:"assigned"`
		CreditStart int       `db:"credit_start"`
		CreditEnd   int       `db:"credit_end"`
		Completions int       `db:"completions"`
	}
	table, where := "report_org_month", v.inView("m.org_id", "$2")
	if v.roots() == nil {
		table, where = "report_state_month", "$2::bigint[] IS NULL" // the statewide shards
	}
	err := tx.SelectContext(ctx, &rows, `SELECT m.month, sum(m.assigned)::int AS assigned, sum(m.credit_start)::int AS credit_start,
			sum(m.credit_end)::int AS credit_end, sum(m.completions)::int AS completions
		FROM `+table+` m WHERE `+where+` AND m.month <= $1::date
		GROUP BY m.month ORDER BY m.month`, current.Format(time.DateOnly), v.rootsArg())
	if err != nil {
		return nil, fmt.Errorf("report: trend: %w", err)
	}
	first := current.AddDate(0, -(TrendMonths - 1), 0)
	points := make([]TrendPoint, TrendMonths)
	for i := range points {
		points[i].Month = first.AddDate(0, i, 0)
	}
	var pairs, complete int
	next := 0 // the first point not yet filled
	fill := func(upTo time.Time) {
		for next < len(points) && points[next].Month.Before(upTo) {
			points[next].Pairs, points[next].Complete = pairs, complete
			next++
		}
	}
	for _, r := range rows {
		month := time.Date(r.Month.Year(), r.Month.Month(), 1, 0, 0, 0, 0, time.UTC)
		fill(month) // months without events carry the running totals
		pairs += r.Assigned
		complete += r.CreditStart - r.CreditEnd
		if i := monthsBetween(first, month); i >= 0 && i < len(points) {
			points[i].Completions = r.Completions
		}
	}
	fill(current.AddDate(0, 1, 0))
	last := &points[len(points)-1]
	last.Pairs, last.Complete, last.ToDate = total.Pairs, total.Complete(), true
	return points, nil
}

func monthsBetween(a, b time.Time) int {
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
}
