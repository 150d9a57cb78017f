package certificate_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/waymark/waymark/internal/certificate"
	"github.com/waymark/waymark/internal/pdf/pdftest"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testfix"
)

// squash joins pdftotext's layout whitespace so a field found across
// column padding still matches.
var spaces = regexp.MustCompile(`\s+`)

func squash(s string) string { return spaces.ReplaceAllString(s, " ") }

func TestCertificatePDFHasEveryField(t *testing.T) {
	s, db := newService(t)
	ctx := context.Background()
	tests := []struct {
		name    string
		expires *time.Time
		expiry  string
	}{
		{"Nguyễn Thị Minh Khai", ptr(time.Date(2027, 6, 30, 12, 0, 0, 0, boston)), "June 30, 2027"},
		{"Jean-Baptiste Désir", nil, "Does not expire"},
		{"João Conceição", ptr(time.Date(2028, 1, 5, 12, 0, 0, 0, boston)), "January 5, 2028"},
		{"王小明", nil, "Does not expire"},
		{"Wòch Lapè Fanmi Ayiti", nil, "Does not expire"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLearner(t, db, learnerSpec{Name: tt.name, Version: "3.2", Minutes: 95, Score: 87,
				Title:       "Police recognition and victim-centered first response",
				CompletedAt: time.Date(2026, 4, 9, 10, 30, 0, 0, boston), ExpiresAt: tt.expires})
			d, err := s.ForCompletion(ctx, l.CompletionID)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := s.RenderPDF(&buf, d); err != nil {
				t.Fatal(err)
			}
			text := squash(pdftest.Text(t, buf.Bytes()))
			verifyURL := baseURL + "/verify/" + certificate.Format(d.Code)
			for _, want := range []string{
				tt.name,
				"Police officer · " + l.OrgName,
				"Police recognition and victim-centered first response",
				"M4 · Version 3.2",
				"95 minutes",
				"April 9, 2026",
				tt.expiry,
				"87%",
				certificate.Format(d.Code),
				verifyURL,
				"Certificate of Completion",
				squash(certificate.ProgramName),
			} {
				if !strings.Contains(text, want) {
					t.Errorf("certificate text lacks %q:\n%s", want, text)
				}
			}
			for _, never := range []string{"CE credit", "continuing education", "CEU", l.Email} {
				if strings.Contains(strings.ToLower(text), strings.ToLower(never)) {
					t.Errorf("certificate says %q", never)
				}
			}
			info := pdftest.Info(t, buf.Bytes())
			if info["Page size"] != "792 x 612 pts (letter)" || info["Pages"] != "1" ||
				!strings.Contains(info["Title"], "Certificate of completion") || !strings.Contains(info["Title"], tt.name) {
				t.Errorf("pdfinfo: %v", info)
			}
			if !bytes.Contains(buf.Bytes(), []byte("/Lang (en-US)")) {
				t.Error("document language not set")
			}
			if imgs := pdftest.Images(t, buf.Bytes()); len(imgs) != 0 {
				t.Errorf("%d images in the PDF, want the QR code drawn as vector modules", len(imgs))
			}
			if got := decodeQR(t, pdftest.Page(t, buf.Bytes(), 1, 150)); got != verifyURL {
				t.Errorf("QR code on the printed page reads %q, want %q", got, verifyURL)
			}
		})
	}
}

// TestQRDrawsTheEncodersModules: the certificate page, rendered at one
// pixel a point, has each module the encoder set dark and every other
// module light, quiet zone included.
func TestQRDrawsTheEncodersModules(t *testing.T) {
	d := benchDetails("Ana")
	url := baseURL + "/verify/" + certificate.Format(d.Code)
	bitmap, err := certificate.QR(url)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := certificate.Render(&buf, d, url, boston); err != nil {
		t.Fatal(err)
	}
	// The square's top left corner is at (628, 444) on the page, 104
	// points wide; render at 2 pixels a point (5 a module) to sample module centres.
	const scale, left, top, size = 2.0, 628.0, 444.0, 104.0
	page := pdftest.Page(t, buf.Bytes(), 1, 72*scale)
	m := size / float64(len(bitmap))
	for r, row := range bitmap {
		for c, set := range row {
			x, y := int((left+(float64(c)+0.5)*m)*scale), int((top+(float64(r)+0.5)*m)*scale)
			g := color.GrayModel.Convert(page.At(x, y)).(color.Gray).Y
			if (g < 128) != set {
				t.Fatalf("module row %d column %d: grey %d, want dark = %v", r, c, g, set)
			}
		}
	}
	if got := decodeQR(t, page); got != url {
		t.Errorf("QR reads %q, want %q", got, url)
	}
}

