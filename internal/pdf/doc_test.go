package pdf_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/pdf"
	"github.com/waymark/waymark/internal/pdf/pdftest"
)

func TestTextRoundTripsInEveryScript(t *testing.T) {
	names := []string{
		"Nguyễn Thị Minh Khai",
		"Jean-Baptiste Désir",
		"Wòch Lapè Ayisyen",
		"João Conceição",
		"王小明",
		"王小明 (Wang Xiaoming) García",
		"Ελένη Παπαδοπούλου",
	}
	d := pdf.NewLandscape(pdf.Meta{Title: "Prueba de texto", Lang: "es", Author: "Waymark", Created: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)})
	d.AddPage()
	y := 72.0
	for i, n := range names {
		d.SetFont(pdf.Style{Family: pdf.Family(i % 2), Bold: i%3 == 0, Size: 14})
		d.Text(72, y, n)
		y += 24
	}
	d.SetFont(pdf.Style{Size: 11})
	y = d.Paragraph(72, y, 300, 14, strings.Repeat("Familia 家庭 ", 20), pdf.Left)
	d.Paragraph(72, y, 300, 14, "Estimada familia: esta carta explica la sesión.", pdf.Center)
	d.TextIn(400, 72, 80, "A very long line that cannot fit in eighty points", pdf.Right)
	out, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	text := pdftest.Text(t, out)
	for _, n := range names {
		if !strings.Contains(text, n) {
			t.Errorf("PDF text lacks %q:\n%s", n, text)
		}
	}
	for _, want := range []string{"Familia 家庭", "Estimada familia", "…"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	info := pdftest.Info(t, out)
	for k, want := range map[string]string{"Title": "Prueba de texto", "Author": "Waymark", "Page size": "792 x 612 pts (letter)"} {
		if info[k] != want {
			t.Errorf("pdfinfo %s = %q, want %q", k, info[k], want)
		}
	}
	if !bytes.Contains(out, []byte("/Lang (es)")) {
		t.Error("catalog has no /Lang")
	}
}

func TestPortraitPagesAndImages(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 4)
	}
	img.Set(0, 0, color.Gray{Y: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	d := pdf.NewLetter(pdf.Meta{Title: "Letter", Lang: "en-US"})
	d.OnPageEnd(func(page int) {
		d.SetFont(pdf.Style{Size: 8})
		d.TextIn(72, 750, d.ContentWidth(), "Page "+string(rune('0'+page)), pdf.Center)
	})
	d.AddPage()
	d.Image("dots", buf.Bytes(), 72, 72, 40, 40)
	d.Image("dots", buf.Bytes(), 120, 72, 40, 40)
	d.AddPage()
	d.Text(72, 72, "second")
	out, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	info := pdftest.Info(t, out)
	if info["Pages"] != "2" || info["Page size"] != "612 x 792 pts (letter)" {
		t.Errorf("pdfinfo: %v", info)
	}
	text := pdftest.Text(t, out)
	for _, want := range []string{"Page 1", "Page 2", "second"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
}

func TestBadLanguageTagIsAnError(t *testing.T) {
	d := pdf.NewLetter(pdf.Meta{Lang: "en) /JS (x"})
	d.AddPage()
	if _, err := d.Bytes(); err == nil {
		t.Fatal("a language tag with PDF syntax in it was accepted")
	}
}

func TestCovers(t *testing.T) {
	for s, want := range map[string]bool{"Nguyễn Thị Minh Khai": true, "João": true, "王小明": false, "Ana 王": false} {
		if got := pdf.Covers(s); got != want {
			t.Errorf("Covers(%q) = %v, want %v", s, got, want)
		}
	}
}

func BenchmarkLatinPage(b *testing.B) {
	for b.Loop() {
		d := pdf.NewLandscape(pdf.Meta{Title: "Bench", Lang: "en-US"})
		d.AddPage()
		d.SetFont(pdf.Style{Family: pdf.Serif, Bold: true, Size: 28})
		d.Text(72, 72, "Jean-Baptiste Désir")
		if _, err := d.Bytes(); err != nil {
			b.Fatal(err)
		}
	}
}

func TestWrap(t *testing.T) {
	d := pdf.NewLetter(pdf.Meta{})
	d.SetFont(pdf.Style{Size: 10})
	for _, s := range []string{
		"Trauma-informed, survivor-centered practice for health care and social-service providers",
		"王小明王小明王小明王小明王小明王小明王小明王小明王小明王小明",
		"short",
	} {
		lines := d.Wrap(s, 80)
		for i := range lines {
			lines[i] = strings.ReplaceAll(lines[i], " ", "")
		}
		if strings.Join(lines, "") != strings.ReplaceAll(s, " ", "") {
			t.Errorf("Wrap(%q) lost text: %q", s, lines)
		}
		for _, l := range d.Wrap(s, 80) {
			if d.TextWidth(l) > 80 {
				t.Errorf("line %q is %.1f wide", l, d.TextWidth(l))
			}
		}
		if len(s) > 20 && len(lines) < 2 {
			t.Errorf("Wrap(%q) did not wrap: %q", s, lines)
		}
	}
}

// TestConcurrentDocuments renders documents in parallel (run with -race):
// gofpdf writes into the font bytes it is given, so each document must
// get its own.
func TestConcurrentDocuments(t *testing.T) {
	done := make(chan []byte, 4)
	for i := 0; i < 4; i++ {
		go func() {
			d := pdf.NewLetter(pdf.Meta{Title: "Parallel"})
			d.AddPage()
			d.SetFont(pdf.Style{Family: pdf.Serif, Bold: true, Size: 20})
			d.Text(72, 72, "Nguyễn Thị Minh Khai 王小明")
			out, err := d.Bytes()
			if err != nil {
				t.Error(err)
			}
			done <- out
		}()
	}
	for i := 0; i < 4; i++ {
		if !strings.Contains(pdftest.Text(t, <-done), "Nguyễn Thị Minh Khai 王小明") {
			t.Error("a document rendered in parallel lost its text")
		}
	}
}

// TestStandardFontsUnlessNeeded: text Windows-1252 can encode is set in
// the standard fonts with no font file embedded (parsing and subsetting a
// TrueType face costs ~10 ms per document); text it cannot encode still
// gets the embedded faces, and both read back exactly.
func TestStandardFontsUnlessNeeded(t *testing.T) {
	tests := []struct {
		text  string
		embed bool
	}{
		{"Jean-Baptiste Désir · João Conceição — “Œuvre” 100 € …", false},
		{"Wòch Lapè Ayisyen", false},
		{"Nguyễn Thị Minh Khai", true},
		{"王小明", true},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			d := pdf.NewLetter(pdf.Meta{Title: "Fonts"})
			d.AddPage()
			d.SetFont(pdf.Style{Family: pdf.Serif, Bold: true, Size: 16})
			d.Text(72, 72, tt.text)
			d.SetFont(pdf.Style{Size: 11})
			d.Paragraph(72, 100, 400, 14, tt.text, pdf.Center)
			out, err := d.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			if got := bytes.Contains(out, []byte("/FontFile2")); got != tt.embed {
				t.Errorf("embedded a font file = %v, want %v", got, tt.embed)
			}
			if text := pdftest.Text(t, out); strings.Count(text, tt.text) != 2 {
				t.Errorf("PDF text does not hold %q twice:\n%s", tt.text, text)
			}
		})
	}
}
