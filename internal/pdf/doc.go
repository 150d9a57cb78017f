// Package pdf is Waymark's only door to gofpdf: Letter documents in
// portrait or landscape, with text, line, image and metadata helpers. Each
// piece of text (one call of Text, TextWidth, Paragraph…) is set in the PDF
// standard fonts (Helvetica, Times) when Windows-1252 can encode all of it,
// and otherwise in embedded UTF-8 TrueType fonts (DejaVu for Latin scripts
// such as Vietnamese, Greek and Cyrillic, Droid Sans Fallback for Chinese,
// Japanese and Korean, chosen per stretch of text). Units are PostScript points (1/72 inch); y grows downwards from
// the top of the page. Colours are grey levels so output prints the same in
// greyscale.
//
//	d := pdf.NewLetter(pdf.Meta{Title: "Carta", Lang: "es", Author: "Waymark"})
//	d.AddPage()
//	d.SetFont(pdf.Style{Family: pdf.Serif, Bold: true, Size: 18})
//	d.Text(72, 72, "Estimada familia")
//	d.SetFont(pdf.Style{Size: 11})
//	y := d.Paragraph(72, 100, d.ContentWidth(), 15, body, pdf.Left)
//	err := d.Output(w)
//
// A Doc is not safe for concurrent use; make one per document. Font files
// are read and measured once per process; gofpdf still parses and subsets
// each TrueType face a document uses (about 10 ms each, the CJK face far
// more), which is why text the standard fonts can set never touches them.
package pdf

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"
)

// Meta is the document information a PDF reader and a screen reader show.
type Meta struct {
	Title    string
	Author   string
	Subject  string
	Keywords string
	Creator  string    // default "Waymark"
	Lang     string    // BCP 47 tag for the catalog's /Lang, e.g. "en-US", "es"
	Created  time.Time // default now; fix it for reproducible output
}

// Align places a line of text in its box.
type Align int

const (
	Left Align = iota
	Center
	Right
)

func (a Align) gofpdf() string {
	switch a {
	case Center:
		return "C"
	case Right:
		return "R"
	}
	return "L"
}

// Style selects a face and size in points.
type Style struct {
	Family Family
	Bold   bool
	Size   float64
}

// Doc is one PDF document being built.
type Doc struct {
	f      *gofpdf.Fpdf
	meta   Meta
	faces  map[string]*face
	added  map[*face]bool
	style  Style
	margin float64
	err    error
	// What gofpdf has selected, so that setting it again, which gofpdf
	// writes out again, is skipped; gray -1 and a nil face are unknown.
	gray     int
	selected struct {
		face *face
		size float64
	}
}

// NewLetter starts a portrait US Letter document (612 × 792 pt) with
// one-inch margins.
func NewLetter(m Meta) *Doc { return newDoc("P", m) }

// NewLandscape starts a landscape US Letter document (792 × 612 pt) with
// one-inch margins.
func NewLandscape(m Meta) *Doc { return newDoc("L", m) }

func newDoc(orientation string, m Meta) *Doc {
	f := gofpdf.NewCustom(&gofpdf.InitType{OrientationStr: orientation, UnitStr: "pt", SizeStr: "Letter"})
	d := &Doc{f: f, meta: m, added: map[*face]bool{}, margin: 72, gray: -1}
	d.faces, d.err = loadFaces()
	if m.Creator == "" {
		m.Creator = "Waymark"
	}
	if m.Created.IsZero() {
		m.Created = time.Now()
	}
	f.SetTitle(m.Title, true)
	f.SetAuthor(m.Author, true)
	f.SetSubject(m.Subject, true)
	f.SetKeywords(m.Keywords, true)
	f.SetCreator(m.Creator, true)
	f.SetCreationDate(m.Created)
	f.SetModificationDate(m.Created)
	f.SetDisplayMode("fullpage", "single")
	f.SetCompression(false) // finish deflates the streams

	f.SetMargins(72, 72, 72)
	f.SetAutoPageBreak(true, 72)
	f.SetCellMargin(0)
	d.SetGray(0)
	d.style = Style{Size: 11}
	return d
}

// SetMargins sets the left, top, right and bottom margins; text that
// flows past the bottom margin starts a new page.
func (d *Doc) SetMargins(left, top, right, bottom float64) {
	d.f.SetMargins(left, top, right)
	d.f.SetAutoPageBreak(true, bottom)
	d.margin = left
}

// AddPage starts a new page; the current style carries over.
func (d *Doc) AddPage() { d.f.AddPage() }

