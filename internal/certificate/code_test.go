package certificate_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/waymark/waymark/internal/certificate"
)

func TestNewCodeIsLongUniqueAndUnambiguous(t *testing.T) {
	seen := map[string]bool{}
	counts := map[rune]int{}
	for i := 0; i < 5000; i++ {
		c, err := certificate.NewCode()
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != certificate.CodeLen || seen[c] {
			t.Fatalf("code %q: wrong length or repeated", c)
		}
		seen[c] = true
		for _, r := range c {
			if strings.ContainsRune("0O1IL", r) || !strings.ContainsRune(certificate.Alphabet, r) {
				t.Fatalf("code %q has ambiguous or foreign %q", c, r)
			}
			counts[r]++
		}
	}
	// 80,000 draws over 30 symbols: each appears about 2,667 times (σ ≈ 51).
	// A plain modulo of a byte would draw the first 16 symbols about 2,812
	// times and the last 14 about 2,500: compare the two groups' means
	// (σ of the difference ≈ 19).
	var first, last float64
	for i, r := range certificate.Alphabet {
		n := counts[r]
		if n < 2400 || n > 2950 {
			t.Errorf("symbol %q drawn %d times, want about 2,667", r, n)
		}
		if i < 16 {
			first += float64(n) / 16
		} else {
			last += float64(n) / 14
		}
	}
	if d := first - last; d > 100 || d < -100 {
		t.Errorf("symbols drawn unevenly: first 16 average %.0f, last 14 average %.0f", first, last)
	}
	if len(certificate.Alphabet) != 30 {
		t.Fatalf("alphabet has %d symbols", len(certificate.Alphabet))
	}
}

func TestFormatAndNormalize(t *testing.T) {
	const code = "ABCD2345EFGH6789"
	if got := certificate.Format(code); got != "ABCD-2345-EFGH-6789" {
		t.Fatalf("Format = %q", got)
	}
	ok := []string{
		"ABCD-2345-EFGH-6789",
		"abcd 2345 efgh 6789",
		"  AbCd2345eFgH6789\n",
		"ABCD–2345—EFGH−6789", // en dash, em dash, minus sign
		"ＡＢＣＤ－２３４５－ＥＦＧＨ－６７８９", // full width, from a CJK input method
		"ABCD.2345.EFGH.6789",
	}
	for _, in := range ok {
		got, err := certificate.Normalize(in)
		if err != nil || got != code {
			t.Errorf("Normalize(%q) = %q, %v; want %q", in, got, err, code)
		}
	}
	bad := []string{
		"", "ABCD-2345-EFGH-678", "ABCD-2345-EFGH-67899",
		"ABCD-2345-EFGH-678O", "ABCD-2345-EFGH-6780", "ABCD-2345-EFGH-678I", "ABCD-2345-EFGH-678L", "ABCD-2345-EFGH-6781",
		"ABCD-2345-EFGH-678U", "ABCD-2345-EFGH-678%", "ABCD-2345-EFGH-678É", "' OR 1=1 --",
	}
	for _, in := range bad {
		if got, err := certificate.Normalize(in); !errors.Is(err, certificate.ErrMalformed) {
			t.Errorf("Normalize(%q) = %q, %v; want ErrMalformed", in, got, err)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	f.Add("ABCD-2345-EFGH-6789")
	f.Add("ａｂｃｄ ２３４５")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := certificate.Normalize(s)
		if err != nil {
			return
		}
		if len(got) != certificate.CodeLen {
			t.Fatalf("Normalize(%q) = %q", s, got)
		}
		if again, err := certificate.Normalize(certificate.Format(got)); err != nil || again != got {
			t.Fatalf("formatted code does not normalize back: %q → %q, %v", got, again, err)
		}
	})
}
