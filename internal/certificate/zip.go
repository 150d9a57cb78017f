package certificate

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"
	"unicode"

	"github.com/waymark/waymark/internal/store"
)

// WriteZIP writes every certificate of people in an organization subtree
// completed in the filter's period to w as a ZIP archive, one PDF per
// completion in completion order, and returns how many it wrote. Entries
// are written as they are rendered, so a statewide subtree streams
// instead of sitting in memory; rendering runs on every core while the
// archive keeps its order. flush (may be nil) is called after each entry
// so a network stream moves on. If rendering fails part-way, an
// INCOMPLETE.txt entry says so and the error is returned.
func (s *Service) WriteZIP(ctx context.Context, w io.Writer, f store.SubtreeFilter, flush func() error) (int, error) {
	zw := zip.NewWriter(w)
	n, err := s.writeEntries(ctx, zw, f, flush)
	if err != nil {
		if fw, zerr := zw.Create("INCOMPLETE.txt"); zerr == nil {
			fmt.Fprintf(fw, "This download stopped after %d certificates because of an error. Please download it again.\n", n)
		}
	}
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// rendered is one certificate's PDF, or why it failed, delivered to the
// writer in archive order.
type rendered struct {
	name string
	pdf  []byte
	at   time.Time
	err  error
}

func (s *Service) writeEntries(ctx context.Context, zw *zip.Writer, f store.SubtreeFilter, flush func() error) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := max(1, runtime.GOMAXPROCS(0))
	// order holds one result channel per certificate, in archive order;
	// its capacity bounds how far rendering runs ahead of writing.
	order := make(chan chan rendered, 2*workers)
	jobs := make(chan func(), workers)
	for i := 0; i < workers; i++ {
		go func() {
			for job := range jobs {
				job()
			}
		}()
	}
	produced := make(chan error, 1)
	go func() {
		defer close(order)
		defer close(jobs)
		produced <- s.EachInSubtree(ctx, f, func(d store.CertificateDetails) error {
			out := make(chan rendered, 1)
			select {
			case order <- out:
			case <-ctx.Done():
				return ctx.Err()
			}
			jobs <- func() {
				var buf bytes.Buffer
				err := s.RenderPDF(&buf, d)
				out <- rendered{name: ZIPEntryName(d, s.loc), pdf: buf.Bytes(), at: d.IssuedAt, err: err}
			}
			return nil
		})
	}()
	n := 0
	for out := range order {
		r := <-out
		if r.err != nil {
			return n, r.err
		}
		// PDFs are compressed already: store them as they are.
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: r.name, Method: zip.Store, Modified: r.at})
		if err != nil {
			return n, err
		}
		if _, err := fw.Write(r.pdf); err != nil {
			return n, err
		}
		n++
		if flush != nil {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	return n, <-produced
}

// ZIPEntryName names a certificate inside a ZIP: person, course code,
// completion date and code, with nothing that could be read as a path.
func ZIPEntryName(d store.CertificateDetails, loc *time.Location) string {
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			switch {
			case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-':
				return r
			case unicode.IsSpace(r) || r == '.' || r == '_':
				return '_'
			}
			return -1
		}, s)
	}
	return fmt.Sprintf("%s_%s_%s_%s.pdf", clean(d.PersonName), clean(d.CourseCode),
		d.CompletedAt.In(loc).Format(time.DateOnly), Format(d.Code))
}
