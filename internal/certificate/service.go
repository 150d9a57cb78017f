package certificate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // dates print in Massachusetts time even on machines without zoneinfo

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/pdf"
	"github.com/waymark/waymark/internal/store"
)

// ProgramName is printed on every certificate and transcript. It names the
// plan the training follows; it never claims continuing-education credit.
const ProgramName = "Waymark — training aligned with Recommendation 1/5 of the Massachusetts Five-Year Statewide Plan to Address Sex Trafficking"

// ErrReasonRequired: a revocation needs a reason people can read.
var ErrReasonRequired = errors.New("certificate: give a reason for revoking")

// Options are the settings a Service runs with.
type Options struct {
	BaseURL  string         // public address verify links point to
	Mail     *mail.Renderer // nil: no "certificate ready" email
	Now      func() time.Time
	Location *time.Location // dates are printed in it; default America/New_York
	// PDFCacheBytes bounds the in-memory cache of rendered certificates
	// (default 32 MiB, about 900 certificates; negative: no cache).
	PDFCacheBytes int
}

// Service issues, finds, verifies, renders and revokes certificates.
type Service struct {
	db      *sqlx.DB
	certs   *store.Certificates
	mail    *mail.Renderer
	baseURL string
	now     func() time.Time
	loc     *time.Location
	cache   *pdfCache
}

// New returns the service.
func New(db *sqlx.DB, o Options) (*Service, error) {
	s := &Service{db: db, certs: store.NewCertificates(db), mail: o.Mail,
		baseURL: strings.TrimRight(o.BaseURL, "/"), now: o.Now, loc: o.Location}
	if s.now == nil {
		s.now = time.Now
	}
	switch {
	case o.PDFCacheBytes == 0:
		s.cache = newPDFCache(32 << 20)
	case o.PDFCacheBytes > 0:
		s.cache = newPDFCache(o.PDFCacheBytes)
	}
	if s.loc == nil {
		loc, err := time.LoadLocation("America/New_York")
		if err != nil {
			return nil, fmt.Errorf("certificate: time zone: %w", err)
		}
		s.loc = loc
	}
	return s, pdf.Check()
}

// VerifyURL is the public page a certificate's QR code and text point to.
func (s *Service) VerifyURL(code string) string { return s.baseURL + "/verify/" + Format(code) }

// Issue gives a completion its certificate inside tx, once: calling it
// again returns the same code. It returns the stored-form code.
func (s *Service) Issue(ctx context.Context, tx *sqlx.Tx, completionID int64) (string, error) {
	code, _, err := s.issue(ctx, tx, completionID)
	return code, err
}

func (s *Service) issue(ctx context.Context, tx *sqlx.Tx, completionID int64) (string, bool, error) {
	for try := 0; try < 5; try++ {
		code, err := NewCode()
		if err != nil {
			return "", false, err
		}
		_, got, created, err := s.certs.IssueTx(ctx, tx, completionID, code, s.now())
		if errors.Is(err, store.ErrConflict) {
			continue // a 1-in-10^23 collision: draw again
		}
		if err != nil {
			return "", false, fmt.Errorf("certificate: issue: %w", err)
		}
		return got, created, nil
	}
	return "", false, fmt.Errorf("certificate: issue: no free code after 5 draws")
}

// OnCompleted is the learning service's completion hook: it issues the
// certificate and queues the "certificate ready" email in the transaction
// that records the completion, so all three commit together.
func (s *Service) OnCompleted(ctx context.Context, tx *sqlx.Tx, completionID int64) error {
	code, created, err := s.issue(ctx, tx, completionID)
	if err != nil || !created || s.mail == nil {
		return err
	}
	return s.queueReady(ctx, tx, completionID, code)
}

// readyEmail is what templates/email/certificate.* see as .Data.
type readyEmail struct {
	Name, CourseTitle, CourseVersion, Code, DownloadURL, VerifyURL, ListURL string
}

func (s *Service) queueReady(ctx context.Context, tx *sqlx.Tx, completionID int64, code string) error {
	d, err := s.certs.ByCompletionTx(ctx, tx, completionID)
	if err != nil {
		return fmt.Errorf("certificate: ready email: %w", err)
	}
	to, err := s.certs.ContactForCompletionTx(ctx, tx, completionID)
	if err != nil {
		return fmt.Errorf("certificate: ready email: %w", err)
	}
	rd, err := s.mail.Render("certificate", readyEmail{
		Name: d.PersonName, CourseTitle: d.CourseTitle, CourseVersion: d.CourseVersion, Code: Format(code),
		DownloadURL: s.baseURL + DownloadPath(completionID), VerifyURL: s.VerifyURL(code),
		ListURL: s.baseURL + "/my/certificates",
	})
	if err != nil {
		return err
	}
	m := rd.Message("certificate.ready", "certificate-ready:"+strconv.FormatInt(completionID, 10), to.Email)
	m.UserID = &d.UserID
	_, err = mail.Enqueue(ctx, tx, m)
	return err
}

// DownloadPath is where a learner downloads the certificate of one of
// their completions.
func DownloadPath(completionID int64) string {
	return "/my/certificates/" + strconv.FormatInt(completionID, 10) + ".pdf"
}

// ForCompletion returns the certificate of a completion, issuing it first
// when the completion predates certificates (idempotent).
func (s *Service) ForCompletion(ctx context.Context, completionID int64) (store.CertificateDetails, error) {
	d, err := s.certs.ByCompletion(ctx, completionID)
	if !errors.Is(err, store.ErrNotFound) {
		return d, err
	}
	err = store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		_, err := s.Issue(ctx, tx, completionID)
		return err
	})
	if err != nil {
		return d, err
	}
	return s.certs.ByCompletion(ctx, completionID)
}

