package pdf

import (
	"embed"
	"fmt"
	"sync"
)

// The typefaces are free fonts from Debian packages (fonts-dejavu-core,
// Bitstream Vera licence with public-domain changes; fonts-droid-fallback,
// Apache 2.0), licences beside them. All are TrueType (glyf) outlines, which
// gofpdf's UTF-8 font loader needs. DejaVu covers Latin (including
// Vietnamese, Haitian Creole and Portuguese), Greek and Cyrillic; Droid
// Sans Fallback covers Chinese, Japanese and Korean.
//
//go:embed fonts/*.ttf
var fontFS embed.FS

// Family names a typeface.
type Family int

const (
	// Sans is DejaVu Sans: body text, tables, labels.
	Sans Family = iota
	// Serif is DejaVu Serif: headings and names on certificates.
	Serif
)

// face is one embedded font file, read and measured once per process, or
// one of the PDF standard fonts (core).
type face struct {
	key   string // gofpdf family name
	style string // "" or "B"
	core  bool   // a standard font: text in Windows-1252, nothing embedded
	file  string
	bytes []byte
	cover coverage
}

// coreFaces are the PDF standard fonts standing in for each family and
// weight. Every PDF reader has them, so they cost a document nothing to
// parse or embed; text they can set (anything in Windows-1252: English,
// Spanish, Portuguese, French, Haitian Creole…) is set in them, and only
// other text costs an embedded TrueType face.
var coreFaces = map[string]*face{
	"sans":       {key: "helvetica", core: true},
	"sans-bold":  {key: "helvetica", style: "B", core: true},
	"serif":      {key: "times", core: true},
	"serif-bold": {key: "times", style: "B", core: true},
}

var (
	facesOnce sync.Once
	faces     map[string]*face
	facesErr  error
)

const cjkKey = "cjk"

func faceKey(f Family, bold bool) string {
	k := "sans"
	if f == Serif {
		k = "serif"
	}
	if bold {
		k += "-bold"
	}
	return k
}

// loadFaces reads every embedded font and its cmap once per process.
func loadFaces() (map[string]*face, error) {
	facesOnce.Do(func() {
		list := []*face{
			{key: "sans", file: "DejaVuSans.ttf"},
			{key: "sans", style: "B", file: "DejaVuSans-Bold.ttf"},
			{key: "serif", file: "DejaVuSerif.ttf"},
			{key: "serif", style: "B", file: "DejaVuSerif-Bold.ttf"},
			{key: cjkKey, file: "DroidSansFallbackFull.ttf"},
		}
		faces = map[string]*face{}
		for _, fc := range list {
			b, err := fontFS.ReadFile("fonts/" + fc.file)
			if err != nil {
				facesErr = fmt.Errorf("pdf: font %s: %w", fc.file, err)
				return
			}
			fc.bytes = b
			if fc.cover, err = readCoverage(b); err != nil {
				facesErr = fmt.Errorf("pdf: font %s: %w", fc.file, err)
				return
			}
			name := fc.key
			if fc.style == "B" {
				name += "-bold"
			}
			faces[name] = fc
		}
	})
	return faces, facesErr
}

// Check loads and measures every embedded font; call it at start-up so a
// broken font stops the program instead of the first download.
func Check() error {
	_, err := loadFaces()
	return err
}

// Covers reports whether the Latin typefaces have a glyph for every rune
// of s; when they do not, text helpers switch to the CJK font for the
// runes they lack.
func Covers(s string) bool {
	fs, err := loadFaces()
	if err != nil {
		return false
	}
	for _, r := range s {
		if !fs["sans"].cover.has(r) && r > ' ' {
			return false
		}
	}
	return true
}

// run is a stretch of text set in one font.
type run struct {
	text string
	face *face
}

// runs splits s into stretches the primary face can set and stretches
// that need the CJK fallback. Spaces stay with the stretch they follow.
func runs(primary, cjk *face, s string) []run {
	var out []run
	start, cur := 0, primary
	for i, r := range s {
		f := cur
		switch {
		case r <= ' ':
		case primary.cover.has(r):
			f = primary
		case cjk.cover.has(r):
			f = cjk
		default:
			f = primary
		}
		if f != cur {
			if i > start {
				out = append(out, run{s[start:i], cur})
			}
			start, cur = i, f
		}
	}
	if len(s) > start {
		out = append(out, run{s[start:], cur})
	}
	return out
}
