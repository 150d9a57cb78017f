package bench

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Row is one measured endpoint.
type Row struct {
	Name        string
	Connections int
	Result      Result
	Skipped     string  // why it was not measured (not built yet…)
	SQLP50MS    float64 // bare SQL of a report page, 0 if none
	Target      Target
	PeakRSS     int64 // server VmHWM after this row, bytes
}

// Job is one timed job outside HTTP.
type Job struct {
	Name    string
	Count   int64
	Unit    string // what Count counts
	Elapsed time.Duration
	Skipped string
	Target  Target
	Note    string
}

// Rate is Count per second.
func (j Job) Rate() float64 {
	if j.Elapsed <= 0 {
		return 0
	}
	return float64(j.Count) / j.Elapsed.Seconds()
}

// Target is a speed target and whether it was met. Scaled, when set, is
// the same target scaled by k, the speed of this host in this run against
// the reference (see PlaintextReference); both verdicts are shown.
type Target struct {
	Text string
	// Applies, when set, says whether the figures are of what the target
	// is defined at (a target for 50,000 rows says nothing of 1,000); when
	// they are not, the verdict is "—".
	Applies func(Row, Job) bool
	Check   func(Row, Job) bool
	Scaled  func(row Row, k float64) bool
}

// PlaintextReference is the plaintext ceiling on the machine the
// lesson-page and progress-save targets were set on. This host's speed
// varies by half from minute to minute, so those targets are also judged
// scaled by this run's plaintext ceiling against it: the same Fiber
// handler in the same process, measured minutes apart.
const PlaintextReference = 109000

// scale is this run's plaintext ceiling against the reference (0 when it
// was not measured).
func (r *Report) scale() float64 { return r.Plaintext / PlaintextReference }

// Report is the whole run.
type Report struct {
	Started   time.Time
	Plaintext float64 // req/s of the ceiling
	Bare      float64 // req/s of the bare page
	Rows      []Row
	Jobs      []Job
	PeakRSS   int64
	Notes     []string
}

func ms(us float64) float64 { return us / 1000 }

// Markdown writes the tables.
func (r *Report) Markdown(w io.Writer) {
	fmt.Fprintln(w, "| endpoint | conns | req/s | p50 ms | p99 ms | % of plaintext | % of bare page | bare SQL p50 ms | page ÷ SQL | peak RSS MB | target | met |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
	for _, row := range r.Rows {
		if row.Skipped != "" {
			fmt.Fprintf(w, "| %s | | | | | | | | | | %s | not measured: %s |\n", row.Name, row.Target.Text, row.Skipped)
			continue
		}
		res := row.Result
		share := "—"
		if r.Plaintext > 0 && row.Name != plaintextName {
			share = fmt.Sprintf("%.1f%%", 100*res.RPS()/r.Plaintext)
		}
		bare := "—"
		if r.Bare > 0 && row.Name != plaintextName && row.Name != bareName && row.Connections > 1 {
			bare = fmt.Sprintf("%.0f%%", 100*res.RPS()/r.Bare)
		}
		sql, ratio := "—", "—"
		if row.SQLP50MS > 0 {
			sql = fmt.Sprintf("%.1f", row.SQLP50MS)
			ratio = fmt.Sprintf("%.2f×", ms(res.P50US)/row.SQLP50MS)
		}
		fmt.Fprintf(w, "| %s | %d | %s | %.2f | %.2f | %s | %s | %s | %s | %.0f | %s | %s |\n", row.Name, row.Connections,
			thousands(res.RPS()), ms(res.P50US), ms(res.P99US), share, bare, sql, ratio, float64(row.PeakRSS)/(1<<20),
			row.Target.Text, met(row.Target, row, Job{}, r.scale()))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| job | count | time s | rate /s | target | met | note |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---|---|---|")
	for _, j := range r.Jobs {
		if j.Skipped != "" {
			fmt.Fprintf(w, "| %s | | | | %s | not measured: %s | |\n", j.Name, j.Target.Text, j.Skipped)
			continue
		}
		fmt.Fprintf(w, "| %s | %d %s | %.2f | %s | %s | %s | %s |\n", j.Name, j.Count, j.Unit, j.Elapsed.Seconds(),
			thousands(j.Rate()), j.Target.Text, met(j.Target, Row{}, j, r.scale()), j.Note)
	}
	fmt.Fprintln(w)
	rss := "—" // not read
	if r.PeakRSS > 0 {
		rss = yesNo(r.PeakRSS < 300<<20)
	}
	fmt.Fprintf(w, "Server peak RSS (VmHWM) over the whole run: %.0f MB (target < 300 MB: %s).\n",
		float64(r.PeakRSS)/(1<<20), rss)
	for _, n := range r.Notes {
		fmt.Fprintf(w, "\n- %s", n)
	}
	if len(r.Notes) > 0 {
		fmt.Fprintln(w)
	}
}

// met is a target's verdict on the figures; k is the run's scale, 0 when
// its plaintext ceiling was not measured.
func met(t Target, row Row, j Job, k float64) string {
	if t.Check == nil || t.Applies != nil && !t.Applies(row, j) {
		return "—"
	}
	out := yesNo(t.Check(row, j))
	if t.Scaled != nil {
		scaled := "—"
		if k > 0 {
			scaled = yesNo(t.Scaled(row, k))
		}
		out += "; scaled to this run's plaintext: " + scaled
	}
	return out
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

// thousands formats a rate with a thousands separator.
func thousands(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	if v < 100 {
		s = fmt.Sprintf("%.1f", v)
	}
	var b strings.Builder
	intPart, frac, _ := strings.Cut(s, ".")
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
}
