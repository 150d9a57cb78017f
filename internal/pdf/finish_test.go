package pdf

import (
	"bytes"
	"compress/zlib"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// sample is two pages with text in the standard and embedded fonts, an
// indexed-colour image (gofpdf writes its palette as a stream) and
// modules, some of it written by a page-end hook.
func sample(t *testing.T) (raw, done []byte) {
	t.Helper()
	img := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.White, color.Black})
	img.SetColorIndex(1, 1, 1)
	var pngBytes bytes.Buffer
	if err := png.Encode(&pngBytes, img); err != nil {
		t.Fatal(err)
	}
	d := NewLetter(Meta{Title: "Finish", Lang: "es-419"})
	d.OnPageEnd(func(page int) { d.Text(72, 740, "Página "+strconv.Itoa(page)) })
	d.AddPage()
	d.Text(72, 72, strings.Repeat("Estimada familia ", 40))
	d.Text(72, 100, "Nguyễn Thị Minh Khai 王小明")
	d.Image("dots", pngBytes.Bytes(), 72, 130, 40, 40)
	d.Modules(72, 200, 40, [][]bool{{true, false}, {false, true}})
	d.AddPage()
	d.Text(72, 72, "second")
	var buf bytes.Buffer
	if err := d.f.Output(&buf); err != nil {
		t.Fatal(err)
	}
	out, err := finish(buf.Bytes(), d.meta.Lang)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), out
}

// TestFinishKeepsEveryOffset: each cross-reference entry and startxref
// point at their objects after streams are deflated and /Lang added, and
// each bare stream gofpdf wrote is deflated to the same bytes (or kept, if
// too small to gain).
func TestFinishKeepsEveryOffset(t *testing.T) {
	raw, out := sample(t)
	x, err := readXref(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out[x.start:], []byte("xref\n")) {
		t.Fatal("startxref does not point at the table")
	}
	for i, off := range x.offsets {
		if head := strconv.Itoa(i+1) + " 0 obj\n"; !bytes.HasPrefix(out[off:], []byte(head)) {
			t.Errorf("object %d: entry points at %q", i+1, out[off:min(off+20, len(out))])
		}
	}
	if !bytes.Contains(out, []byte("/Type /Catalog\n/Lang (es-419)")) {
		t.Error("catalog has no /Lang")
	}
	plain := regexp.MustCompile(`(?s)\n<</Length (\d+)>>\nstream\n`).FindAllSubmatch(raw, -1)
	packed := regexp.MustCompile(`(?s)\n<</Filter /FlateDecode /Length (\d+)>>\nstream\n`)
	if n := len(plain); n != 5 { // two pages, two ToUnicode maps, a palette
		t.Fatalf("gofpdf wrote %d bare streams, want 5", n)
	}
	var inflated [][]byte
	for _, m := range packed.FindAllSubmatchIndex(out, -1) {
		n, _ := strconv.Atoi(string(out[m[2]:m[3]]))
		r, err := zlib.NewReader(bytes.NewReader(out[m[1] : m[1]+n]))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		inflated = append(inflated, b)
	}
	for _, p := range plain {
		n, _ := strconv.Atoi(string(p[1]))
		body := raw[bytes.Index(raw, p[0])+len(p[0]):][:n]
		switch {
		case slices.ContainsFunc(inflated, func(b []byte) bool { return bytes.Equal(b, body) }):
		case n < 16 && bytes.Contains(out, append(p[0], body...)):
			// The palette: deflating would not make it smaller.
		default:
			t.Errorf("the %d-byte stream %.40q is neither deflated nor kept", n, body)
		}
	}
}

// TestFinishRefusesWhatItCannotRead: a cut or damaged document is an
// error, never a panic or a silently wrong file.
func TestFinishRefusesWhatItCannotRead(t *testing.T) {
	raw, _ := sample(t)
	// Cut anywhere up to the end of startxref's offset.
	end := bytes.LastIndex(raw, []byte("\n%%EOF"))
	for cut := end; cut >= 0; cut -= 97 {
		if _, err := finish(raw[:cut], ""); !errors.Is(err, errLayout) {
			t.Fatalf("cut at %d: err = %v", cut, err)
		}
	}
	bad := bytes.Replace(raw, []byte("\nendstream"), []byte("\nendstreaX"), 1)
	if _, err := finish(bad, ""); !errors.Is(err, errLayout) {
		t.Errorf("damaged stream: err = %v", err)
	}
}
