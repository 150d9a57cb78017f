package bench

import (
	"strings"
	"testing"
	"time"
)

// page is a row of rps requests a second with the given p50 and p99.
func page(rps, p50ms, p99ms float64) Row {
	return Row{Result: Result{Requests: int64(rps), DurationUS: 1e6, P50US: p50ms * 1000, P99US: p99ms * 1000}}
}

func job(count int64, elapsed time.Duration) Job {
	return Job{Count: count, Elapsed: elapsed}
}

// Each target the benchmark judges, given figures on either side of it.
func TestTargetVerdicts(t *testing.T) {
	slow := Report{Plaintext: PlaintextReference / 2} // this host at half the reference speed
	sql := func(r Row, sqlMS float64) Row { r.SQLP50MS = sqlMS; return r }
	tests := []struct {
		name   string
		target Target
		text   string
		row    Row
		job    Job
		want   string
	}{
		{"lesson page met", lessonTarget(), "≥ 4,000/s, p99 < 25 ms", page(4000, 5, 24.9), Job{}, "yes; scaled to this run's plaintext: yes"},
		{"lesson page too slow, met scaled", lessonTarget(), "≥ 4,000/s, p99 < 25 ms", page(2000, 5, 49), Job{}, "**no**; scaled to this run's plaintext: yes"},
		{"lesson page p99 too long", lessonTarget(), "≥ 4,000/s, p99 < 25 ms", page(5000, 5, 25), Job{}, "**no**; scaled to this run's plaintext: yes"},
		{"lesson page p99 too long scaled", lessonTarget(), "≥ 4,000/s, p99 < 25 ms", page(2000, 5, 50), Job{}, "**no**; scaled to this run's plaintext: **no**"},
		{"lesson page rate too low scaled", lessonTarget(), "≥ 4,000/s, p99 < 25 ms", page(1999, 5, 10), Job{}, "**no**; scaled to this run's plaintext: **no**"},
		{"progress save met", progressTarget(), "≥ 3,000/s", page(3000, 5, 500), Job{}, "yes; scaled to this run's plaintext: yes"},
		{"progress save just short", progressTarget(), "≥ 3,000/s", page(2999, 5, 5), Job{}, "**no**; scaled to this run's plaintext: yes"},
		{"progress save met scaled", progressTarget(), "≥ 3,000/s", page(1500, 5, 5), Job{}, "**no**; scaled to this run's plaintext: yes"},
		{"progress save missed", progressTarget(), "≥ 3,000/s", page(1499, 5, 5), Job{}, "**no**; scaled to this run's plaintext: **no**"},
		{"distinct PDFs met", distinctPDFTarget(), "≥ 200/s", page(200, 80, 170), Job{}, "yes"},
		{"distinct PDFs missed", distinctPDFTarget(), "≥ 200/s", page(199, 80, 170), Job{}, "**no**"},
		{"dashboard within its SQL", reportTarget(0), "≤ 1.5× SQL", sql(page(30, 30, 45), 20), Job{}, "yes"},
		{"dashboard over its SQL", reportTarget(0), "≤ 1.5× SQL", sql(page(30, 30.1, 45), 20), Job{}, "**no**"},
		{"dashboard without its SQL", reportTarget(0), "≤ 1.5× SQL", page(30, 30, 45), Job{}, "**no**"},
		{"dashboard without its SQL, no latency", reportTarget(0), "≤ 1.5× SQL", page(30, 0, 0), Job{}, "**no**"},
		{"statewide met", reportTarget(150 * time.Millisecond), "p50 < 150 ms, ≤ 1.5× SQL", sql(page(7, 149, 200), 100), Job{}, "yes"},
		{"statewide too slow", reportTarget(150 * time.Millisecond), "p50 < 150 ms, ≤ 1.5× SQL", sql(page(7, 150, 200), 100), Job{}, "**no**"},
		{"statewide over its SQL", reportTarget(150 * time.Millisecond), "p50 < 150 ms, ≤ 1.5× SQL", sql(page(7, 100, 200), 60), Job{}, "**no**"},
		{"drill-down met", reportTarget(100 * time.Millisecond), "p50 < 100 ms, ≤ 1.5× SQL", sql(page(10, 99, 120), 70), Job{}, "yes"},
		{"drill-down too slow", reportTarget(100 * time.Millisecond), "p50 < 100 ms, ≤ 1.5× SQL", sql(page(10, 101, 120), 70), Job{}, "**no**"},
		{"sweep met", sweepTarget(), "< 20 s", Row{}, job(188687, 19*time.Second), "yes"},
		{"sweep missed", sweepTarget(), "< 20 s", Row{}, job(188687, 20*time.Second), "**no**"},
		{"send met", jobRateTarget(), "≥ 200/s", Row{}, job(4000, 20*time.Second), "yes"},
		{"send missed", jobRateTarget(), "≥ 200/s", Row{}, job(3999, 20*time.Second), "**no**"},
		{"send, no time", jobRateTarget(), "≥ 200/s", Row{}, job(40, 0), "**no**"},
		{"import met", importTarget(), "< 30 s for 50,000", Row{}, job(50000, 29*time.Second), "yes"},
		{"import missed", importTarget(), "< 30 s for 50,000", Row{}, job(50000, 30*time.Second), "**no**"},
		{"import of 1,000 rows (quick)", importTarget(), "< 30 s for 50,000", Row{}, job(1000, time.Second), "—"},
		{"import of 1,000 rows, slow", importTarget(), "< 30 s for 50,000", Row{}, job(1000, time.Minute), "—"},
		{"no target", Target{}, "", page(1, 1, 1), job(1, time.Second), "—"},
	}
	for _, tt := range tests {
		if tt.target.Text != tt.text {
			t.Errorf("%s: target reads %q, want %q", tt.name, tt.target.Text, tt.text)
		}
		if got := met(tt.target, tt.row, tt.job, slow.scale()); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// A run that did not measure the plaintext ceiling (it was left out) has
// no scaled verdict, and one that did not read the server's memory no
// memory verdict.
func TestUnmeasuredScaleAndMemoryHaveNoVerdict(t *testing.T) {
	for _, target := range []Target{lessonTarget(), progressTarget()} {
		if got, want := met(target, page(5000, 5, 10), Job{}, 0), "yes; scaled to this run's plaintext: —"; got != want {
			t.Errorf("%s: %q, want %q", target.Text, got, want)
		}
	}
	rep := Report{Rows: []Row{{Name: "lesson page (reopened)", Connections: 32, Result: page(5000, 5, 10).Result, Target: lessonTarget()}}}
	var b strings.Builder
	rep.Markdown(&b)
	for _, want := range []string{"| ≥ 4,000/s, p99 < 25 ms | yes; scaled to this run's plaintext: — |", "(target < 300 MB: —)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("want %q in:\n%s", want, b.String())
		}
	}
	rep.PeakRSS = 200 << 20
	b.Reset()
	rep.Markdown(&b)
	if !strings.Contains(b.String(), "(target < 300 MB: yes)") {
		t.Errorf("a read memory peak has no verdict:\n%s", b.String())
	}
}

// A quick run's import (1,000 rows) is reported without a verdict.
func TestQuickImportHasNoVerdict(t *testing.T) {
	rep := Report{Jobs: []Job{{Name: "roster import (1000 new rows)", Count: 1000, Unit: "rows", Elapsed: time.Second, Target: importTarget()}}}
	var b strings.Builder
	rep.Markdown(&b)
	want := "| roster import (1000 new rows) | 1000 rows | 1.00 | 1,000 | < 30 s for 50,000 | — |"
	if !strings.Contains(b.String(), want) {
		t.Errorf("want %q in:\n%s", want, b.String())
	}
}
