package web

import (
	"strings"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/report"
)

func TestRateBars(t *testing.T) {
	rows := []figureRow{
		{Label: "Springfield Public Schools and a very long organization name", Counts: report.Counts{Pairs: 4, Credit: 3, ExpLtD0: 1}},
		{Label: "Nobody counted"},
	}
	ch := rateBars("c", "Completion rate by organization", rows)
	if len(ch.Rows) != 2 || ch.Rows[0].W != barTrackW/2 || ch.Rows[0].Value != "50.0% (2 of 4)" {
		t.Errorf("first bar: %+v", ch.Rows[0])
	}
	if !ch.Rows[1].Absent || ch.Rows[1].Value != "no one counted" {
		t.Errorf("a group without anyone has no bar: %+v", ch.Rows[1])
	}
	if !strings.HasSuffix(ch.Rows[0].Label, "…") || !strings.Contains(ch.Desc, "Springfield Public Schools and a very long organization name: 50.0% (2 of 4)") {
		t.Errorf("label %q, desc %q", ch.Rows[0].Label, ch.Desc)
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
		`<text x="210" y="18" text-anchor="end" fill="#1b1f24">Schools &lt;North&gt; &amp; South</text>`,
		`<rect x="220" y="4" width="280" height="18" fill="#ffffff" stroke="#4a5563" stroke-width="1"/>`,
		`<rect x="220" y="4" width="140" height="18" fill="#0b4f8a"/>`,
		`<text x="508" y="18" fill="#1b1f24">50.0% (2 of 4)</text>`,
		`<text x="508" y="46" fill="#1b1f24">no one counted</text>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("rows lack %s\n%s", want, got)
		}
	}
	if strings.Count(got, `fill="#0b4f8a"`) != 1 {
		t.Error("a group without anyone counted has a bar")
	}
}
