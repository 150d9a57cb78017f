package demo

import (
	"context"
	"time"

	"github.com/waymark/waymark/internal/people"
)

// revokedEmail is the demo login whose first certificate was revoked.
const revokedEmail = "patrol-officer@demo.waymark.example"

// revokeOne revokes one certificate, as an administrator would after
// learning the check was taken by someone else, unless one of that
// person's certificates is revoked already.
func (h *history) revokeOne(ctx context.Context, d people.Demo) error {
	var admin, learner int64
	for _, p := range h.ids {
		switch {
		case p.email == revokedEmail:
			learner = p.id
		case admin == 0 && isAdmin(d, p.email):
			admin = p.id
		}
	}
	if learner == 0 || admin == 0 {
		return nil
	}
	certs, err := h.s.Certificates.ForUser(ctx, learner)
	if err != nil {
		return err
	}
	first := int64(0)
	for _, c := range certs {
		if c.RevokedAt != nil {
			return nil
		}
		if first == 0 || c.ID < first {
			first = c.ID
		}
	}
	if first == 0 {
		return nil
	}
	h.s.Clock.Set(h.today.AddDate(0, -2, 0).Add(11 * time.Hour))
	if err := h.s.Certificates.Revoke(ctx, admin, first, "Issued in error: the final check was taken on someone else's account."); err != nil {
		return err
	}
	h.res.Revoked++
	return nil
}

func isAdmin(d people.Demo, email string) bool {
	for _, p := range d.People {
		if p.Email == email {
			return p.Admin
		}
	}
	return false
}