// OnPageStart runs fn at the start of every page (a running header);
// OnPageEnd runs fn with the page number at the end of every page.
func (d *Doc) OnPageStart(fn func()) { d.f.SetHeaderFunc(func() { fn(); d.forget() }) }

// OnPageEnd runs fn with the page number at the end of every page (a footer).
func (d *Doc) OnPageEnd(fn func(page int)) {
	d.f.SetFooterFunc(func() { fn(d.f.PageNo()); d.forget() })
}

// forget what gofpdf has selected: after a header or footer, gofpdf puts
// back the grey and font that were selected before the page break.
func (d *Doc) forget() {
	d.gray = -1
	d.selected.face = nil
}

// PageSize is the page's width and height in points.
func (d *Doc) PageSize() (w, h float64) { return d.f.GetPageSize() }

// ContentWidth is the page width less the left and right margins.
func (d *Doc) ContentWidth() float64 {
	w, _ := d.f.GetPageSize()
	l, _, r, _ := d.f.GetMargins()
	return w - l - r
}

// Margins returns the left, top, right and bottom margins.
func (d *Doc) Margins() (left, top, right, bottom float64) { return d.f.GetMargins() }

// Y is where the last flowing text ended; SetY moves it.
func (d *Doc) Y() float64 { return d.f.GetY() }

// SetY moves the flowing position and resets x to the left margin.
func (d *Doc) SetY(y float64) { d.f.SetY(y) }

// SetFont selects the face for later text; a zero Size keeps the size.
// A face is selected in gofpdf only when text is set or measured in it (a
// TrueType face is parsed into the document then, since each costs
// milliseconds per document).
func (d *Doc) SetFont(s Style) {
	if s.Size == 0 {
		s.Size = d.style.Size
	}
	d.style = s
}

// primary is the embedded Latin face of the current style.
func (d *Doc) primary() *face { return d.faces[faceKey(d.style.Family, d.style.Bold)] }

// core is the standard font of the current style.
func (d *Doc) core() *face { return coreFaces[faceKey(d.style.Family, d.style.Bold)] }

// use registers a face with gofpdf the first time and selects it.
func (d *Doc) use(fc *face) {
	if d.err != nil || fc == nil {
		return
	}
	if !fc.core && !d.added[fc] {
		// Each document gets its own copy: gofpdf pads table slices in
		// place (append within the font's bytes) while subsetting, so a
		// shared slice would be written by concurrent documents.
		d.f.AddUTF8FontFromBytes(fc.key, fc.style, append([]byte(nil), fc.bytes...))
		d.added[fc] = true
	}
	if d.selected.face != fc || d.selected.size != d.style.Size {
		d.f.SetFont(fc.key, fc.style, d.style.Size)
		d.selected.face, d.selected.size = fc, d.style.Size
	}
}

// SetGray sets the text, line and fill grey level: 0 black … 255 white.
func (d *Doc) SetGray(level int) {
	if level == d.gray {
		return
	}
	d.gray = level
	d.f.SetTextColor(level, level, level)
	d.f.SetDrawColor(level, level, level)
	d.f.SetFillColor(level, level, level)
}

// runsOf splits s into stretches by the face that can set them: all of s
// in the standard font, encoded in Windows-1252, when it fits that
// encoding (so one name or line never mixes typefaces), else stretches of
// the embedded Latin and CJK faces. The texts of the runs are what gofpdf
// must be given.
func (d *Doc) runsOf(s string) []run {
	if d.err != nil || s == "" {
		return nil
	}
	if enc, ok := toCP1252(s); ok {
		return []run{{enc, d.core()}}
	}
	return runs(d.primary(), d.faces[cjkKey], s)
}

// TextWidth is the width of s in the current style.
func (d *Doc) TextWidth(s string) float64 {
	var w float64
	for _, r := range d.runsOf(s) {
		d.use(r.face)
		w += d.f.GetStringWidth(r.text)
	}
	return w
}

// Text writes one line of s with its top at (x, y); the line is
// 1.25 × the font size tall.
func (d *Doc) Text(x, y float64, s string) {
	h := d.lineHeight()
	d.f.SetXY(x, y)
	for _, r := range d.runsOf(s) {
		d.use(r.face)
		d.f.CellFormat(d.f.GetStringWidth(r.text), h, r.text, "", 0, "L", false, 0, "")
	}
}

// TextIn writes one line of s in a box w wide starting at x, aligned;
// text too long for the box is shortened with an ellipsis.
func (d *Doc) TextIn(x, y, w float64, s string, a Align) {
	s = d.Fit(s, w)
	switch tw := d.TextWidth(s); a {
	case Center:
		x += (w - tw) / 2
	case Right:
		x += w - tw
	}
	d.Text(x, y, s)
}

