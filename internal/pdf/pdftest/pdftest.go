// Package pdftest reads generated PDFs back for tests, through poppler's
// pdftotext, pdfinfo, pdfimages and pdftoppm (poppler-utils; .ci/run
// installs it). When the tools are missing a test skips locally and fails under CI=true.
package pdftest

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// Text returns the text of every page of pdf, in reading order
// (pdftotext -layout keeps each line of the page on one line).
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	return run(t, "pdftotext", pdf, "-layout", "-enc", "UTF-8", "{in}", "-")
}

// Info returns pdfinfo's report as fields ("Title", "Author", "Pages",
// "Page size"…), values trimmed.
func Info(t testing.TB, pdf []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, line := range strings.Split(run(t, "pdfinfo", pdf, "-enc", "UTF-8", "{in}"), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			out[k] = strings.TrimSpace(v)
		}
	}
	return out
}

// Images extracts every image of pdf as PNG files (pdfimages -png) and
// returns their bytes in page order.
func Images(t testing.TB, pdf []byte) [][]byte {
	t.Helper()
	dir := t.TempDir()
	run(t, "pdfimages", pdf, "-png", "{in}", filepath.Join(dir, "img"))
	names, err := filepath.Glob(filepath.Join(dir, "img-*.png"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	var out [][]byte
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// Page renders page n (from 1) of pdf in shades of grey at dpi dots per
// inch (pdftoppm -gray), as it would print.
func Page(t testing.TB, pdf []byte, n, dpi int) image.Image {
	t.Helper()
	root := filepath.Join(t.TempDir(), "page")
	run(t, "pdftoppm", pdf, "-gray", "-png", "-singlefile", "-f", strconv.Itoa(n), "-r", strconv.Itoa(dpi), "{in}", root)
	b, err := os.ReadFile(root + ".png")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func run(t testing.TB, tool string, pdf []byte, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing (install poppler-utils): %v", tool, err)
		}
		t.Skipf("%s is missing (apt-get install poppler-utils)", tool)
	}
	in := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	for i, a := range args {
		if a == "{in}" {
			args[i] = in
		}
	}
	var out, errOut bytes.Buffer
	cmd := exec.Command(tool, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v: %s", tool, err, errOut.String())
	}
	if errOut.Len() > 0 {
		t.Fatalf("%s reported problems with the PDF: %s", tool, errOut.String())
	}
	return out.String()
}
