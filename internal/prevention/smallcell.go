package prevention

import (
	"math"
	"strconv"
)

// MinCell is the small-cell rule: any figure derived from fewer than this
// many students is suppressed wherever it appears, on pages and in exports.
// Figures about delivery rather than students (dosage, fidelity) are not
// derived from students and are always shown.
const MinCell = 10

// The words shown in place of a suppressed figure.
const (
	SuppressedCount = "fewer than 10"
	SuppressedRate  = "suppressed"
)

type figureKind uint8

const (
	kindCount figureKind = iota
	kindPercent
	kindPoints
)

// Figure is one reported number, already checked against the small-cell
// rule. Pages print String(); CSV prints CSV(). There is no way to read the
// value of a suppressed figure.
type Figure struct {
	value      float64
	kind       figureKind
	suppressed bool
	none       bool // nothing to report (no data yet)
}

// Count is a number of students taken from a group of base students.
func Count(n, base int) Figure {
	return Figure{value: float64(n), kind: kindCount, suppressed: base < MinCell}
}

// Share is num/den as a percentage, derived from the answers of students
// respondents.
func Share(num, den, students int) Figure {
	f := Figure{kind: kindPercent, suppressed: students < MinCell}
	if den == 0 {
		f.none = !f.suppressed
		return f
	}
	f.value = 100 * float64(num) / float64(den)
	return f
}

// Change is the difference in share correct, post minus pre, in percentage
// points; students is the smaller of the two phases' respondents.
func Change(preCorrect, preAnswered, postCorrect, postAnswered, students int) Figure {
	f := Figure{kind: kindPoints, suppressed: students < MinCell}
	if preAnswered == 0 || postAnswered == 0 {
		f.none = !f.suppressed
		return f
	}
	f.value = 100*float64(postCorrect)/float64(postAnswered) - 100*float64(preCorrect)/float64(preAnswered)
	return f
}

// Ratio is num/den as a percentage of something that is not students
// (sessions, core components); the small-cell rule does not apply.
func Ratio(num, den int) Figure {
	if den == 0 {
		return Figure{kind: kindPercent, none: true}
	}
	return Figure{value: 100 * float64(num) / float64(den), kind: kindPercent}
}

// Plain is a count of something that is not students (classes, sessions).
func Plain(n int) Figure { return Figure{value: float64(n), kind: kindCount} }

// None is a figure with nothing to report yet.
func None() Figure { return Figure{none: true} }

// Suppressed reports whether the small-cell rule hides the figure.
func (f Figure) Suppressed() bool { return f.suppressed }

// Missing reports whether there is no data behind the figure.
func (f Figure) Missing() bool { return f.none }

// String is the figure as pages show it.
func (f Figure) String() string {
	switch {
	case f.suppressed && f.kind == kindCount:
		return SuppressedCount
	case f.suppressed:
		return SuppressedRate
	case f.none:
		return "—"
	}
	switch f.kind {
	case kindPercent:
		return strconv.FormatFloat(round1(f.value), 'f', 1, 64) + "%"
	case kindPoints:
		return signed(f.value) + " points"
	}
	return strconv.FormatFloat(f.value, 'f', 0, 64)
}

// CSV is the figure as exports write it: bare numbers, the same words for
// suppressed figures, empty when there is nothing to report.
func (f Figure) CSV() string {
	switch {
	case f.suppressed && f.kind == kindCount:
		return SuppressedCount
	case f.suppressed:
		return SuppressedRate
	case f.none:
		return ""
	}
	switch f.kind {
	case kindPercent:
		return strconv.FormatFloat(round1(f.value), 'f', 1, 64)
	case kindPoints:
		return signed(f.value)
	}
	return strconv.FormatFloat(f.value, 'f', 0, 64)
}

func round1(v float64) float64 {
	r := math.Round(v*10) / 10
	if r == 0 {
		return 0 // no "-0.0"
	}
	return r
}

func signed(v float64) string {
	s := strconv.FormatFloat(round1(v), 'f', 1, 64)
	if round1(v) > 0 {
		return "+" + s
	}
	return s
}
