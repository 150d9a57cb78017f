package bench

import (
	"strings"
	"testing"
)

// TestMetScaled: a target's verdict as written comes first, then its
// verdict scaled to this run's plaintext ceiling, each on its own.
func TestMetScaled(t *testing.T) {
	rate := func(rps float64) Row { return Row{Result: Result{Requests: int64(rps), DurationUS: 1e6}} }
	rep := Report{Plaintext: PlaintextReference / 2, Bare: 5000}
	target := Target{Text: "≥ 4,000/s", Check: func(r Row, _ Job) bool { return r.Result.RPS() >= 4000 },
		Scaled: func(r Row, k float64) bool { return r.Result.RPS() >= 4000*k }}
	for rps, want := range map[float64]string{
		4100: "yes; scaled to this run's plaintext: yes",
		2500: "**no**; scaled to this run's plaintext: yes",
		1500: "**no**; scaled to this run's plaintext: **no**",
	} {
		if got := met(target, rate(rps), Job{}, rep.scale()); got != want {
			t.Errorf("%.0f/s: %q, want %q", rps, got, want)
		}
	}
	rep.Rows = []Row{
		{Name: bareName, Connections: 32, Result: Result{Requests: 5000, DurationUS: 1e6}},
		{Name: "lesson page (reopened)", Connections: 32, Result: Result{Requests: 2500, DurationUS: 1e6}, Target: target},
		{Name: "a report page", Connections: 1, Result: Result{Requests: 50, DurationUS: 1e6}, SQLP50MS: 10},
	}
	var b strings.Builder
	rep.Markdown(&b)
	if !strings.Contains(b.String(), "| 2,500 | 0.00 | 0.00 | 4.6% | 50% |") {
		t.Errorf("the lesson row lacks its shares of plaintext and of the bare page:\n%s", b.String())
	}
	if !strings.Contains(b.String(), "| a report page | 1 | 50.0 | 0.00 | 0.00 | 0.1% | — |") {
		t.Errorf("a one-connection row was given a share of the bare page:\n%s", b.String())
	}
}
