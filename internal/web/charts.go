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

// BarChart is a horizontal bar chart of rates, one row per group.
type BarChart struct {
	ID, Title, Desc string
	Width, Height   int
	BarX, TrackW    int // where bars start and the width of 100%
	BarH            int
	Rows            []BarRow
}

// BarRow is one bar with its label and value text.
type BarRow struct {
	Label            string
	Value            string
	Y, W, TextY      int
	ValueX           int
	LabelX           int
	HasValue, Absent bool // Absent: no denominator, no bar
}

const (
	chartWidth = 640
	barLabelW  = 210
	barTrackW  = 280
	barRowH    = 28
	barHeight  = 18
)

// rateBars charts the completion rate of each row.
func rateBars(id, title string, groups []figureRow) BarChart {
	ch := BarChart{ID: id, Title: title, Width: chartWidth, BarX: barLabelW + 10, TrackW: barTrackW, BarH: barHeight,
		Height: barRowH*len(groups) + 8}
	var desc []string
	for i, g := range groups {
		y := 4 + i*barRowH
		r := BarRow{Label: shorten(g.Label, 30), Y: y, TextY: y + barHeight - 4, LabelX: barLabelW}
		if rate, ok := g.CompletionRate(); ok {
			r.W = int(rate*float64(barTrackW) + 0.5)
			r.Value = fmt.Sprintf("%s (%d of %d)", pctText(rate), g.Complete(), g.Pairs)
		} else {
			r.Absent, r.Value = true, "no one counted"
		}
		r.ValueX = ch.BarX + barTrackW + 8
		ch.Rows = append(ch.Rows, r)
		desc = append(desc, g.Label+": "+r.Value)
	}
	ch.Desc = "Completion rate. " + strings.Join(desc, "; ") + "."
	return ch
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
// they were most of the dashboard's rendering time. Labels and values are
// escaped.
func (ch BarChart) RowsSVG() template.HTML {
	var b strings.Builder
	num := strconv.Itoa
	for _, r := range ch.Rows {
		b.WriteString(`<text x="` + num(r.LabelX) + `" y="` + num(r.TextY) + `" text-anchor="end" fill="#1b1f24">` + html.EscapeString(r.Label) + "</text>\n")
		b.WriteString(`<rect x="` + num(ch.BarX) + `" y="` + num(r.Y) + `" width="` + num(ch.TrackW) + `" height="` + num(ch.BarH) + `" fill="#ffffff" stroke="#4a5563" stroke-width="1"/>` + "\n")
		if !r.Absent {
			b.WriteString(`<rect x="` + num(ch.BarX) + `" y="` + num(r.Y) + `" width="` + num(r.W) + `" height="` + num(ch.BarH) + `" fill="#0b4f8a"/>` + "\n")
		}
		b.WriteString(`<text x="` + num(r.ValueX) + `" y="` + num(r.TextY) + `" fill="#1b1f24">` + html.EscapeString(r.Value) + "</text>\n")
	}
	return template.HTML(b.String())
}