// Fit shortens s with an ellipsis until it fits in width w.
func (d *Doc) Fit(s string, w float64) string {
	if d.TextWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 {
		r = r[:len(r)-1]
		t := strings.TrimRight(string(r), " ") + "…"
		if d.TextWidth(t) <= w {
			return t
		}
	}
	return ""
}

// Paragraph flows s into a column w wide from (x, y), wrapping at word
// boundaries and starting new pages as needed, and returns the y below it.
// Text the Latin faces cannot set is set in the CJK face; such mixed text
// is always left-aligned.
func (d *Doc) Paragraph(x, y, w, lineHeight float64, s string, a Align) float64 {
	rs := d.runsOf(s)
	if len(rs) <= 1 {
		fc, text := d.core(), ""
		if len(rs) == 1 {
			fc, text = rs[0].face, rs[0].text
		}
		d.use(fc)
		d.f.SetXY(x, y)
		d.f.MultiCell(w, lineHeight, text, "", a.gofpdf(), false)
		return d.f.GetY()
	}
	pw, _ := d.f.GetPageSize()
	l, t, r, _ := d.f.GetMargins()
	d.f.SetMargins(x, t, pw-x-w)
	d.f.SetXY(x, y)
	for _, rn := range rs {
		d.use(rn.face)
		d.f.Write(lineHeight, rn.text)
	}
	d.f.SetMargins(l, t, r)
	d.f.Ln(lineHeight)
	return d.f.GetY()
}

func (d *Doc) lineHeight() float64 { return d.style.Size * 1.25 }

// Line draws a line of the given width in points.
func (d *Doc) Line(x1, y1, x2, y2, width float64) {
	d.f.SetLineWidth(width)
	d.f.Line(x1, y1, x2, y2)
}

// Rect draws a rectangle outline of the given line width; fill paints it
// with the current grey first.
func (d *Doc) Rect(x, y, w, h, width float64, fill bool) {
	d.f.SetLineWidth(width)
	style := "D"
	if fill {
		style = "FD"
	}
	d.f.Rect(x, y, w, h, style)
}

// Image places a PNG or JPEG (detected from its bytes) in the box; name
// identifies the image within the document so a repeated image is stored
// once.
func (d *Doc) Image(name string, img []byte, x, y, w, h float64) {
	kind := "PNG"
	if bytes.HasPrefix(img, []byte{0xFF, 0xD8}) {
		kind = "JPG"
	}
	opt := gofpdf.ImageOptions{ImageType: kind}
	if d.f.GetImageInfo(name) == nil {
		d.f.RegisterImageOptionsReader(name, opt, bytes.NewReader(img))
	}
	d.f.ImageOptions(name, x, y, w, h, false, opt, 0, "")
}

// Link makes the box a clickable link to url.
func (d *Doc) Link(x, y, w, h float64, url string) { d.f.LinkString(x, y, w, h, url) }

// Err is the first error building the document.
func (d *Doc) Err() error {
	if d.err != nil {
		return d.err
	}
	if err := d.f.Error(); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return nil
}

// Output finishes the document and writes it to w.
func (d *Doc) Output(w io.Writer) error {
	if err := d.Err(); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := d.f.Output(&buf); err != nil {
		return fmt.Errorf("pdf: output: %w", err)
	}
	out, err := finish(buf.Bytes(), d.meta.Lang)
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// Bytes finishes the document and returns it.
func (d *Doc) Bytes() ([]byte, error) {
	var buf bytes.Buffer
	err := d.Output(&buf)
	return buf.Bytes(), err
}

// Wrap breaks s into lines no wider than w in the current style, at spaces
// where it can and between characters where a word (or a run of Chinese
// text) is wider than the line. Explicit newlines are kept.
func (d *Doc) Wrap(s string, w float64) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			try := word
			if line != "" {
				try = line + " " + word
			}
			if d.TextWidth(try) <= w {
				line = try
				continue
			}
			if line != "" {
				out = append(out, line)
				line = ""
			}
			for d.TextWidth(word) > w {
				cut := d.fitRunes(word, w)
				out = append(out, word[:cut])
				word = word[cut:]
			}
			line = word
		}
		out = append(out, line)
	}
	return out
}

// fitRunes is the byte length of the longest prefix of s (at least one
// rune) no wider than w.
func (d *Doc) fitRunes(s string, w float64) int {
	cut := 0
	for i, r := range s {
		next := i + len(string(r))
		if cut > 0 && d.TextWidth(s[:next]) > w {
			break
		}
		cut = next
	}
	return cut
}
