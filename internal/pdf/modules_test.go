package pdf_test

import (
	"image"
	"image/color"
	"testing"

	"github.com/waymark/waymark/internal/pdf"
	"github.com/waymark/waymark/internal/pdf/pdftest"
)

func grey(img image.Image, x, y int) uint8 {
	return color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y
}

func dark(img image.Image, x, y int) bool { return grey(img, x, y) < 128 }

// TestModulesDrawTheBitmap renders the page at 72 dpi, one pixel a point,
// and reads each 10-point module back at its centre.
func TestModulesDrawTheBitmap(t *testing.T) {
	bitmap := [][]bool{
		{false, false, false, false, false},
		{false, true, true, true, false},
		{false, true, false, true, true},
		{true, false, false, false, false},
		{false, true, true, false, true},
	}
	const x, y, size = 100.0, 200.0, 50.0
	d := pdf.NewLetter(pdf.Meta{Title: "Modules"})
	d.AddPage()
	d.SetGray(0)
	d.Modules(x, y, size, bitmap)
	out, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	page := pdftest.Page(t, out, 1, 72)
	for r, row := range bitmap {
		for c, set := range row {
			if got := dark(page, int(x)+10*c+5, int(y)+10*r+5); got != set {
				t.Errorf("module row %d column %d dark = %v, want %v", r, c, got, set)
			}
		}
	}
	for _, p := range []image.Point{{int(x) - 3, int(y) + 35}, {int(x) + 25, int(y) - 3}, {int(x) + 53, int(y) + 25}, {int(x) + 25, int(y) + 53}} {
		if dark(page, p.X, p.Y) {
			t.Errorf("ink outside the square at %v", p)
		}
	}
}

// TestModulesLeaveNoSeams: a solid block at a fractional module size and
// position is black at every pixel inside it: rows and runs meet.
func TestModulesLeaveNoSeams(t *testing.T) {
	const n = 9
	bitmap := make([][]bool, n)
	for r := range bitmap {
		bitmap[r] = make([]bool, n)
		for c := range bitmap[r] {
			bitmap[r][c] = true
		}
	}
	d := pdf.NewLetter(pdf.Meta{Title: "Seams"})
	d.AddPage()
	d.Modules(100.3, 100.7, n*2.5366, bitmap)
	out, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	const dpi = 150
	page := pdftest.Page(t, out, 1, dpi)
	px := func(pt float64) int { return int(pt * dpi / 72) }
	for y := px(100.7) + 2; y < px(100.7+n*2.5366)-2; y++ {
		for x := px(100.3) + 2; x < px(100.3+n*2.5366)-2; x++ {
			if g := grey(page, x, y); g > 8 {
				t.Fatalf("grey %d at (%d, %d) inside a solid block", g, x, y)
			}
		}
	}
}

func TestModulesWithNothingSetDrawNothing(t *testing.T) {
	d := pdf.NewLetter(pdf.Meta{Title: "Empty"})
	d.AddPage()
	d.Modules(72, 72, 40, [][]bool{{false, false}, {false, false}})
	d.Modules(72, 72, 40, nil)
	if _, err := d.Bytes(); err != nil {
		t.Fatal(err)
	}
}
