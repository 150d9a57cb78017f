package web

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
)

const requestIDKey = "requestid"

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(requestIDKey).(string)
	return id
}

// routeOf returns the route pattern (never the raw path, which can hold
// tokens or codes), for logs and metrics.
func routeOf(c *fiber.Ctx) string {
	if r := c.Route(); r != nil && r.Path != "" {
		return r.Path
	}
	return "unmatched"
}

// commonMiddleware is applied to every request: recover, request id,
// security headers, access log and metrics, and a 503 page while the
// database cannot be reached.
func (a *App) commonMiddleware() []fiber.Handler {
	return []fiber.Handler{
		recover.New(),
		requestid.New(requestid.Config{ContextKey: requestIDKey}),
		a.securityHeaders,
		a.accessLog,
		a.dbUnavailable,
	}
}

// securityHeaders sets a strict CSP (no inline script), no framing,
// nosniff and a referrer policy.
func (a *App) securityHeaders(c *fiber.Ctx) error {
	h := &c.Response().Header
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	if a.cfg.Secure() {
		h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
	return c.Next()
}

// accessLog logs one line per request (route pattern, status, duration; no
// query strings, no personal data) and feeds the metrics.
func (a *App) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			c.Status(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	elapsed := time.Since(start)
	route := routeOf(c)
	a.metrics.observe(c.Method(), route, status, elapsed)
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	// Checked first: building the attributes allocates even when the level
	// is off (LOG_LEVEL=warn logs only failed requests).
	if ctx := c.UserContext(); a.log.Enabled(ctx, level) {
		a.log.Log(ctx, level, "request", "request_id", requestID(c), "method", c.Method(),
			"route", route, "status", status, "ms", float64(elapsed.Microseconds())/1000)
	}
	return nil
}
