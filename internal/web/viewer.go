package web

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Viewer is the signed-in person as pages see them.
type Viewer struct {
	ID            int64
	Name          string
	OrgID         int64
	IsAdmin       bool
	IsFacilitator bool
	IsManager     bool
	ScopeOrgs     []int64 // organizations whose subtrees a manager sees
	CSRF          string
}

const viewerKey = "viewer"

// viewerOf returns the signed-in person, or nil.
func viewerOf(c *fiber.Ctx) *Viewer {
	v, _ := c.Locals(viewerKey).(*Viewer)
	return v
}

// takeFlash returns and clears the one-time message for this request.
func (a *App) takeFlash(c *fiber.Ctx) string {
	raw := c.Cookies(flashCookie)
	if raw == "" {
		return ""
	}
	// Cleared with the Path it was set with: a cookie cleared without one
	// would only shadow the flash on this page's directory, and the message
	// would come back on every page elsewhere.
	c.Cookie(&fiber.Cookie{Name: flashCookie, Path: "/", Expires: time.Unix(0, 0), MaxAge: -1, HTTPOnly: true,
		Secure: a.cfg.Secure(), SameSite: "Lax"})
	f, err := url.QueryUnescape(raw)
	if err != nil {
		return ""
	}
	return f
}

const flashCookie = "waymark_flash"

// setFlash stores a one-time message shown on the next page.
func (a *App) setFlash(c *fiber.Ctx, msg string) {
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: url.QueryEscape(msg), Path: "/", HTTPOnly: true, Secure: a.cfg.Secure(), SameSite: "Lax"})
}
