package certificate

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/waymark/waymark/internal/pdf"
	"github.com/waymark/waymark/internal/store"
)

// Person is who a transcript is about.
type Person struct {
	Name    string
	OrgName string
	JobRole string
}

// transcript columns: heading, width in points, alignment.
var transcriptCols = []struct {
	head  string
	w     float64
	align pdf.Align
}{
	{"Course", 130, pdf.Left},
	{"Version", 44, pdf.Left},
	{"Completed", 58, pdf.Left},
	{"Expires", 58, pdf.Left},
	{"Score", 36, pdf.Right},
	{"Minutes", 46, pdf.Right},
	{"Certificate code", 132, pdf.Left},
}

// codeCol is the certificate code's column, set on one line however wide.
const codeCol = 6

const (
	tMargin   = 54.0
	tLine     = 11.5
	tRowPad   = 5.0
	tFontSize = 8.5
)

// RenderTranscript writes a person's training transcript: every
// completion across every cycle, oldest first, with course, version,
// completion and expiry dates, score, minutes and certificate code, for
// court or POST Commission audits. Portrait Letter, continued on as many
// pages as it needs, each with the column headings and a page number.
func (s *Service) RenderTranscript(w io.Writer, p Person, rows []store.CertificateDetails) error {
	return RenderTranscript(w, p, rows, s.baseURL+"/verify", s.now(), s.loc)
}

// RenderTranscript is the service method's rendering with every input given.
func RenderTranscript(w io.Writer, p Person, rows []store.CertificateDetails, verifyBase string, now time.Time, loc *time.Location) error {
	doc := pdf.NewLetter(pdf.Meta{
		Title: "Training transcript — " + p.Name, Author: "Waymark", Subject: ProgramName,
		Lang: "en-US", Created: now,
	})
	doc.SetMargins(tMargin, tMargin, tMargin, tMargin+18)
	_, pageHeight := doc.PageSize()
	doc.OnPageEnd(func(page int) {
		doc.SetGray(90)
		doc.SetFont(pdf.Style{Family: pdf.Sans, Size: 8})
		doc.TextIn(tMargin, pageHeight-tMargin, doc.ContentWidth(),
			p.Name+" · generated "+longDate(now, loc)+" · page "+strconv.Itoa(page), pdf.Right)
		doc.TextIn(tMargin, pageHeight-tMargin, doc.ContentWidth(), "Verify any code at "+verifyBase, pdf.Left)
		doc.SetGray(0)
	})
	doc.AddPage()
	y := transcriptHeader(doc, p, now, loc)
	y = columnHeads(doc, y)
	bottom := pageHeight - tMargin - 24
	total := 0
	for _, r := range rows {
		cells := transcriptCells(r, loc)
		doc.SetFont(pdf.Style{Family: pdf.Sans, Size: tFontSize})
		lines := make([][]string, len(cells))
		height := 1
		for i, c := range cells {
			if i == codeCol {
				lines[i] = strings.Split(c, "\n") // a code is never broken
			} else {
				lines[i] = doc.Wrap(c, transcriptCols[i].w-6)
			}
			height = max(height, len(lines[i]))
		}
		rowH := float64(height)*tLine + tRowPad
		if y+rowH > bottom {
			doc.AddPage()
			y = columnHeads(doc, tMargin)
		}
		x := tMargin
		for i, col := range transcriptCols {
			for j, l := range lines[i] {
				if i == codeCol {
					fitSize(doc, l, col.w-6)
				}
				doc.TextIn(x, y+float64(j)*tLine, col.w-6, l, col.align)
				doc.SetFont(pdf.Style{Family: pdf.Sans, Size: tFontSize})
			}
			x += col.w
		}
		y += rowH
		doc.SetGray(200)
		doc.Line(tMargin, y-tRowPad/2, tMargin+doc.ContentWidth(), y-tRowPad/2, 0.4)
		doc.SetGray(0)
		total += r.Minutes
	}
	if len(rows) == 0 {
		doc.SetFont(pdf.Style{Family: pdf.Sans, Size: 10})
		doc.Text(tMargin, y+4, "No completed training is recorded yet.")
		y += 20
	}
	doc.SetFont(pdf.Style{Family: pdf.Sans, Bold: true, Size: 9.5})
	if y+30 > bottom {
		doc.AddPage()
		y = tMargin
	}
	doc.Text(tMargin, y+8, strconv.Itoa(len(rows))+" completions · "+minutes(total)+" of training in total")
	return doc.Output(w)
}

// fitSize sets the type smaller, when it must, so s fits in w on one line.
func fitSize(doc *pdf.Doc, s string, w float64) {
	if tw := doc.TextWidth(s); tw > w {
		doc.SetFont(pdf.Style{Family: pdf.Sans, Size: tFontSize * w / tw * 0.97}) // a margin for rounding
	}
}

func transcriptHeader(doc *pdf.Doc, p Person, now time.Time, loc *time.Location) float64 {
	doc.SetFont(pdf.Style{Family: pdf.Serif, Bold: true, Size: 20})
	doc.Text(tMargin, tMargin, "Training transcript")
	doc.SetFont(pdf.Style{Family: pdf.Serif, Bold: true, Size: 14})
	doc.Text(tMargin, tMargin+32, p.Name)
	doc.SetFont(pdf.Style{Family: pdf.Sans, Size: 10})
	doc.SetGray(40)
	y := doc.Paragraph(tMargin, tMargin+52, doc.ContentWidth(), 13, joinNonEmpty(" · ", p.JobRole, p.OrgName), pdf.Left)
	doc.SetGray(80)
	doc.SetFont(pdf.Style{Family: pdf.Sans, Size: 8.5})
	y = doc.Paragraph(tMargin, y+2, doc.ContentWidth(), 11, ProgramName, pdf.Left)
	y = doc.Paragraph(tMargin, y, doc.ContentWidth(), 11,
		"Generated "+longDate(now, loc)+". Every completion is listed, across every renewal cycle; each certificate code can be checked on the verification page.", pdf.Left)
	doc.SetGray(0)
	return y + 12
}

func columnHeads(doc *pdf.Doc, y float64) float64 {
	doc.SetFont(pdf.Style{Family: pdf.Sans, Bold: true, Size: tFontSize})
	x := tMargin
	for _, c := range transcriptCols {
		doc.TextIn(x, y, c.w-6, c.head, c.align)
		x += c.w
	}
	doc.Line(tMargin, y+tLine+1, tMargin+doc.ContentWidth(), y+tLine+1, 0.8)
	return y + tLine + 6
}

func transcriptCells(r store.CertificateDetails, loc *time.Location) []string {
	code := Format(r.Code)
	if r.RevokedAt != nil {
		code += "\nrevoked " + r.RevokedAt.In(loc).Format("2006-01-02")
	}
	expires := "no expiry"
	if r.ExpiresAt != nil {
		expires = r.ExpiresAt.In(loc).Format("2006-01-02")
	}
	course := r.CourseTitle
	if r.CourseCode != "" {
		course = r.CourseCode + " — " + course
	}
	return []string{course, r.CourseVersion, r.CompletedAt.In(loc).Format("2006-01-02"), expires,
		strconv.Itoa(r.Score) + "%", strconv.Itoa(r.Minutes), code}
}
