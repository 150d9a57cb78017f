package web

import (
	"fmt"
	"html"
	"html/template"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/waymark/waymark/internal/report"
)

// Charts are server-rendered SVG (templates/partials/reports_charts.html):
// geometry is computed here, the markup escaped by html/template (a bar
// chart's rows, which run to hundreds, are written by RowsSVG). Every
// bar and point carries its value as text, so nothing depends on colour,
// and each chart's numbers are repeated in a table on the page.

// BarChart is a horizontal bar chart of rates, one row per group. It is
// as wide as the page (no viewBox: positions across are percentages, text
// keeps its size), so each row puts its label on lines of their own above
// the bar, wrapped to what fits on the narrowest screen (320 px).
type BarChart struct {
	ID, Title, Desc string
	Height          int
	BarH            int
	Rows            []BarRow
}

// BarRow is one bar with its label lines and value text.
type BarRow struct {
	Label    string   // the group's full name (the row's <title>)
	Lines    []string // the label as shown, wrapped; the value ends the last line
	Value    string
	Y        int // top of the row's first line
	BarY     int
	W        float64 // the bar's width, percent of the chart's
	HasValue bool
	Absent   bool // no denominator, no bar
}

const (
	chartWidth = 640
	// barLineChars is how many characters a label line holds: 37 at 13 px
	// (under 7.6 px each, wider than the system font's average) fit the
	// 288 px a 320 px screen leaves the chart.
	barLineChars = 37
	barLineH     = 17
	barHeight    = 14
	barGap       = 12
	barMaxLines  = 3
)

// rateBars charts the completion rate of each row.
func rateBars(id, title string, groups []figureRow) BarChart {
	ch := BarChart{ID: id, Title: title, BarH: barHeight}
	var desc []string
	y := 4
	for _, g := range groups {
		r := BarRow{Label: g.Label, Y: y}
		if rate, ok := g.CompletionRate(); ok {
			r.W = float64(int(rate*1000+0.5)) / 10
			r.Value = fmt.Sprintf("%s (%d of %d)", pctText(rate), g.Complete(), g.Pairs)
		} else {
			r.Absent, r.Value = true, "no one counted"
		}
		r.Lines = labelLines(g.Label, r.Value, barLineChars, barMaxLines)
		r.BarY = y + len(r.Lines)*barLineH + 3
		y = r.BarY + barHeight + barGap
		ch.Rows = append(ch.Rows, r)
		desc = append(desc, g.Label+": "+r.Value)
	}
	ch.Height = y
	ch.Desc = "Completion rate. " + strings.Join(desc, "; ") + "."
	return ch
}

