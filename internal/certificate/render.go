package certificate

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/skip2/go-qrcode"

	"github.com/waymark/waymark/internal/pdf"
	"github.com/waymark/waymark/internal/store"
)

// QR encodes url as a QR code (medium error correction): its modules row
// by row, true for dark, with the four-module quiet zone around them. The
// certificate draws exactly these modules.
func QR(url string) ([][]bool, error) {
	q, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("certificate: qr: %w", err)
	}
	return q.Bitmap(), nil
}

// Page geometry of the landscape Letter certificate, in points.
const (
	pageW, pageH = 792.0, 612.0
	frame        = 28.0
	inner        = 36.0
	qrSize       = 104.0
)

// RenderPDF writes the certificate of d as a one-page landscape Letter
// PDF, from the cache when the same certificate was rendered lately.
func (s *Service) RenderPDF(w io.Writer, d store.CertificateDetails) error {
	url := s.VerifyURL(d.Code)
	key := cacheKey(d, url, s.loc)
	if pdf, ok := s.cache.get(key); ok {
		_, err := w.Write(pdf)
		return err
	}
	var buf bytes.Buffer
	if err := Render(&buf, d, url, s.loc); err != nil {
		return err
	}
	s.cache.put(key, buf.Bytes())
	_, err := w.Write(buf.Bytes())
	return err
}

// Render writes the certificate of d: the person, their job role and
// organization, the course title and version, minutes, completion and
// expiry dates, score, the code and a QR code to verifyURL, under the
// program name. Only grey levels are used, so it prints the same in
// greyscale.
func Render(w io.Writer, d store.CertificateDetails, verifyURL string, loc *time.Location) error {
	qr, err := QR(verifyURL)
	if err != nil {
		return err
	}
	doc := pdf.NewLandscape(pdf.Meta{
		Title:   "Certificate of completion: " + d.CourseTitle + " — " + d.PersonName,
		Author:  "Waymark",
		Subject: ProgramName,
		Lang:    "en-US",
		Created: d.IssuedAt,
	})
	doc.SetMargins(inner, inner, inner, inner)
	doc.AddPage()
	drawFrame(doc)
	drawHeading(doc, d)
	drawFacts(doc, d, loc)
	drawVerification(doc, d, verifyURL, qr, loc)
	return doc.Output(w)
}

func drawFrame(doc *pdf.Doc) {
	doc.SetGray(40)
	doc.Rect(frame, frame, pageW-2*frame, pageH-2*frame, 2.5, false)
	doc.SetGray(140)
	doc.Rect(frame+6, frame+6, pageW-2*frame-12, pageH-2*frame-12, 0.6, false)
	doc.SetGray(0)
}

// centered writes a line across the text width, shrinking the type (down
// to min) before it would shorten the text.
func centered(doc *pdf.Doc, y float64, s string, st pdf.Style, min float64) {
	const width = pageW - 2*inner - 40
	for st.Size > min {
		doc.SetFont(st)
		if doc.TextWidth(s) <= width {
			break
		}
		st.Size--
	}
	doc.SetFont(st)
	doc.TextIn(inner+20, y, width, s, pdf.Center)
}

func drawHeading(doc *pdf.Doc, d store.CertificateDetails) {
	sans, serif := pdf.Style{Family: pdf.Sans}, pdf.Style{Family: pdf.Serif, Bold: true}
	doc.SetGray(70)
	sans.Size = 9.5
	doc.SetFont(sans)
	doc.Paragraph(inner+24, 58, pageW-2*inner-48, 12, ProgramName, pdf.Center)
	doc.SetGray(0)
	serif.Size = 30
	centered(doc, 104, "Certificate of Completion", serif, 24)
	doc.SetGray(90)
	doc.Line(pageW/2-90, 150, pageW/2+90, 150, 0.8)
	doc.SetGray(60)
	sans.Size = 12
	centered(doc, 164, "This certifies that", sans, 12)
	doc.SetGray(0)
	serif.Size = 32
	centered(doc, 186, d.PersonName, serif, 12)
	doc.SetGray(40)
	sans.Size = 13
	centered(doc, 232, joinNonEmpty(" · ", d.JobRole, d.OrgName), sans, 9)
	doc.SetGray(60)
	sans.Size = 12
	centered(doc, 262, "has completed the course", sans, 12)
	doc.SetGray(0)
	serif.Size = 21
	centered(doc, 284, d.CourseTitle, serif, 9)
	doc.SetGray(40)
	sans.Size = 12
	centered(doc, 318, joinNonEmpty(" · ", d.CourseCode, "Version "+d.CourseVersion), sans, 10)
}

