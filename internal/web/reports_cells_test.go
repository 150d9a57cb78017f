package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/waymark/waymark/internal/report"
)

// TestFigureCells checks the written-out figure cells: each count links
// to its drill-down with the row's filters, the links are escaped for an
// attribute, and the rates read as text.
func TestFigureCells(t *testing.T) {
	r := figureRow{Label: "Role <x>", filters: url.Values{"role": {`a"b&c`}},
		Counts: report.Counts{Pairs: 10, Completed: 6, OnTime: 5, Credit: 7, ExpLtD0: 1, DueLtD0: 2, DueLtD14: 3, ExpLtD30: 4}}
	got := string(r.Cells())
	want := []string{
		`<td class="num"><a href="/manage/people?role=a%22b%26c">10</a></td>`,
		`<td class="num"><a href="/manage/people?role=a%22b%26c&amp;status=complete">6</a></td>`,
		`<td class="num">60.0%</td>`,
		`<td class="num">62.5% <span class="small">(<a href="/manage/people?role=a%22b%26c&amp;status=on-time">5</a> of <a href="/manage/people?role=a%22b%26c&amp;status=came-due">8</a>)</span></td>`,
		`status=overdue">2</a>`, `status=due-soon">1</a>`, `status=expiring">3</a>`, `status=lapsed">1</a>`,
	}
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("cells lack %s\n%s", w, got)
		}
	}
	if n := strings.Count(got, "<td "); n != 8 {
		t.Errorf("%d cells, want 8", n)
	}
	empty := string(figureRow{}.Cells())
	if !strings.Contains(empty, `<td class="num">—</td>`) || !strings.Contains(empty, `href="/manage/people">0</a>`) {
		t.Errorf("a row without anyone: %s", empty)
	}
}

// TestOrgOptions checks the drill-down's organization options: escaped
// labels and the chosen one selected.
func TestOrgOptions(t *testing.T) {
	p := peoplePage{Filter: report.Filter{Org: 7}, Orgs: []orgChoice{{ID: 3, Label: "North & <South>"}, {ID: 7, Label: "– Unit"}}}
	want := `<option value="3">North &amp; &lt;South&gt;</option><option value="7" selected>– Unit</option>`
	if got := string(p.OrgOptions()); got != want {
		t.Errorf("options:\n%s\nwant:\n%s", got, want)
	}
}
