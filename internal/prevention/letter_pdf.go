package prevention

import (
	"strconv"

	"github.com/waymark/waymark/internal/pdf"
)

// Letter layout, in points.
const (
	letterBody    = 10.5
	letterLeading = 14.0
	bulletIndent  = 14.0
)

// renderLetter lays the letter out on US Letter pages.
func renderLetter(l letter) ([]byte, error) {
	meta := pdf.Meta{Title: l.title + ": " + l.subtitle, Author: "Waymark", Subject: "G.L. c.71 §32A", Lang: "en-US"}
	if l.lang == LangSpanish {
		meta.Lang = "es"
	}
	d := pdf.NewLetter(meta)
	left, top, _, bottom := d.Margins()
	_, pageH := d.PageSize()
	w := d.ContentWidth()
	d.OnPageEnd(func(page int) {
		d.SetFont(pdf.Style{Size: 8})
		d.SetGray(90)
		d.TextIn(left, pageH-bottom+18, w, l.footer+" · "+strconv.Itoa(page), pdf.Center)
		d.SetGray(0)
	})
	d.AddPage()
	y := top
	// room makes sure h points fit on the page, starting a new one if not.
	room := func(h float64) {
		if y+h > pageH-bottom {
			d.AddPage()
			y = top
		}
	}
	d.SetFont(pdf.Style{Family: pdf.Serif, Bold: true, Size: 18})
	y = d.Paragraph(left, y, w, 22, l.title, pdf.Left)
	d.SetFont(pdf.Style{Family: pdf.Sans, Size: 12})
	y = d.Paragraph(left, y+2, w, 16, l.subtitle, pdf.Left)
	d.SetFont(pdf.Style{Size: letterBody})
	d.TextIn(left, y+4, w, l.date, pdf.Right)
	y += 28
	for _, b := range l.blocks {
		switch b.kind {
		case "h":
			room(3 * letterLeading)
			d.SetFont(pdf.Style{Family: pdf.Sans, Bold: true, Size: 12})
			y = d.Paragraph(left, y+6, w, 16, b.text, pdf.Left)
		case "p":
			room(letterLeading)
			d.SetFont(pdf.Style{Family: pdf.Sans, Size: letterBody})
			y = d.Paragraph(left, y+3, w, letterLeading, b.text, pdf.Left)
		case "li", "li2":
			indent := bulletIndent
			mark := "•"
			if b.kind == "li2" {
				indent, mark = 2*bulletIndent, "–"
			}
			room(letterLeading)
			d.SetFont(pdf.Style{Family: pdf.Sans, Size: letterBody})
			d.Text(left+indent-10, y+2, mark)
			y = d.Paragraph(left+indent, y+2, w-indent, letterLeading, b.text, pdf.Left)
		case "slip":
			room(9 * letterLeading)
			y += 14
			for x := left; x < left+w; x += 8 {
				d.Line(x, y, x+4, y, 0.6)
			}
			d.SetFont(pdf.Style{Family: pdf.Sans, Bold: true, Size: 11})
			y = d.Paragraph(left, y+10, w, 15, b.text, pdf.Left)
			d.SetFont(pdf.Style{Family: pdf.Sans, Size: letterBody})
			for i, line := range b.sub {
				gap := 4.0
				if i == 1 || i == 2 {
					gap = 14
				}
				y = d.Paragraph(left, y+gap, w, letterLeading, line, pdf.Left)
			}
		}
	}
	return d.Bytes()
}