// drawFacts sets the dated facts in labelled columns across the page.
func drawFacts(doc *pdf.Doc, d store.CertificateDetails, loc *time.Location) {
	facts := [][2]string{
		{"Completed", longDate(d.CompletedAt, loc)},
		{"Expires", expiry(d.ExpiresAt, loc)},
		{"Score", strconv.Itoa(d.Score) + "%"},
		{"Training time", minutes(d.Minutes)},
	}
	const top, colW = 360.0, 150.0
	x := (pageW - colW*float64(len(facts))) / 2
	doc.SetGray(150)
	doc.Line(x, top-8, x+colW*float64(len(facts)), top-8, 0.5)
	for _, f := range facts {
		doc.SetGray(80)
		doc.SetFont(pdf.Style{Family: pdf.Sans, Size: 9})
		doc.TextIn(x, top, colW, f[0], pdf.Center)
		doc.SetGray(0)
		doc.SetFont(pdf.Style{Family: pdf.Sans, Size: 13})
		doc.TextIn(x, top+14, colW, f[1], pdf.Center)
		x += colW
	}
}

func drawVerification(doc *pdf.Doc, d store.CertificateDetails, verifyURL string, qr [][]bool, loc *time.Location) {
	const top = 444.0
	x := pageW - inner - 24 - qrSize
	doc.SetGray(0)
	doc.Modules(x, top, qrSize, qr)
	doc.Link(x, top, qrSize, qrSize, verifyURL)
	left, textW := inner+34, x-inner-34-24
	doc.SetGray(80)
	doc.SetFont(pdf.Style{Family: pdf.Sans, Size: 9})
	doc.Text(left, top+6, "Verification code")
	doc.SetGray(0)
	doc.SetFont(pdf.Style{Family: pdf.Sans, Size: 16})
	doc.Text(left, top+20, Format(d.Code))
	doc.SetGray(60)
	doc.SetFont(pdf.Style{Family: pdf.Sans, Size: 9.5})
	y := doc.Paragraph(left, top+48, textW, 13,
		"Anyone can check this certificate by scanning the code or visiting:", pdf.Left)
	doc.SetGray(0)
	doc.SetFont(pdf.Style{Family: pdf.Sans, Size: 10})
	if tw := doc.TextWidth(verifyURL); tw > textW {
		// A long BASE_URL is set smaller: an address must never be shortened.
		doc.SetFont(pdf.Style{Family: pdf.Sans, Size: 10 * textW / tw * 0.97})
	}
	doc.TextIn(left, y, textW, verifyURL, pdf.Left)
	doc.Link(left, y, doc.TextWidth(verifyURL), 13, verifyURL)
	doc.SetGray(60)
	doc.SetFont(pdf.Style{Family: pdf.Sans, Size: 8.5})
	doc.Text(left, y+22, "Issued "+longDate(d.IssuedAt, loc)+" by Waymark.")
}

func longDate(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("January 2, 2006")
}

func expiry(t *time.Time, loc *time.Location) string {
	if t == nil {
		return "Does not expire"
	}
	return longDate(*t, loc)
}

func minutes(n int) string {
	if n == 1 {
		return "1 minute"
	}
	return strconv.Itoa(n) + " minutes"
}

func joinNonEmpty(sep string, parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += sep
		}
		out += p
	}
	return out
}
