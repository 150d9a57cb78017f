package web

import (
	"crypto/subtle"
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/auth"
	"github.com/waymark/waymark/internal/store"
)

const anonCSRFCookie = "waymark_csrf"

// sessionCookie is __Host- prefixed when served over https.
func (a *App) sessionCookie() string {
	if a.cfg.Secure() {
		return "__Host-waymark_session"
	}
	return "waymark_session"
}

// loadViewer resolves the session cookie into a Viewer. Anonymous visitors
// get a CSRF token in a cookie of their own (double submit) so that sign-in
// and other public forms are protected too.
func (a *App) loadViewer(c *fiber.Ctx) error {
	if !hasCookies(c) && a.ownCredential(c) {
		return c.Next() // no session, and no CSRF cookie to hand a machine
	}
	token := c.Cookies(a.sessionCookie())
	if token != "" {
		sess, err := a.auth.Resolve(c.UserContext(), token)
		switch {
		case err == nil:
			c.Locals(viewerKey, viewerFor(sess))
			// Every page a signed-in person sees may hold personal data:
			// no browser or proxy keeps a copy (the back button after
			// signing out, a shared computer).
			c.Set(fiber.HeaderCacheControl, "no-store")
			return c.Next()
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		a.clearSessionCookie(c)
	}
	if c.Cookies(anonCSRFCookie) == "" {
		tok, _ := auth.NewToken()
		c.Cookie(&fiber.Cookie{Name: anonCSRFCookie, Value: tok, Path: "/", HTTPOnly: true, Secure: a.cfg.Secure(), SameSite: "Lax"})
		c.Locals(anonCSRFCookie, tok)
	}
	return c.Next()
}

// viewerFor turns a resolved session into what pages see.
func viewerFor(si store.SignedIn) *Viewer {
	return &Viewer{ID: si.UserID, Name: si.Name, OrgID: si.OrgID, IsAdmin: si.IsAdmin, IsFacilitator: si.IsFacilitator,
		IsManager: len(si.Scopes) > 0 || si.IsAdmin, ScopeOrgs: []int64(si.Scopes), CSRF: si.CSRFToken}
}

// csrfToken is the token forms must carry on this request.
func (a *App) csrfToken(c *fiber.Ctx) string {
	if v := viewerOf(c); v != nil {
		return v.CSRF
	}
	if t, ok := c.Locals(anonCSRFCookie).(string); ok {
		return t
	}
	return c.Cookies(anonCSRFCookie)
}

// checkCSRF rejects any state-changing request without the right token, read
// from the form field "csrf" or the X-CSRF-Token header.
func (a *App) checkCSRF(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if a.ownCredential(c) {
		return c.Next()
	}
	sent := c.FormValue("csrf")
	if sent == "" {
		sent = c.Get("X-CSRF-Token")
	}
	want := a.csrfToken(c)
	if want == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(want)) != 1 {
		return fiber.NewError(fiber.StatusForbidden, "The form expired or came from another site. Go back, reload the page and try again.")
	}
	return c.Next()
}

// ownCredential reports whether an area takes this request on a credential
// of its own instead of the CSRF token (ownCredentialArea).
func (a *App) ownCredential(c *fiber.Ctx) bool {
	for _, ar := range a.areas {
		if o, ok := ar.(ownCredentialArea); ok && o.ownCredential(c) {
			return true
		}
	}
	return false
}

// hasCookies reports whether the request carries any cookie.
func hasCookies(c *fiber.Ctx) bool { return len(c.Request().Header.Peek(fiber.HeaderCookie)) > 0 }

// bearerWithoutCookies reports whether the request is a machine client's
// call: an "Authorization: Bearer" header and no cookie at all. CSRF rides
// on the credentials a browser adds by itself, which are cookies; a
// browser never adds an Authorization header to a cross-site request, and
// a request without a cookie has no session to ride on. A request with any
// cookie keeps the CSRF check, bearer header or not, so a signed-in
// browser's forged POST is refused (TestSCIMSkipsCSRFOnlyForBearerWithoutCookies).
func bearerWithoutCookies(c *fiber.Ctx) bool {
	if hasCookies(c) {
		return false
	}
	_, ok := bearerToken(c)
	return ok
}

// requireUser sends anonymous visitors to sign in.
func (a *App) requireUser(c *fiber.Ctx) error {
	if viewerOf(c) == nil {
		if c.Method() == fiber.MethodGet {
			return c.Redirect("/login?next="+safeNext(c.OriginalURL()), fiber.StatusSeeOther)
		}
		return fiber.ErrUnauthorized
	}
	return c.Next()
}

// requireAdmin admits state administrators only.
func (a *App) requireAdmin(c *fiber.Ctx) error {
	if v := viewerOf(c); v == nil || !v.IsAdmin {
		return ErrForbidden
	}
	return c.Next()
}

// requireManager admits managers (anyone with a scope) and administrators.
func (a *App) requireManager(c *fiber.Ctx) error {
	if v := viewerOf(c); v == nil || !v.IsManager {
		return ErrForbidden
	}
	return c.Next()
}

// requireFacilitator admits facilitators and administrators.
func (a *App) requireFacilitator(c *fiber.Ctx) error {
	if v := viewerOf(c); v == nil || !(v.IsFacilitator || v.IsAdmin) {
		return ErrForbidden
	}
	return c.Next()
}

func (a *App) setSessionCookie(c *fiber.Ctx, token string) {
	c.Cookie(&fiber.Cookie{Name: a.sessionCookie(), Value: token, Path: "/", HTTPOnly: true, Secure: a.cfg.Secure(),
		SameSite: "Lax", MaxAge: int(auth.AbsoluteTimeout.Seconds())})
}

func (a *App) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: a.sessionCookie(), Value: "", Path: "/", HTTPOnly: true, Secure: a.cfg.Secure(),
		SameSite: "Lax", MaxAge: -1})
}

// safeNext keeps post-sign-in redirects on this site.
func safeNext(next string) string {
	if len(next) == 0 || next[0] != '/' || (len(next) > 1 && (next[1] == '/' || next[1] == '\\')) {
		return "/my"
	}
	return next
}
