package web

import (
	"html"
	"html/template"
	"strconv"
	"strings"
)

// Cells is a breakdown row's eight figure cells, each count linked to the
// people behind it. A statewide or district dashboard has hundreds of
// rows, and as a template partial these cells were most of the page's
// CPU (every action is a reflective call); here they are written
// directly, every link and text escaped.
func (r figureRow) Cells() template.HTML {
	var b strings.Builder
	b.Grow(900)
	link := func(status string, n int) {
		b.WriteString(`<a href="`)
		b.WriteString(html.EscapeString(r.People(status)))
		b.WriteString(`">`)
		b.WriteString(strconv.Itoa(n))
		b.WriteString(`</a>`)
	}
	cell := func(status string, n int) {
		b.WriteString(`<td class="num">`)
		link(status, n)
		b.WriteString("</td>\n")
	}
	cell("all", r.Pairs)
	cell("complete", r.Complete())
	b.WriteString(`<td class="num">` + html.EscapeString(r.RateText()) + "</td>\n")
	b.WriteString(`<td class="num">` + html.EscapeString(r.OnTimeText()) + ` <span class="small">(`)
	link("on-time", r.OnTime)
	b.WriteString(" of ")
	link("came-due", r.CameDue())
	b.WriteString(")</span></td>\n")
	cell("overdue", r.Overdue())
	cell("due-soon", r.DueSoon())
	cell("expiring", r.Expiring())
	cell("lapsed", r.Lapsed())
	return template.HTML(b.String())
}
