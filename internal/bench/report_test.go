package bench

import (
	"strings"
	"testing"
)

// TestMetScaled: a target met only once scaled to this run's bare page
// says so; one met as written says yes; one missed both ways says no.
func TestMetScaled(t *testing.T) {
	rate := func(rps float64) Row { return Row{Result: Result{Requests: int64(rps), DurationUS: 1e6}} }
	target := Target{Text: "≥ 4,000/s", Check: func(r Row, _ Job) bool { return r.Result.RPS() >= 4000 },
		Scaled: func(r Row) bool { return r.Result.RPS() >= 4000*0.5 }}
	for rps, want := range map[float64]string{4100: "yes", 2500: "scaled to this run's bare page: yes", 1500: "**no**"} {
		if got := met(target, rate(rps), Job{}); got != want {
			t.Errorf("%.0f/s: %q, want %q", rps, got, want)
		}
	}
	rep := Report{Plaintext: 100000, Bare: 5000, Rows: []Row{
		{Name: bareName, Connections: 32, Result: Result{Requests: 5000, DurationUS: 1e6}},
		{Name: "lesson page (reopened)", Connections: 32, Result: Result{Requests: 2500, DurationUS: 1e6}, Target: target},
	}}
	var b strings.Builder
	rep.Markdown(&b)
	if !strings.Contains(b.String(), "| 2,500 | 0.00 | 0.00 | 2.5% | 50% |") {
		t.Errorf("the lesson row lacks its shares of plaintext and of the bare page:\n%s", b.String())
	}
}
