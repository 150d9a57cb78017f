package web

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/waymark/waymark/internal/certificate"
	"github.com/waymark/waymark/internal/store"
)

// adminCertRow is a certificate as administrators see it.
type adminCertRow struct {
	store.CertificateDetails
	Status      certificate.Status
	DisplayCode string
	VerifyURL   string
}

func (a *App) adminCertRow(d store.CertificateDetails) adminCertRow {
	loc := a.certificates.svc.Location()
	d.CompletedAt, d.IssuedAt = d.CompletedAt.In(loc), d.IssuedAt.In(loc)
	d.ExpiresAt, d.RevokedAt = inLoc(d.ExpiresAt, loc), inLoc(d.RevokedAt, loc)
	return adminCertRow{CertificateDetails: d, Status: certificate.StatusAt(d, a.now()),
		DisplayCode: certificate.Format(d.Code), VerifyURL: a.certificates.svc.VerifyURL(d.Code)}
}

// handleAdminCertificates finds certificates by code, name or email.
func (a *App) handleAdminCertificates(c *fiber.Ctx) error {
	q := strings.TrimSpace(utils.CopyString(c.Query("q")))
	found, err := a.certificates.svc.Search(c.UserContext(), q)
	if err != nil {
		return err
	}
	rows := make([]adminCertRow, len(found))
	for i, d := range found {
		rows[i] = a.adminCertRow(d)
	}
	return a.render(c, fiber.StatusOK, "certificates_admin", Page{Title: "Certificates",
		Data: certSearchPage{Q: q, Rows: rows, Searched: q != ""}})
}

// certSearchPage is the certificate search and its results.
type certSearchPage struct {
	Q        string
	Rows     []adminCertRow
	Searched bool
}

// revokeForm is the certificate page with its revocation form.
type revokeForm struct {
	Cert   adminCertRow
	Reason string
	Errors map[string]string
}

// handleAdminCertificate shows one certificate and, unless revoked, the
// form to revoke it.
func (a *App) handleAdminCertificate(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	d, err := a.certificates.svc.ByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	return a.render(c, fiber.StatusOK, "certificate_admin", Page{Title: "Certificate " + certificate.Format(d.Code),
		Data: revokeForm{Cert: a.adminCertRow(d), Errors: map[string]string{}}})
}

// handleAdminCertificateRevoke revokes a certificate with the reason the
// public verify page will show; a blank reason re-shows the form.
func (a *App) handleAdminCertificateRevoke(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	reason := formValue(c, "reason")
	err = a.certificates.svc.Revoke(c.UserContext(), viewerOf(c).ID, id, reason)
	if errors.Is(err, certificate.ErrReasonRequired) {
		d, err := a.certificates.svc.ByID(c.UserContext(), id)
		if err != nil {
			return err
		}
		return a.render(c, fiber.StatusUnprocessableEntity, "certificate_admin", Page{Title: "Certificate " + certificate.Format(d.Code),
			Data: revokeForm{Cert: a.adminCertRow(d), Reason: reason, Errors: map[string]string{
				"reason": "Give the reason for revoking. It is shown to anyone who checks the certificate."}}})
	}
	if err != nil {
		return err
	}
	a.setFlash(c, "The certificate is revoked. Its verification page now says so.")
	return c.Redirect("/admin/certificates/"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
}