func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("QR does not decode: %v", err)
	}
	return res.GetText()
}

func TestTranscriptListsEveryCompletionAcrossCycles(t *testing.T) {
	s, db := newService(t)
	ctx := context.Background()
	l := newLearner(t, db, learnerSpec{Name: "Nguyễn Thị Minh Khai", Title: "Foundations of recognizing trafficking",
		Version: "1.0", Minutes: 60, Score: 82, CompletedAt: time.Date(2024, 9, 3, 12, 0, 0, 0, boston),
		ExpiresAt: ptr(time.Date(2025, 9, 3, 12, 0, 0, 0, boston))})
	// Four renewal cycles of an annual refresher (one version updated
	// along the way) and 36 more courses: enough rows for a second page.
	refresher := testfix.Unique("refresher-")
	for cycle := 1; cycle <= 4; cycle++ {
		version := "2025.1"
		if cycle > 2 {
			version = "2026.1"
		}
		course, v := testfix.CourseVersion(t, db, testfix.CourseSpec{Slug: refresher, Title: "Annual refresher", Code: "R", Version: version, Minutes: 30})
		testfix.Completion(t, db, testfix.CompletionSpec{UserID: l.UserID, CourseID: course, VersionID: v, Cycle: cycle,
			CompletedAt: time.Date(2024+cycle/2, time.Month(1+cycle*2), 10, 12, 0, 0, 0, boston)})
	}
	for i := 0; i < 36; i++ {
		course, v := testfix.CourseVersion(t, db, testfix.CourseSpec{Title: "Course number " + strconv.Itoa(i), Code: "X" + strconv.Itoa(i)})
		testfix.Completion(t, db, testfix.CompletionSpec{UserID: l.UserID, CourseID: course, VersionID: v,
			CompletedAt: time.Date(2026, 1, 1+i/2, 12, 0, 0, 0, boston)})
	}
	rows, err := s.ForUser(ctx, l.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 41 {
		t.Fatalf("%d transcript rows, want 41", len(rows))
	}
	admin := newLearner(t, db, learnerSpec{Name: "Admin"})
	if err := s.Revoke(ctx, admin.UserID, rows[0].ID, "Record corrected"); err != nil {
		t.Fatal(err)
	}
	rows, _ = s.ForUser(ctx, l.UserID)
	var buf bytes.Buffer
	err = s.RenderTranscript(&buf, certificate.Person{Name: l.Name, OrgName: l.OrgName, JobRole: "Police officer"}, rows)
	if err != nil {
		t.Fatal(err)
	}
	raw := pdftest.Text(t, buf.Bytes())
	text := squash(raw)
	for _, want := range []string{"Training transcript", "Nguyễn Thị Minh Khai", l.OrgName, "Police officer",
		"M4 — Foundations of", "2024-09-03", "2025-09-03", "82%", "revoked 2026-05-14",
		"41 completions", "page 2", "R — Annual refresher 2025.1", "R — Annual refresher 2026.1", "X35 — Course number 35", squash(certificate.ProgramName)} {
		if !strings.Contains(text, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
	for _, r := range rows {
		if !strings.Contains(raw, certificate.Format(r.Code)) {
			t.Errorf("transcript lacks code %s (a code must never be split across lines)", certificate.Format(r.Code))
		}
	}
	if info := pdftest.Info(t, buf.Bytes()); info["Pages"] < "2" || info["Page size"] != "612 x 792 pts (letter)" {
		t.Errorf("pdfinfo: %v", info)
	}
}

func BenchmarkRenderCertificate(b *testing.B) { benchRender(b, "Jean-Baptiste Désir") }

// BenchmarkRenderCertificateVietnamese: a name Windows-1252 cannot set
// embeds a TrueType face (DejaVu Serif Bold), as for about one name in
// eight of the benchmark dataset.
func BenchmarkRenderCertificateVietnamese(b *testing.B) { benchRender(b, "Nguyễn Thị Phạm") }

func BenchmarkRenderCertificateCJK(b *testing.B) { benchRender(b, "王小明") }

func benchRender(b *testing.B, name string) {
	d := benchDetails(name)
	for b.Loop() {
		if err := certificate.Render(&bytes.Buffer{}, d, "https://waymark.example.org/verify/"+certificate.Format(d.Code), boston); err != nil {
			b.Fatal(err)
		}
	}
}

func benchDetails(name string) store.CertificateDetails {
	code, _ := certificate.NewCode()
	return store.CertificateDetails{Code: code, PersonName: name, OrgName: "Lowell Police Department",
		JobRole: "Police officer", CourseTitle: "Police recognition and victim-centered first response",
		CourseCode: "M4", CourseVersion: "3.2", Score: 92, Minutes: 95, CompletedAt: now, IssuedAt: now,
		ExpiresAt: ptr(now.AddDate(1, 0, 0))}
}

func TestRenderPDFCacheServesTheSameBytesAndSeesChanges(t *testing.T) {
	s, _ := newService(t)
	d := benchDetails("Jean-Baptiste Désir")
	var first, second, renamed bytes.Buffer
	if err := s.RenderPDF(&first, d); err != nil {
		t.Fatal(err)
	}
	if err := s.RenderPDF(&second, d); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Fatal("a repeated render differs")
	}
	d.PersonName = "Jean-Baptiste Désir-Louis"
	if err := s.RenderPDF(&renamed, d); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(pdftest.Text(t, renamed.Bytes()), "Désir-Louis") {
		t.Fatal("a changed name was served from the cache")
	}
}

func BenchmarkRenderPDFCached(b *testing.B) {
	s, err := certificate.New(nil, certificate.Options{BaseURL: baseURL, Location: boston})
	if err != nil {
		b.Fatal(err)
	}
	d := benchDetails("Jean-Baptiste Désir")
	for b.Loop() {
		if err := s.RenderPDF(io.Discard, d); err != nil {
			b.Fatal(err)
		}
	}
}

// TestTranscriptNeverBreaksACode: the widest possible code (all W, the
// widest symbol) stays on one line.
func TestTranscriptNeverBreaksACode(t *testing.T) {
	rows := []store.CertificateDetails{benchDetails("Ana"), benchDetails("Ana")}
	rows[0].Code = strings.Repeat("W", certificate.CodeLen)
	rows[1].Code = strings.Repeat("M", certificate.CodeLen)
	rows[1].RevokedAt = ptr(now)
	var buf bytes.Buffer
	if err := certificate.RenderTranscript(&buf, certificate.Person{Name: "Ana"}, rows, baseURL+"/verify", now, boston); err != nil {
		t.Fatal(err)
	}
	text := pdftest.Text(t, buf.Bytes())
	for _, r := range rows {
		if !strings.Contains(text, certificate.Format(r.Code)) {
			t.Errorf("transcript breaks %s:\n%s", certificate.Format(r.Code), text)
		}
	}
	if !strings.Contains(text, "revoked") {
		t.Error("revocation not shown")
	}
}

func TestLongVerifyAddressIsNeverShortened(t *testing.T) {
	d := benchDetails("Ana")
	url := "https://training.example.massachusetts-statewide-program.org/waymark/verify/" + certificate.Format(d.Code)
	var buf bytes.Buffer
	if err := certificate.Render(&buf, d, url, boston); err != nil {
		t.Fatal(err)
	}
	if text := pdftest.Text(t, buf.Bytes()); !strings.Contains(text, url) {
		t.Fatalf("the verify address is not printed whole:\n%s", text)
	}
}
