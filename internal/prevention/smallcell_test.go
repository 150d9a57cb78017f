package prevention_test

import (
	"testing"

	"github.com/waymark/waymark/internal/prevention"
)

func TestSmallCellRule(t *testing.T) {
	tests := []struct {
		name      string
		f         prevention.Figure
		page, csv string
	}{
		{"count from 10 students", prevention.Count(10, 10), "10", "10"},
		{"count from 9 students", prevention.Count(9, 9), "fewer than 10", "fewer than 10"},
		{"zero from a class of 9", prevention.Count(0, 9), "fewer than 10", "fewer than 10"},
		{"2 opt-outs of 25 students", prevention.Count(2, 25), "2", "2"},
		{"2 opt-outs of 9 students", prevention.Count(2, 9), "fewer than 10", "fewer than 10"},
		{"share from 10 respondents", prevention.Share(7, 10, 10), "70.0%", "70.0"},
		{"share from 9 respondents", prevention.Share(7, 9, 9), "suppressed", "suppressed"},
		{"share with nothing answered", prevention.Share(0, 0, 12), "—", ""},
		{"share with nothing answered, few students", prevention.Share(0, 0, 3), "suppressed", "suppressed"},
		{"change from 10 students", prevention.Change(5, 10, 8, 10, 10), "+30.0 points", "+30.0"},
		{"negative change", prevention.Change(8, 10, 5, 10, 12), "-30.0 points", "-30.0"},
		{"no change", prevention.Change(1, 3, 1, 3, 12), "0.0 points", "0.0"},
		{"change when one phase has 9", prevention.Change(5, 10, 8, 10, 9), "suppressed", "suppressed"},
		{"dosage is about sessions, not students", prevention.Ratio(1, 5), "20.0%", "20.0"},
		{"fidelity with nothing marked", prevention.Ratio(0, 0), "—", ""},
		{"rounding", prevention.Ratio(2, 3), "66.7%", "66.7"},
		{"plain count", prevention.Plain(3), "3", "3"},
		{"nothing yet", prevention.None(), "—", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f.String(); got != tt.page {
				t.Errorf("page: %q, want %q", got, tt.page)
			}
			if got := tt.f.CSV(); got != tt.csv {
				t.Errorf("csv: %q, want %q", got, tt.csv)
			}
			suppressed := tt.page == prevention.SuppressedCount || tt.page == prevention.SuppressedRate
			if tt.f.Suppressed() != suppressed {
				t.Errorf("Suppressed() = %v", tt.f.Suppressed())
			}
		})
	}
}
