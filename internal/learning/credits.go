package learning

import (
	"context"
	"fmt"
	"time"

	"github.com/waymark/waymark/internal/store"
)

// CaseworkerRole is the job role whose training counts toward the 25 hours
// of G.L. c.233 §20M (human trafficking caseworker privilege).
const CaseworkerRole = "victim-advocate"

// CaseworkerHours is the training the statute names.
const CaseworkerHours = 25

// YearCredit is the credited training of one training year.
type YearCredit struct {
	Start   time.Time // first day, 00:00 local
	End     time.Time // the day after the last day, 00:00 local
	Minutes int
	Items   []store.CreditRow
}

// LastDay is the year's final day.
func (y YearCredit) LastDay() time.Time { return y.End.AddDate(0, 0, -1) }

// Hours formats the minutes as hours with one decimal.
func (y YearCredit) Hours() string { return hours(y.Minutes) }

// Credits is a person's credited minutes per training year, newest first,
// and for caseworkers the total toward the §20M training.
type Credits struct {
	Years        []YearCredit
	TotalMinutes int
	Caseworker   bool
}

// TotalHours formats the total as hours.
func (c Credits) TotalHours() string { return hours(c.TotalMinutes) }

// CaseworkerTarget is the statute's 25 hours.
func (c Credits) CaseworkerTarget() int { return CaseworkerHours }

// CaseworkerRemaining is how many hours are left toward 25, never below 0.
func (c Credits) CaseworkerRemaining() string {
	left := CaseworkerHours*60 - c.TotalMinutes
	if left < 0 {
		left = 0
	}
	return hours(left)
}

func hours(minutes int) string { return fmt.Sprintf("%.1f", float64(minutes)/60) }

// TrainingYear returns the training year holding t: from the day after the
// configured year end (June 30 by default) to that day a year later.
func (s *Service) TrainingYear(t time.Time) (start, end time.Time) {
	t = t.In(s.loc)
	m, d := s.yearEnd.Month(), s.yearEnd.Day()
	end = time.Date(t.Year(), m, d+1, 0, 0, 0, 0, s.loc)
	if !t.Before(end) {
		end = time.Date(t.Year()+1, m, d+1, 0, 0, 0, 0, s.loc)
	}
	return end.AddDate(-1, 0, 0), end
}

// Credits sums a person's completions by training year. roles are the
// person's job roles (for the caseworker total).
func (s *Service) Credits(ctx context.Context, userID int64, roles []string) (Credits, error) {
	var out Credits
	rows, err := s.completions.Credits(ctx, userID)
	if err != nil {
		return out, err
	}
	for _, r := range roles {
		out.Caseworker = out.Caseworker || r == CaseworkerRole
	}
	for _, r := range rows {
		start, end := s.TrainingYear(r.CompletedAt)
		if n := len(out.Years); n == 0 || !out.Years[n-1].Start.Equal(start) {
			out.Years = append(out.Years, YearCredit{Start: start, End: end})
		}
		y := &out.Years[len(out.Years)-1]
		y.Minutes += r.Minutes
		y.Items = append(y.Items, r)
		out.TotalMinutes += r.Minutes
	}
	for i, j := 0, len(out.Years)-1; i < j; i, j = i+1, j-1 {
		out.Years[i], out.Years[j] = out.Years[j], out.Years[i]
	}
	return out, nil
}
