package pdf

import (
	"bytes"
	"fmt"
	"strconv"
)

// withLang adds the document language (/Lang) to the PDF catalog, which
// gofpdf does not set; screen readers use it to pick a voice. gofpdf writes
// the catalog as the last object before the cross-reference table, so the
// insertion moves only the table: the startxref offset is shifted to match.
func withLang(pdf []byte, lang string) ([]byte, error) {
	if lang == "" {
		return pdf, nil
	}
	for _, r := range lang {
		if !(r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return nil, fmt.Errorf("pdf: language tag %q is not BCP 47", lang)
		}
	}
	const catalog, startxref = "/Type /Catalog", "startxref\n"
	at := bytes.LastIndex(pdf, []byte(catalog))
	sx := bytes.LastIndex(pdf, []byte(startxref))
	if at < 0 || sx < at {
		return nil, fmt.Errorf("pdf: cannot place /Lang: unexpected layout")
	}
	numStart := sx + len(startxref)
	numEnd := numStart + bytes.IndexByte(pdf[numStart:], '\n')
	if numEnd < numStart {
		return nil, fmt.Errorf("pdf: cannot place /Lang: no startxref offset")
	}
	offset, err := strconv.Atoi(string(pdf[numStart:numEnd]))
	if err != nil || offset < at {
		return nil, fmt.Errorf("pdf: cannot place /Lang: bad startxref offset")
	}
	insert := []byte("\n/Lang (" + lang + ")")
	out := make([]byte, 0, len(pdf)+len(insert)+4)
	out = append(out, pdf[:at+len(catalog)]...)
	out = append(out, insert...)
	out = append(out, pdf[at+len(catalog):numStart]...)
	out = strconv.AppendInt(out, int64(offset+len(insert)), 10)
	out = append(out, pdf[numEnd:]...)
	return out, nil
}