// ForUser returns every certificate of a person across cycles, issuing
// any that are missing: the rows of the training transcript.
func (s *Service) ForUser(ctx context.Context, userID int64) ([]store.CertificateDetails, error) {
	missing, err := s.certs.CompletionsWithout(ctx, userID)
	if err != nil {
		return nil, err
	}
	if err := s.issueAll(ctx, missing); err != nil {
		return nil, err
	}
	return s.certs.ForUser(ctx, userID)
}

func (s *Service) issueAll(ctx context.Context, completionIDs []int64) error {
	if len(completionIDs) == 0 {
		return nil
	}
	return store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		for _, id := range completionIDs {
			if _, err := s.Issue(ctx, tx, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// EachInSubtree calls fn with every certificate of people in an
// organization subtree completed in [from, to), in completion order,
// issuing missing ones first. It reads in pages so a statewide subtree
// never sits in memory at once.
func (s *Service) EachInSubtree(ctx context.Context, f store.SubtreeFilter, fn func(store.CertificateDetails) error) error {
	missing, err := s.certs.SubtreeCompletionsWithout(ctx, f)
	if err != nil {
		return err
	}
	if err := s.issueAll(ctx, missing); err != nil {
		return err
	}
	const page = 200
	var after int64
	for {
		rows, err := s.certs.InSubtree(ctx, f, after, page)
		if err != nil {
			return err
		}
		for _, d := range rows {
			if err := fn(d); err != nil {
				return err
			}
		}
		if len(rows) < page {
			return nil
		}
		after = rows[len(rows)-1].CompletionID
	}
}

// Search finds certificates for administrators: text that normalizes to a
// code finds that certificate; other text matches names and emails.
func (s *Service) Search(ctx context.Context, q string) ([]store.CertificateDetails, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, nil
	}
	code, err := Normalize(q)
	if err != nil {
		code = ""
	}
	return s.certs.Search(ctx, code, q, 50)
}

// ByID returns one certificate.
func (s *Service) ByID(ctx context.Context, id int64) (store.CertificateDetails, error) {
	return s.certs.ByID(ctx, id)
}

// Revoke marks a certificate revoked by an administrator, with the reason
// shown on the public verify page, and records it in the audit log in the
// same transaction. Revoking twice is store.ErrConflict.
func (s *Service) Revoke(ctx context.Context, actorID, certID int64, reason string) error {
	reason = strings.Join(strings.Fields(reason), " ")
	if reason == "" {
		return ErrReasonRequired
	}
	return store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		d, err := s.certs.ForUpdateTx(ctx, tx, certID)
		if err != nil {
			return err
		}
		if d.RevokedAt != nil {
			return fmt.Errorf("certificate: already revoked: %w", store.ErrConflict)
		}
		at := s.now()
		if err := s.certs.RevokeTx(ctx, tx, certID, actorID, reason, at); err != nil {
			return err
		}
		return store.Audit(ctx, tx, store.AuditEntry{
			ActorID: &actorID, Action: "certificate.revoke", Entity: "certificate",
			EntityID: strconv.FormatInt(certID, 10), OrgID: &d.OrgID,
			Before: map[string]any{"code": Format(d.Code), "revoked": false},
			After:  map[string]any{"code": Format(d.Code), "revoked": true, "revoked_at": at, "reason": reason},
		})
	})
}

// ForPersonCompletion returns the certificate of one of a person's
// completions; a completion of anyone else is store.ErrNotFound, checked
// before anything is issued.
func (s *Service) ForPersonCompletion(ctx context.Context, userID, completionID int64) (store.CertificateDetails, error) {
	owner, err := s.certs.CompletionUser(ctx, completionID)
	if err != nil {
		return store.CertificateDetails{}, err
	}
	if owner != userID {
		return store.CertificateDetails{}, fmt.Errorf("certificate: completion %d of another person: %w", completionID, store.ErrNotFound)
	}
	return s.ForCompletion(ctx, completionID)
}

// Transcript writes a person's training transcript PDF.
func (s *Service) Transcript(ctx context.Context, w io.Writer, userID int64) error {
	p, err := s.certs.TranscriptPerson(ctx, userID)
	if err != nil {
		return err
	}
	rows, err := s.ForUser(ctx, userID)
	if err != nil {
		return err
	}
	return s.RenderTranscript(w, Person{Name: p.Name, OrgName: p.OrgName, JobRole: p.JobRole}, rows)
}

// OrgChoices lists the organizations whose certificates a viewer may
// download together: the subtrees of a manager's scopes, or every
// organization for an administrator.
func (s *Service) OrgChoices(ctx context.Context, scopes []int64, admin bool) ([]store.OrgChoice, error) {
	if admin {
		scopes = nil // every root already, with everything below
	}
	all, err := s.certs.OrgChoices(ctx, scopes, admin)
	if err != nil {
		return nil, err
	}
	// A scope inside another scope's subtree would list its orgs twice.
	seen := make(map[int64]bool, len(all))
	out := all[:0]
	for _, o := range all {
		if !seen[o.ID] {
			seen[o.ID] = true
			out = append(out, o)
		}
	}
	return out, nil
}

// Location is the time zone dates are shown in.
func (s *Service) Location() *time.Location { return s.loc }
