package web

import (
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/waymark/waymark/internal/certificate"
	"github.com/waymark/waymark/internal/store"
)

// verifyPage is what templates/pages/verify.html shows: the form, a
// result, or that no certificate has the code.
type verifyPage struct {
	Code     string
	Errors   map[string]string
	Result   *certificate.Verification
	NotFound bool
}

// handleVerifyForm shows the verification form; with ?code= it sends a
// well-formed code on to its page and re-shows the form for anything else.
func (a *App) handleVerifyForm(c *fiber.Ctx) error {
	publicNoIndex(c)
	input := strings.TrimSpace(utils.CopyString(c.Query("code")))
	if _, present := c.Queries()["code"]; !present {
		return a.render(c, fiber.StatusOK, "verify", Page{Title: "Check a certificate", Data: verifyPage{}})
	}
	code, err := certificate.Normalize(input)
	if err != nil {
		msg := "Enter the 16-character code printed on the certificate, such as ABCD-EFGH-JKMN-PQRS."
		if input != "" {
			msg = "That is not a certificate code. Codes have 16 letters and digits (never 0, O, 1, I, L or U), such as ABCD-EFGH-JKMN-PQRS."
		}
		return a.render(c, fiber.StatusUnprocessableEntity, "verify", Page{Title: "Check a certificate",
			Data: verifyPage{Code: input, Errors: map[string]string{"code": msg}}})
	}
	return c.Redirect("/verify/"+url.PathEscape(certificate.Format(code)), fiber.StatusSeeOther)
}

// handleVerify shows whether a certificate is valid, expired or revoked.
// Every code that leads to no certificate — unknown or malformed — gets
// the same 404 page.
func (a *App) handleVerify(c *fiber.Ctx) error {
	publicNoIndex(c)
	input := utils.CopyString(c.Params("code"))
	if u, err := url.PathUnescape(input); err == nil {
		input = u // a code typed with spaces arrives as %20
	}
	v, err := a.certificates.svc.Verify(c.UserContext(), input)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, certificate.ErrMalformed) {
		return a.render(c, fiber.StatusNotFound, "verify", Page{Title: "No certificate found",
			Data: verifyPage{NotFound: true}})
	}
	if err != nil {
		return err
	}
	return a.render(c, fiber.StatusOK, "verify", Page{Title: "Certificate check", Data: verifyPage{Result: &v}})
}

// publicNoIndex keeps verification pages (which show a person's name) out
// of search engines and shared caches.
func publicNoIndex(c *fiber.Ctx) {
	c.Set("X-Robots-Tag", "noindex, nofollow")
	c.Set(fiber.HeaderCacheControl, "no-store")
}
