package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/waymark/waymark/internal/sso"
)

// ssoArea is sign-in with an agency's identity provider and the admin
// pages that configure providers.
type ssoArea struct {
	svc *sso.Service
	app *App
}

// NewSSOArea is the area over the sso service.
func NewSSOArea(svc *sso.Service) Area { return &ssoArea{svc: svc} }

// Cookies: the sign-in under way (its state, set when leaving for the
// provider and read when coming back) and, after a sign-in with a
// provider, that provider's id, so that signing out can offer its
// sign-out too. Neither is a credential.
const (
	ssoFlowCookie = "waymark_sso_flow"
	ssoCookie     = "waymark_sso"
)

var acsPath = regexp.MustCompile(`^/sso/[0-9]+/acs$`)

func init() {
	addPages(map[string]any{
		"sso_admin":      ssoAdminPage{},
		"sso_admin_form": ssoFormPage{},
		"sso_signed_out": ssoSignedOutPage{},
		"sso_failed":     nil,
		"sso_continue":   ssoContinuePage{},
	})
}

// ownCredential: the SAML response is posted by the identity provider's
// page, from its own site, so no CSRF token can come with it. Its
// signature, the relay state bound to this browser's flow cookie and the
// assertion-id replay table protect it instead.
func (s *ssoArea) ownCredential(c *fiber.Ctx) bool {
	return c.Method() == fiber.MethodPost && acsPath.MatchString(c.Path())
}

func (s *ssoArea) init(a *App) error { s.app = a; return nil }

func (s *ssoArea) routes(app fiber.Router, g groups) {
	app.Get("/sso/signed-out", s.handleSignedOut)
	app.Get("/sso/:id", s.handleContinue)
	app.Get("/sso/:id/start", s.handleStart)
	app.Get("/sso/:id/callback", s.handleCallback)
	app.Post("/sso/:id/acs", s.handleACS)
	app.Get("/sso/:id/metadata", s.handleMetadata)

	g.admin.Get("/sso", s.handleAdminList)
	g.admin.Get("/sso/new", s.handleAdminNew)
	g.admin.Post("/sso", s.handleAdminCreate)
	g.admin.Get("/sso/:id", s.handleAdminEdit)
	g.admin.Post("/sso/:id", s.handleAdminUpdate)
	g.admin.Post("/sso/:id/approve", s.handleAdminApprove)
}

func (s *ssoArea) flowCookieName() string {
	if s.app.cfg.Secure() {
		return "__Host-" + ssoFlowCookie
	}
	return ssoFlowCookie
}

// ssoContinuePage leads to the provider.
type ssoContinuePage struct {
	Label, StartURL string
}

// handleContinue is where the sign-in form sends an email of a provider's
// domain: a link to the provider, named.
func (s *ssoArea) handleContinue(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	label, err := s.svc.Label(c.UserContext(), id)
	if err != nil {
		return err
	}
	start := fmt.Sprintf("/sso/%d/start?next=%s", id, url.QueryEscape(safeNext(c.Query("next"))))
	return s.app.render(c, fiber.StatusOK, "sso_continue", Page{Title: "Sign in with " + label,
		Data: ssoContinuePage{Label: label, StartURL: start}})
}

// handleStart sends the browser to the provider, keeping the flow's state
// in a cookie. The SAML response comes back as a cross-site POST, so its
// cookie is SameSite=None (Secure); the OIDC callback is a top-level GET,
// for which Lax suffices.
func (s *ssoArea) handleStart(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	to, state, err := s.svc.Begin(c.UserContext(), id, safeNext(c.Query("next")))
	if err != nil {
		return s.failed(c, id, err)
	}
	same := "Lax"
	if s.app.cfg.Secure() {
		same = "None"
	}
	c.Cookie(&fiber.Cookie{Name: s.flowCookieName(), Value: state, Path: "/", HTTPOnly: true, Secure: s.app.cfg.Secure(),
		SameSite: same, MaxAge: int(sso.FlowTTL.Seconds())})
	return c.Redirect(to, fiber.StatusSeeOther)
}

// handleCallback finishes an OpenID Connect sign-in.
func (s *ssoArea) handleCallback(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	q, err := queryValues(c)
	if err != nil {
		return s.failed(c, id, err)
	}
	res, err := s.svc.CompleteOIDC(c.UserContext(), id, q, c.Cookies(s.flowCookieName()))
	return s.finish(c, id, res, err)
}

// handleACS finishes a SAML sign-in (HTTP-POST binding).
func (s *ssoArea) handleACS(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	res, err := s.svc.CompleteSAML(c.UserContext(), id, formValue(c, "SAMLResponse"), formValue(c, "RelayState"),
		c.Cookies(s.flowCookieName()))
	return s.finish(c, id, res, err)
}

// finish starts the Waymark session exactly as a password sign-in does:
// a new session id, its CSRF token, the last sign-in time.
func (s *ssoArea) finish(c *fiber.Ctx, id int64, res sso.Result, err error) error {
	c.Cookie(&fiber.Cookie{Name: s.flowCookieName(), Value: "", Path: "/", HTTPOnly: true, Secure: s.app.cfg.Secure(), MaxAge: -1})
	if err != nil {
		return s.failed(c, id, err)
	}
	if old := c.Cookies(s.app.sessionCookie()); old != "" {
		if err := s.app.auth.Logout(c.UserContext(), old); err != nil {
			return err
		}
	}
	token, err := s.app.auth.StartSession(c.UserContext(), res.UserID)
	if err != nil {
		return err
	}
	if err := s.app.users.TouchLogin(c.UserContext(), res.UserID, s.app.now()); err != nil {
		return err
	}
	s.app.setSessionCookie(c, token)
	c.Cookie(&fiber.Cookie{Name: ssoCookie, Value: strconv.FormatInt(res.ProviderID, 10), Path: "/", HTTPOnly: true,
		Secure: s.app.cfg.Secure(), SameSite: "Lax"})
	return c.Redirect(safeNext(res.Next), fiber.StatusSeeOther)
}

// failed answers a refused sign-in with one page; the reason goes to the
// log (it names no person), never to the visitor.
func (s *ssoArea) failed(c *fiber.Ctx, id int64, err error) error {
	if !errors.Is(err, sso.ErrSignIn) && !errors.Is(err, sso.ErrDisabled) {
		return err
	}
	s.app.log.Warn("sso: sign-in refused", slog.Int64("provider", id), slog.String("reason", err.Error()))
	return s.app.render(c, fiber.StatusForbidden, "sso_failed", Page{Title: "Sign-in did not work"})
}

// handleMetadata serves a SAML provider's SP metadata.
func (s *ssoArea) handleMetadata(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	b, err := s.svc.Metadata(c.UserContext(), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/samlmetadata+xml")
	return c.Send(b)
}

// ssoSignedOutPage offers the provider's own sign-out after Waymark's.
type ssoSignedOutPage struct {
	Label, EndSessionURL string
}

func (s *ssoArea) handleSignedOut(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(utils.CopyString(c.Cookies(ssoCookie)), 10, 64)
	c.Cookie(&fiber.Cookie{Name: ssoCookie, Value: "", Path: "/", HTTPOnly: true, Secure: s.app.cfg.Secure(), MaxAge: -1})
	var d ssoSignedOutPage
	if id > 0 {
		d.Label, d.EndSessionURL, _ = s.svc.EndSessionURL(c.UserContext(), id)
	}
	return s.app.render(c, fiber.StatusOK, "sso_signed_out", Page{Title: "You are signed out", Data: d})
}
