package certificate

import (
	"context"
	"time"

	"github.com/waymark/waymark/internal/store"
)

// Status is what verification says about a certificate.
type Status string

const (
	Valid   Status = "valid"
	Expired Status = "expired"
	Revoked Status = "revoked"
)

// StatusAt is a certificate's status at a moment: revoked wins over
// expired; a completion without an expiry date stays valid.
func StatusAt(d store.CertificateDetails, now time.Time) Status {
	switch {
	case d.RevokedAt != nil:
		return Revoked
	case d.ExpiresAt != nil && !now.Before(*d.ExpiresAt):
		return Expired
	}
	return Valid
}

// Verification is what anyone may learn from a code: no email, no
// internal ids, nothing beyond what the certificate itself prints.
type Verification struct {
	Code          string // grouped for reading
	Status        Status
	Name          string
	CourseTitle   string
	CourseVersion string
	CompletedAt   time.Time
	ExpiresAt     *time.Time
	RevokedAt     *time.Time
	RevokedReason string
}

// Verify looks up what a person typed or scanned. Text that cannot be a
// code is ErrMalformed; a well-formed code nobody was issued is
// store.ErrNotFound, answered exactly like any other unknown code.
func (s *Service) Verify(ctx context.Context, input string) (Verification, error) {
	code, err := Normalize(input)
	if err != nil {
		return Verification{}, err
	}
	d, err := s.certs.ByCode(ctx, code)
	if err != nil {
		return Verification{}, err
	}
	v := Verification{Code: Format(d.Code), Status: StatusAt(d, s.now()), Name: d.PersonName,
		CourseTitle: d.CourseTitle, CourseVersion: d.CourseVersion, CompletedAt: d.CompletedAt.In(s.loc),
		ExpiresAt: s.local(d.ExpiresAt)}
	if v.Status == Revoked {
		v.RevokedAt, v.RevokedReason = s.local(d.RevokedAt), d.RevokedReason
	}
	return v, nil
}

// local is t in the service's time zone.
func (s *Service) local(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	l := t.In(s.loc)
	return &l
}
