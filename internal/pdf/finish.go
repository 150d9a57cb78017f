package pdf

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
)

// finish turns what gofpdf wrote into the document served. Doc turns
// gofpdf's own stream compression off, because gofpdf builds a new zlib
// compressor (about 1 MB to allocate and clear) for every stream, which
// cost more than the rest of a one-page certificate's output; finish
// deflates each stream gofpdf left plain (page contents, image palettes)
// with a pooled compressor instead. It also adds the document language
// (/Lang) to the catalog, which gofpdf does not set; screen readers use it
// to pick a voice. What follows an edit moves, so the cross-reference
// table and the startxref offset are written anew.
func finish(raw []byte, lang string) ([]byte, error) {
	for _, r := range lang {
		if !(r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return nil, fmt.Errorf("pdf: language tag %q is not BCP 47", lang)
		}
	}
	x, err := readXref(raw)
	if err != nil {
		return nil, err
	}
	edits, err := deflateStreams(raw, x.offsets)
	if err != nil {
		return nil, err
	}
	if lang != "" {
		// The catalog is the last object, so this is the last edit.
		const catalog = "/Type /Catalog"
		at := bytes.LastIndex(raw[:x.start], []byte(catalog))
		if at < 0 {
			return nil, fmt.Errorf("pdf: cannot place /Lang: %w", errLayout)
		}
		at += len(catalog)
		edits = append(edits, edit{at, at, []byte("\n/Lang (" + lang + ")")})
	}
	return rewrite(raw, x, edits), nil
}

var errLayout = errors.New("unexpected layout")

// xref is where gofpdf's cross-reference table lies.
type xref struct {
	start   int   // "xref"
	offsets []int // object n is at offsets[n-1]
	trailer int   // "trailer", just after the entries
	number  int   // startxref's offset, and where its line ends
	end     int
}

func readXref(raw []byte) (xref, error) {
	var x xref
	const startxref = "startxref\n"
	sx := bytes.LastIndex(raw, []byte(startxref))
	if sx < 0 {
		return x, fmt.Errorf("pdf: no startxref: %w", errLayout)
	}
	x.number = sx + len(startxref)
	x.end = x.number + bytes.IndexByte(raw[x.number:], '\n')
	start, err := strconv.Atoi(string(raw[x.number:max(x.end, x.number)]))
	if err != nil || start < 0 || start >= sx || !bytes.HasPrefix(raw[start:], []byte("xref\n0 ")) {
		return x, fmt.Errorf("pdf: bad startxref: %w", errLayout)
	}
	x.start = start
	p := start + len("xref\n0 ")
	eol := bytes.IndexByte(raw[p:], '\n')
	if eol < 0 {
		return x, fmt.Errorf("pdf: bad xref table: %w", errLayout)
	}
	n, err := strconv.Atoi(string(raw[p : p+eol]))
	const entry = len("0000000000 00000 n \n")
	p += eol + 1 + entry // after the free entry of object 0
	if err != nil || n < 1 || p+(n-1)*entry > sx {
		return x, fmt.Errorf("pdf: bad xref table: %w", errLayout)
	}
	for i := 1; i < n; i, p = i+1, p+entry {
		off, err := strconv.Atoi(string(raw[p : p+10]))
		if err != nil || off < 0 || off >= start {
			return x, fmt.Errorf("pdf: bad xref entry %d: %w", i, errLayout)
		}
		x.offsets = append(x.offsets, off)
	}
	x.trailer = p
	return x, nil
}

// edit replaces raw[at:end] with text.
type edit struct {
	at, end int
	text    []byte
}

// deflateStreams finds each object that is a bare stream (a dictionary
// of its /Length alone) and deflates it, where that makes it smaller.
// The edits come in the order of their places in the file.
func deflateStreams(raw []byte, offsets []int) ([]edit, error) {
	var edits []edit
	const open, body = "<</Length ", ">>\nstream\n"
	for i, off := range offsets {
		head := strconv.Itoa(i+1) + " 0 obj\n"
		if !bytes.HasPrefix(raw[off:], []byte(head+open)) {
			continue
		}
		at := off + len(head)
		p := at + len(open)
		q := bytes.IndexByte(raw[p:], '>')
		if q < 0 {
			continue
		}
		q += p
		n, err := strconv.Atoi(string(raw[p:q]))
		if err != nil || !bytes.HasPrefix(raw[q:], []byte(body)) {
			continue
		}
		s := q + len(body)
		if n < 0 || s+n > len(raw) || !bytes.HasPrefix(raw[s+n:], []byte("\nendstream")) {
			return nil, fmt.Errorf("pdf: stream of object %d: %w", i+1, errLayout)
		}
		z := deflate(raw[s : s+n])
		if len(z) >= n {
			continue
		}
		text := append([]byte("<</Filter /FlateDecode /Length "+strconv.Itoa(len(z))+body), z...)
		edits = append(edits, edit{at, s + n, text})
	}
	slices.SortFunc(edits, func(a, b edit) int { return a.at - b.at })
	return edits, nil
}

// deflaters are zlib compressors at gofpdf's level, kept for reuse.
var deflaters = sync.Pool{New: func() any {
	z, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed)
	return z
}}

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(b)/3 + 64)
	z := deflaters.Get().(*zlib.Writer)
	z.Reset(&buf)
	z.Write(b) // a bytes.Buffer does not fail
	z.Close()
	z.Reset(nil)
	deflaters.Put(z)
	return buf.Bytes()
}

// rewrite applies the edits, sorted and apart, to everything before the
// cross-reference table, then writes the table and startxref for the
// moved objects.
func rewrite(raw []byte, x xref, edits []edit) []byte {
	out := make([]byte, 0, len(raw))
	last := 0
	for _, e := range edits {
		out = append(append(out, raw[last:e.at]...), e.text...)
		last = e.end
	}
	out = append(out, raw[last:x.start]...)
	start := len(out)
	out = fmt.Appendf(out, "xref\n0 %d\n0000000000 65535 f \n", len(x.offsets)+1)
	for _, off := range x.offsets {
		moved := off
		for _, e := range edits {
			if e.at < off {
				moved += len(e.text) - (e.end - e.at)
			}
		}
		out = fmt.Appendf(out, "%010d 00000 n \n", moved)
	}
	out = append(out, raw[x.trailer:x.number]...)
	out = strconv.AppendInt(out, int64(start), 10)
	return append(out, raw[x.end:]...)
}
