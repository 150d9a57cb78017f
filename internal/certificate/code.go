// Package certificate issues, renders, verifies and revokes completion
// certificates: each completion gets one public verification code, a PDF
// set in embedded UTF-8 fonts with a QR code to the public verify page, and
// a place in the learner's training transcript.
package certificate

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
)

// Alphabet is the set of characters codes are made of: digits and capital
// letters without 0, O, 1, I and L (which read alike) and U (which reads
// like V when handwritten). 30 symbols.
const Alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"

// CodeLen is the number of symbols in a code: 16 × log2(30) ≈ 78.5 bits
// from crypto/rand, so guessing one valid code among even millions issued
// takes on the order of 10^17 tries.
const CodeLen = 16

// groupLen is how codes are grouped for reading aloud: four groups of four, e.g. F6QY-N6ZV-QA28-R8T2.
const groupLen = 4

// ErrMalformed means text cannot be a code at all (wrong length or a
// character that never appears in codes); it says nothing about whether a
// certificate exists.
var ErrMalformed = errors.New("certificate: not a verification code")

// NewCode returns a fresh random code in its stored form (16 symbols, no
// dashes). Symbols are drawn uniformly by rejection sampling.
func NewCode() (string, error) {
	out := make([]byte, 0, CodeLen)
	buf := make([]byte, 32)
	for len(out) < CodeLen {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("certificate: random: %w", err)
		}
		for _, b := range buf {
			// 240 = 8 × 30: bytes at or above it would bias the draw.
			if b < 240 && len(out) < CodeLen {
				out = append(out, Alphabet[b%30])
			}
		}
	}
	return string(out), nil
}

// Format groups a stored code for display: ABCD-EFGH-JKMN-PQRS.
func Format(code string) string {
	var b strings.Builder
	for i, r := range code {
		if i > 0 && i%groupLen == 0 {
			b.WriteByte('-')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Normalize turns what a person typed or a QR scanner read into the stored
// form: case folded, full-width forms (from CJK input methods) folded to
// ASCII, and spaces, dashes of every kind, dots and underscores dropped.
// Text that still is not 16 symbols of the alphabet is ErrMalformed.
func Normalize(s string) (string, error) {
	var b strings.Builder
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E {
			r -= 0xFEE0 // full-width ASCII
		}
		switch {
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == 0xA0 || r == 0x3000,
			r == '-' || r == '_' || r == '.' || r == '·',
			r >= 0x2010 && r <= 0x2015, r == 0x2212:
			continue
		}
		if !strings.ContainsRune(Alphabet, r) || b.Len() >= CodeLen {
			return "", ErrMalformed
		}
		b.WriteRune(r)
	}
	if b.Len() != CodeLen {
		return "", ErrMalformed
	}
	return b.String(), nil
}
