package web

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"github.com/waymark/waymark/internal/certificate"
)

// certificatesArea holds what the certificates handlers need beyond App.
type certificatesArea struct {
	svc *certificate.Service
}

// verifyPerMinute is how many verification pages one client address may
// load per minute.
const verifyPerMinute = 30

// initCertificates takes the certificate service. The wiring has the
// learning service issue a certificate (and queue its email) in the
// transaction that records each completion.
func (a *App) initCertificates(d Deps) error {
	a.certificates.svc = d.Certificates
	return nil
}

// certificatesRoutes registers the certificates area's routes on the groups of routes.go.
func (a *App) certificatesRoutes(app fiber.Router, g groups) {
	// The limiter counts in this instance's memory: with N instances behind
	// a load balancer a client gets up to N × 30 a minute. Enumeration
	// stays hopeless either way (78-bit codes); the limit only keeps the
	// page from being scraped or hammered.
	limit := limiter.New(limiter.Config{
		Max: verifyPerMinute, Expiration: time.Minute,
		KeyGenerator: func(c *fiber.Ctx) string { return c.IP() },
		LimitReached: func(c *fiber.Ctx) error { return fiber.ErrTooManyRequests },
	})
	app.Get("/verify", limit, a.handleVerifyForm)
	app.Get("/verify/:code", limit, a.handleVerify)

	g.my.Get("/certificates", a.handleMyCertificates)
	g.my.Get("/certificates/:completionID.pdf", a.handleMyCertificatePDF)
	g.my.Get("/transcript.pdf", a.handleMyTranscript)

	g.manager.Get("/people/:userID/certificates/:completionID.pdf", a.handlePersonCertificatePDF)
	g.manager.Get("/people/:userID/transcript.pdf", a.handlePersonTranscript)
	g.manager.Get("/certificates", a.handleCertificatesDownloadForm)
	g.manager.Get("/certificates.zip", a.handleCertificatesZIP)

	g.admin.Get("/certificates", a.handleAdminCertificates)
	g.admin.Get("/certificates/:id", a.handleAdminCertificate)
	g.admin.Post("/certificates/:id/revoke", a.handleAdminCertificateRevoke)
}

// sendPDF answers with a PDF download that no cache keeps: certificates
// and transcripts carry a person's name.
func sendPDF(c *fiber.Ctx, filename string, body []byte) error {
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(body)
}
