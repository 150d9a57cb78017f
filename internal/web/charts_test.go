package web

import (
	"html"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/waymark/waymark/internal/report"
)

func TestRateBars(t *testing.T) {
	rows := []figureRow{
		{Label: "Springfield Public Schools and a very long organization name", Counts: report.Counts{Pairs: 4, Credit: 3, ExpLtD0: 1}},
		{Label: "Nobody counted"},
	}
	ch := rateBars("c", "Completion rate by organization", rows)
	if len(ch.Rows) != 2 || ch.Rows[0].W != 50 || ch.Rows[0].Value != "50.0% (2 of 4)" {
		t.Errorf("first bar: %+v", ch.Rows[0])
	}
	if !ch.Rows[1].Absent || ch.Rows[1].Value != "no one counted" {
		t.Errorf("a group without anyone has no bar: %+v", ch.Rows[1])
	}
	if got := strings.Join(ch.Rows[0].Lines, " "); got != "Springfield Public Schools and a very long organization name: 50.0% (2 of 4)" ||
		!strings.Contains(ch.Desc, "Springfield Public Schools and a very long organization name: 50.0% (2 of 4)") {
		t.Errorf("lines %q, desc %q", ch.Rows[0].Lines, ch.Desc)
	}
}

// svgText matches one text element of a bar chart's rows.
var svgText = regexp.MustCompile(`<text x="([^"]+)" y="\d+"( text-anchor="[a-z]+")? fill="[^"]+">([^<]*)</text>`)

// TestBarChartLabelsAreNeverCut: every label line starts at the chart's
// left edge and holds what fits the narrowest screen, so no text runs off
// either side; the full name is each row's <title> and in the description.
func TestBarChartLabelsAreNeverCut(t *testing.T) {
	long := "Hampden County Children's Advocacy Center"
	names := []string{long, "Berkshire County Sexual Assault Nurse Examiner Program of Western Massachusetts and the Hilltowns",
		"Supercalifragilisticexpialidociousandmoreandmore Unit", "A", "Springfield"}
	var rows []figureRow
	for i, n := range names {
		rows = append(rows, figureRow{Label: n, Counts: report.Counts{Pairs: 1234 + i, Credit: 1000}})
	}
	ch := rateBars("c", "Completion rate by organization", rows)
	svg := string(ch.RowsSVG())
	texts := svgText.FindAllStringSubmatch(svg, -1)
	if len(texts) < len(names) {
		t.Fatalf("%d text elements for %d rows:\n%s", len(texts), len(names), svg)
	}
	// 320 px less the page's padding leaves 288 px; at 13 px a character
	// of the system font averages under 7.6 px.
	const narrowest, glyph = 288.0, 7.6
	for _, m := range texts {
		line := html.UnescapeString(m[3])
		if m[1] != "0" || m[2] != "" {
			t.Errorf("%q is not anchored at the left edge (x=%s%s)", line, m[1], m[2])
		}
		if w := float64(utf8.RuneCountInString(line)) * glyph; w > narrowest {
			t.Errorf("%q is about %.0f px wide, more than the %v px of a 320 px screen", line, w, narrowest)
		}
	}
	for i, n := range names {
		if !strings.Contains(svg, "<title>"+html.EscapeString(n)+": "+ch.Rows[i].Value+"</title>") {
			t.Errorf("row %q has no <title> with its full name", n)
		}
		if !strings.Contains(ch.Desc, n+": ") {
			t.Errorf("the description lacks %q", n)
		}
	}
	if got := strings.Join(ch.Rows[0].Lines, " "); got != long+": 81.0% (1000 of 1234)" {
		t.Errorf("the Hampden label is shown as %q", got)
	}
	if strings.Contains(svg, "ampden County Children's Adv…") && !strings.Contains(svg, "Hampden") {
		t.Error("the label is cut")
	}
	if last := ch.Rows[1].Lines; len(last) != barMaxLines || !strings.HasSuffix(last[len(last)-2], "…") {
		t.Errorf("a name too long for two lines is abbreviated: %q", last)
	}
	if !strings.Contains(svg, `width="100%"`) || strings.Contains(svg, "viewBox") {
		t.Error("the bars do not span the chart's width")
	}
}

func TestTrendCharts(t *testing.T) {
	var pts []report.TrendPoint
	for i := 0; i < 12; i++ {
		pts = append(pts, report.TrendPoint{Month: time.Date(2025, time.Month(4+i), 1, 0, 0, 0, 0, time.UTC), Completions: i, Complete: i, Pairs: 11})
	}
	pts[0].Pairs = 0
	rate := rateTrend("r", pts)
	if rate.Points[0].Present || !rate.Points[11].Present || strings.Count(rate.Line, ",") != 11 {
		t.Errorf("a month without anyone counted has no point: %+v", rate.Points[0])
	}
	if rate.Points[11].Value != "100%" || rate.Points[11].Y != rate.PlotY {
		t.Errorf("11 of 11 sits at the top: %+v", rate.Points[11])
	}
	cols := completionColumns("c", pts)
	if cols.Columns[11].H != cols.PlotH*11/20 || cols.Grid[2].Label != "20" {
		t.Errorf("columns scale to a round 20: %+v %+v", cols.Columns[11], cols.Grid)
	}
	for n, want := range map[int]int{0: 4, 1: 4, 4: 4, 5: 8, 9: 20, 37: 40, 41: 80, 1234: 2000} {
		if got := niceCeil(n); got != want {
			t.Errorf("niceCeil(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestBarChartRowsSVG(t *testing.T) {
	ch := rateBars("c", "Completion rate by organization", []figureRow{
		{Label: "Schools <North> & South", Counts: report.Counts{Pairs: 4, Credit: 3, ExpLtD0: 1}},
		{Label: "Nobody counted"},
	})
	got := string(ch.RowsSVG())
	for _, want := range []string{
		`<g><title>Schools &lt;North&gt; &amp; South: 50.0% (2 of 4)</title>`,
		`<text x="0" y="17" fill="#1b1f24">Schools &lt;North&gt; &amp; South:</text>`,
		`<text x="0" y="34" fill="#1b1f24">50.0% (2 of 4)</text>`,
		`<rect x="0" y="41" width="100%" height="14" fill="#ffffff" stroke="#4a5563" stroke-width="1"/>`,
		`<rect x="0" y="41" width="50.0%" height="14" fill="#0b4f8a"/>`,
		`Nobody counted: no one counted</text>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("rows lack %s\n%s", want, got)
		}
	}
	if strings.Count(got, `fill="#0b4f8a"`) != 1 {
		t.Error("a group without anyone counted has a bar")
	}
	if ch.Height != ch.Rows[1].BarY+barHeight+barGap {
		t.Errorf("height %d does not end after the last bar", ch.Height)
	}
}
