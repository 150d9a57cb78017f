package pdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// coverage is the set of runes a TrueType font has a glyph for, as sorted,
// non-overlapping ranges read from its cmap table once at start-up.
type coverage []runeRange

type runeRange struct{ lo, hi rune }

// has reports whether r is in the font.
func (c coverage) has(r rune) bool {
	i := sort.Search(len(c), func(i int) bool { return c[i].hi >= r })
	return i < len(c) && c[i].lo <= r
}

var errNoCmap = errors.New("no usable cmap subtable")

// readCoverage parses the cmap table of a TrueType font: format 12 (full
// Unicode) when present, else format 4 (the Basic Multilingual Plane).
func readCoverage(font []byte) (coverage, error) {
	cmap, err := table(font, "cmap")
	if err != nil {
		return nil, err
	}
	if len(cmap) < 4 {
		return nil, errNoCmap
	}
	n := int(u16(cmap, 2))
	var off4, off12 int
	for i := 0; i < n; i++ {
		rec := 4 + 8*i
		if rec+8 > len(cmap) {
			return nil, errNoCmap
		}
		platform, encoding := u16(cmap, rec), u16(cmap, rec+2)
		off := int(u32(cmap, rec+4))
		if off+2 > len(cmap) || !(platform == 3 || platform == 0) {
			continue
		}
		switch u16(cmap, off) {
		case 12:
			if platform == 0 || encoding == 10 {
				off12 = off
			}
		case 4:
			if platform == 0 || encoding == 1 {
				off4 = off
			}
		}
	}
	switch {
	case off12 > 0:
		return format12(cmap[off12:])
	case off4 > 0:
		return format4(cmap[off4:])
	}
	return nil, errNoCmap
}

func format12(t []byte) (coverage, error) {
	if len(t) < 16 {
		return nil, errNoCmap
	}
	n := int(u32(t, 12))
	if 16+12*n > len(t) {
		return nil, errNoCmap
	}
	var c coverage
	for i := 0; i < n; i++ {
		g := 16 + 12*i
		c = append(c, runeRange{rune(u32(t, g)), rune(u32(t, g+4))})
	}
	return normalize(c), nil
}

func format4(t []byte) (coverage, error) {
	if len(t) < 14 {
		return nil, errNoCmap
	}
	segs := int(u16(t, 6)) / 2
	ends, starts, deltas, offsets := 14, 16+2*segs, 16+4*segs, 16+6*segs
	if offsets+2*segs > len(t) {
		return nil, errNoCmap
	}
	var c coverage
	for i := 0; i < segs; i++ {
		lo, hi := rune(u16(t, starts+2*i)), rune(u16(t, ends+2*i))
		delta, ro := u16(t, deltas+2*i), int(u16(t, offsets+2*i))
		for r := lo; r <= hi && r != 0xFFFF; r++ {
			glyph := uint16(r) + delta
			if ro != 0 {
				at := offsets + 2*i + ro + 2*int(r-lo)
				if at+2 > len(t) {
					break
				}
				if glyph = u16(t, at); glyph != 0 {
					glyph += delta
				}
			}
			if glyph != 0 {
				c = append(c, runeRange{r, r})
			}
		}
	}
	return normalize(c), nil
}

// normalize sorts ranges and merges adjacent ones.
func normalize(c coverage) coverage {
	sort.Slice(c, func(i, j int) bool { return c[i].lo < c[j].lo })
	out := c[:0]
	for _, r := range c {
		if k := len(out) - 1; k >= 0 && r.lo <= out[k].hi+1 {
			out[k].hi = max(out[k].hi, r.hi)
			continue
		}
		out = append(out, r)
	}
	return out
}

// table returns the bytes of a named table of a TrueType font.
func table(font []byte, tag string) ([]byte, error) {
	if len(font) < 12 {
		return nil, fmt.Errorf("pdf: font too short")
	}
	n := int(u16(font, 4))
	for i := 0; i < n; i++ {
		rec := 12 + 16*i
		if rec+16 > len(font) {
			break
		}
		if string(font[rec:rec+4]) == tag {
			off, size := int(u32(font, rec+8)), int(u32(font, rec+12))
			if off+size > len(font) {
				return nil, fmt.Errorf("pdf: font table %s out of bounds", tag)
			}
			return font[off : off+size], nil
		}
	}
	return nil, fmt.Errorf("pdf: font has no %s table", tag)
}

func u16(b []byte, at int) uint16 { return binary.BigEndian.Uint16(b[at:]) }
func u32(b []byte, at int) uint32 { return binary.BigEndian.Uint32(b[at:]) }
