package pdf

// cp1252High maps the runes Windows-1252 places in 0x80–0x9F (where
// Latin-1 has control codes) to their bytes. The PDF standard fonts use
// this encoding (WinAnsiEncoding) in gofpdf.
var cp1252High = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87,
	'ˆ': 0x88, '‰': 0x89, 'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E,
	'‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97,
	'˜': 0x98, '™': 0x99, 'š': 0x9A, '›': 0x9B, 'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
}

// toCP1252 encodes s in Windows-1252, or reports false when a rune of s
// (or an invalid UTF-8 byte) has no place in it.
func toCP1252(s string) (string, bool) {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s, true
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r < 0x80, r >= 0xA0 && r <= 0xFF:
			b = append(b, byte(r))
		default:
			c, ok := cp1252High[r]
			if !ok {
				return "", false
			}
			b = append(b, c)
		}
	}
	return string(b), true
}
