package pdf_test

import (
	"testing"

	"github.com/waymark/waymark/internal/pdf"
	"github.com/waymark/waymark/internal/pdf/pdftest"
)

// TestGreyAndFontAfterAPageBreak: a footer sets its own grey and font,
// and gofpdf puts back the ones before the break; asking again for the
// footer's grey and size on the next page must still get them, though Doc
// skips setting again what is already set.
func TestGreyAndFontAfterAPageBreak(t *testing.T) {
	d := pdf.NewLetter(pdf.Meta{Title: "State"})
	d.OnPageEnd(func(int) {
		d.SetGray(200)
		d.SetFont(pdf.Style{Size: 8})
		d.Text(72, 760, "footer")
	})
	d.AddPage()
	d.SetGray(0)
	d.SetFont(pdf.Style{Size: 30})
	d.Text(72, 72, "first")
	d.AddPage()
	d.SetGray(200)
	d.Rect(72, 200, 40, 40, 1, true)
	d.SetFont(pdf.Style{Size: 8})
	d.SetGray(0)
	d.Text(72, 300, "MMMMM")
	out, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	page := pdftest.Page(t, out, 2, 72)
	if g := grey(page, 92, 220); g < 190 || g > 210 {
		t.Errorf("box after the break is grey %d, want 200", g)
	}
	// Five capital Ms at 8 points are about 33 points wide; at 30 points
	// they would reach past x = 180.
	for x := 120; x < 200; x++ {
		for y := 300; y < 340; y++ {
			if dark(page, x, y) {
				t.Fatalf("text after the break set too large: ink at (%d, %d)", x, y)
			}
		}
	}
	ink := false
	for x := 72; x < 110 && !ink; x++ {
		for y := 300; y < 310 && !ink; y++ {
			ink = dark(page, x, y)
		}
	}
	if !ink {
		t.Error("the text after the break is missing")
	}
}
