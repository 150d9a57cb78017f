package bench

import (
	"fmt"
	"time"
)

// The speed targets of docs/BENCHMARKS.md. Each judges only the figures
// it is given, so every verdict can be checked without a run.

// lessonTarget is the reopened lesson page's: ≥ 4,000/s with p99 < 25 ms,
// also judged scaled to the run's plaintext ceiling.
func lessonTarget() Target {
	return Target{Text: "≥ 4,000/s, p99 < 25 ms", Check: func(r Row, _ Job) bool {
		return r.Result.RPS() >= 4000 && ms(r.Result.P99US) < 25
	}, Scaled: func(row Row, k float64) bool {
		return row.Result.RPS() >= 4000*k && ms(row.Result.P99US) < 25/k
	}}
}

// progressTarget is the first lesson opening's: ≥ 3,000/s, also judged
// scaled to the run's plaintext ceiling.
func progressTarget() Target {
	return Target{Text: "≥ 3,000/s", Check: func(r Row, _ Job) bool {
		return r.Result.RPS() >= 3000
	}, Scaled: func(row Row, k float64) bool {
		return row.Result.RPS() >= 3000*k
	}}
}

// distinctPDFTarget is the distinct certificate PDFs' over HTTP: ≥ 200/s.
func distinctPDFTarget() Target {
	return Target{Text: "≥ 200/s", Check: func(r Row, _ Job) bool { return r.Result.RPS() >= 200 }}
}

// sweepTarget: one full reminder sweep in under 20 s.
func sweepTarget() Target {
	return Target{Text: "< 20 s", Check: func(_ Row, j Job) bool { return j.Elapsed < 20*time.Second }}
}

// jobRateTarget: ≥ 200 a second (mail sent, PDFs rendered in process).
func jobRateTarget() Target {
	return Target{Text: "≥ 200/s", Check: func(_ Row, j Job) bool { return j.Rate() >= 200 }}
}

// importTarget: 50,000 rows in under 30 s. A smaller import (quick mode)
// is not what the target is defined at, so it has no verdict.
func importTarget() Target {
	return Target{Text: "< 30 s for 50,000",
		Applies: func(_ Row, j Job) bool { return j.Count >= 50000 },
		Check:   func(_ Row, j Job) bool { return j.Elapsed < 30*time.Second }}
}

// reportTarget is a report page's: its p50 at most 1.5 times its bare
// SQL's, and under p50 when that is set.
func reportTarget(p50 time.Duration) Target {
	if p50 == 0 {
		return Target{Text: "≤ 1.5× SQL", Check: withinSQL}
	}
	return Target{Text: fmt.Sprintf("p50 < %d ms, ≤ 1.5× SQL", p50.Milliseconds()), Check: func(r Row, j Job) bool {
		return ms(r.Result.P50US) < float64(p50.Milliseconds()) && withinSQL(r, j)
	}}
}

// withinSQL: a report page's p50 is at most 1.5 times its bare SQL's.
func withinSQL(r Row, _ Job) bool { return r.SQLP50MS > 0 && ms(r.Result.P50US) <= 1.5*r.SQLP50MS }
