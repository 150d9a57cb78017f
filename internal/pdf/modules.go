package pdf

import "strconv"

// Modules fills the set cells of a square bitmap (a QR code's modules, row
// by row from the top, quiet zone included) in the current grey, as a
// square size points wide with its top left corner at (x, y). It is
// vector art: no image to encode, decode or compress, sharp at any zoom.
// Each row's runs of set cells are one rectangle, in module units, all
// filled as one path, so neighbouring modules meet with no seam.
func (d *Doc) Modules(x, y, size float64, bitmap [][]bool) {
	n := len(bitmap)
	if n == 0 || d.err != nil {
		return
	}
	_, pageH := d.f.GetPageSize()
	k := d.f.GetConversionRatio()
	m := size / float64(n) * k
	b := make([]byte, 0, 64+n*n*3)
	// One module is one unit; y grows downwards from the top of the square.
	b = append(b, "q "...)
	b = appendNum(b, m, " 0 0 ")
	b = appendNum(b, -m, " ")
	b = appendNum(b, x*k, " ")
	b = appendNum(b, (pageH-y)*k, " cm\n")
	runs := 0
	for r, row := range bitmap {
		for c := 0; c < len(row); c++ {
			if !row[c] {
				continue
			}
			end := c + 1
			for end < len(row) && row[end] {
				end++
			}
			b = strconv.AppendInt(b, int64(c), 10)
			b = append(b, ' ')
			b = strconv.AppendInt(b, int64(r), 10)
			b = append(b, ' ')
			b = strconv.AppendInt(b, int64(end-c), 10)
			b = append(b, " 1 re\n"...)
			c, runs = end, runs+1
		}
	}
	if runs == 0 {
		return
	}
	b = append(b, "f Q"...)
	d.f.RawWriteStr(string(b))
}

// appendNum appends v with up to four decimals, then sep.
func appendNum(b []byte, v float64, sep string) []byte {
	return append(strconv.AppendFloat(b, v, 'f', 4, 64), sep...)
}