// labelLines wraps label at spaces into lines of at most n characters
// (a longer word is cut), then adds value to the last line, or a line of
// its own. Past max lines the label ends with an ellipsis: the full name
// is in the row's <title>, the chart's description and the table.
func labelLines(label, value string, n, max int) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(label) {
		for utf8.RuneCountInString(w) > n { // a word longer than a line
			if cur != "" {
				lines, cur = append(lines, cur), ""
			}
			r := []rune(w)
			lines, w = append(lines, string(r[:n-1])+"‑"), string(r[n-1:])
		}
		switch {
		case cur == "":
			cur = w
		case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(w) <= n:
			cur += " " + w
		default:
			lines, cur = append(lines, cur), w
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	if len(lines) > 0 && utf8.RuneCountInString(lines[len(lines)-1])+2+utf8.RuneCountInString(value) <= n {
		lines[len(lines)-1] += ": " + value
	} else {
		if len(lines) > 0 {
			lines[len(lines)-1] += ":"
		}
		lines = append(lines, value)
	}
	if len(lines) > max { // keep the first lines of the name and the value
		name := lines[:max-1]
		name[max-2] = shorten(name[max-2]+" …", n)
		if !strings.HasSuffix(name[max-2], "…") {
			name[max-2] += "…"
		}
		lines = append(name, lines[len(lines)-1])
	}
	return lines
}

// TrendChart is the completion rate at each month's end (a line) and the
// completions in each month (hatched columns).
type TrendChart struct {
	ID, Title, Desc string
	Width, Height   int
	PlotX, PlotY    int // top-left of the plot area
	PlotW, PlotH    int
	Grid            []GridLine
	Points          []TrendMark
	Line            string // polyline points
	Columns         []TrendMark
}

// GridLine is a horizontal guide with its label.
type GridLine struct {
	Y     int
	Label string
}

// TrendMark is one month's point or column.
type TrendMark struct {
	X, Y, H    int
	LabelX     int
	LabelY     int
	Value      string
	Month      string
	Present    bool
	ColumnX, W int
}

// rateTrend charts the completion rate at month end.
func rateTrend(id string, pts []report.TrendPoint) TrendChart {
	ch := newTrend(id, "Completion rate at the end of each month", pts)
	var line []string
	var desc []string
	for i, p := range pts {
		x := ch.PlotX + ch.PlotW*(2*i+1)/(2*len(pts))
		m := TrendMark{X: x, LabelX: x, Month: monthLabel(p, i), LabelY: ch.PlotY + ch.PlotH + 18}
		if rate, ok := p.Rate(); ok {
			m.Present = true
			m.Y = ch.PlotY + ch.PlotH - int(rate*float64(ch.PlotH)+0.5)
			m.Value = pctShort(rate)
			line = append(line, fmt.Sprintf("%d,%d", m.X, m.Y))
		}
		ch.Points = append(ch.Points, m)
		desc = append(desc, fmt.Sprintf("%s: %s", monthName(p), orDash(m.Value)))
	}
	ch.Line = strings.Join(line, " ")
	for _, v := range []int{0, 25, 50, 75, 100} {
		ch.Grid = append(ch.Grid, GridLine{Y: ch.PlotY + ch.PlotH - v*ch.PlotH/100, Label: fmt.Sprintf("%d%%", v)})
	}
	ch.Desc = "Completion rate at month end. " + strings.Join(desc, "; ") + "."
	return ch
}

// completionColumns charts the completions recorded in each month.
func completionColumns(id string, pts []report.TrendPoint) TrendChart {
	ch := newTrend(id, "Completions recorded each month", pts)
	top := 1
	for _, p := range pts {
		top = max(top, p.Completions)
	}
	top = niceCeil(top)
	slot := ch.PlotW / len(pts)
	var desc []string
	for i, p := range pts {
		h := p.Completions * ch.PlotH / top
		x := ch.PlotX + i*slot
		ch.Columns = append(ch.Columns, TrendMark{ColumnX: x + slot/5, W: slot * 3 / 5, Y: ch.PlotY + ch.PlotH - h, H: h,
			LabelX: x + slot/2, LabelY: ch.PlotY + ch.PlotH + 18, Month: monthLabel(p, i), Value: fmt.Sprint(p.Completions), Present: true})
		desc = append(desc, fmt.Sprintf("%s: %d", monthName(p), p.Completions))
	}
	for _, f := range []int{0, 2, 4} {
		v := top * f / 4
		ch.Grid = append(ch.Grid, GridLine{Y: ch.PlotY + ch.PlotH - v*ch.PlotH/top, Label: fmt.Sprint(v)})
	}
	ch.Desc = "Completions per month. " + strings.Join(desc, "; ") + "."
	return ch
}

func newTrend(id, title string, pts []report.TrendPoint) TrendChart {
	return TrendChart{ID: id, Title: title, Width: chartWidth, Height: 250, PlotX: 48, PlotY: 24, PlotW: chartWidth - 64, PlotH: 180}
}

// niceCeil rounds n up to four equal steps of 1, 2 or 5 times a power of
// ten, so the quarter grid lines are round numbers.
func niceCeil(n int) int {
	step := (n + 3) / 4
	for p := 1; ; p *= 10 {
		for _, m := range []int{1, 2, 5} {
			if m*p >= step {
				return 4 * m * p
			}
		}
	}
}

func monthLabel(p report.TrendPoint, i int) string {
	if i == 0 || p.Month.Month() == 1 {
		return p.Month.Format("Jan 06")
	}
	return p.Month.Format("Jan")
}

func monthName(p report.TrendPoint) string {
	if p.ToDate {
		return p.Month.Format("January 2006") + " (to date)"
	}
	return p.Month.Format("January 2006")
}

func pctText(r float64) string  { return fmt.Sprintf("%.1f%%", 100*r) }
func pctShort(r float64) string { return fmt.Sprintf("%.0f%%", 100*r) }

func orDash(s string) string {
	if s == "" {
		return "no one counted"
	}
	return s
}

// shorten cuts s to n runes with an ellipsis (the table has the full text).
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// RowsSVG is the bar chart's rows as SVG, written directly: a district's
// chart by organization has hundreds of rows, and as template actions
// they were most of the dashboard's rendering time. Each row is a group
// whose <title> is the full label and value; text is escaped.
func (ch BarChart) RowsSVG() template.HTML {
	var b strings.Builder
	num := strconv.Itoa
	for _, r := range ch.Rows {
		b.WriteString("<g><title>" + html.EscapeString(r.Label+": "+r.Value) + "</title>\n")
		for i, line := range r.Lines {
			b.WriteString(`<text x="0" y="` + num(r.Y+(i+1)*barLineH-4) + `" fill="#1b1f24">` + html.EscapeString(line) + "</text>\n")
		}
		b.WriteString(`<rect x="0" y="` + num(r.BarY) + `" width="100%" height="` + num(ch.BarH) + `" fill="#ffffff" stroke="#4a5563" stroke-width="1"/>` + "\n")
		if !r.Absent {
			b.WriteString(`<rect x="0" y="` + num(r.BarY) + `" width="` + strconv.FormatFloat(r.W, 'f', 1, 64) + `%" height="` + num(ch.BarH) + `" fill="#0b4f8a"/>` + "\n")
		}
		b.WriteString("</g>\n")
	}
	return template.HTML(b.String())
}
