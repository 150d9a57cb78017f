package web

import (
	"bytes"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/certificate"
	"github.com/waymark/waymark/internal/store"
)

// certificateRow is one line of the learner's certificate list.
type certificateRow struct {
	CompletionID  int64
	CourseTitle   string
	CourseVersion string
	CompletedAt   time.Time
	ExpiresAt     *time.Time
	Status        certificate.Status
	Code          string
	DownloadURL   string
	VerifyURL     string
}

// handleMyCertificates lists the signed-in person's certificates across
// every cycle, with downloads and the transcript.
func (a *App) handleMyCertificates(c *fiber.Ctx) error {
	out, err := a.certificateRows(c, viewerOf(c).ID, certificate.DownloadPath)
	if err != nil {
		return err
	}
	return a.render(c, fiber.StatusOK, "certificates_mine", Page{Title: "My certificates", Data: out})
}

// certificateRows lists a person's certificates across every cycle, newest
// first, each downloaded from download(completion id).
func (a *App) certificateRows(c *fiber.Ctx, userID int64, download func(int64) string) ([]certificateRow, error) {
	rows, err := a.certificates.svc.ForUser(c.UserContext(), userID)
	if err != nil {
		return nil, err
	}
	loc, now := a.certificates.svc.Location(), a.now()
	out := make([]certificateRow, len(rows))
	for i, d := range rows {
		out[len(rows)-1-i] = certificateRow{CompletionID: d.CompletionID, CourseTitle: d.CourseTitle,
			CourseVersion: d.CourseVersion, CompletedAt: d.CompletedAt.In(loc), ExpiresAt: inLoc(d.ExpiresAt, loc),
			Status: certificate.StatusAt(d, now), Code: certificate.Format(d.Code),
			DownloadURL: download(d.CompletionID), VerifyURL: a.certificates.svc.VerifyURL(d.Code)}
	}
	return out, nil
}

// handleMyCertificatePDF downloads one of the signed-in person's
// certificates; anyone else's completion is 404.
func (a *App) handleMyCertificatePDF(c *fiber.Ctx) error {
	id, err := paramID(c, "completionID")
	if err != nil {
		return err
	}
	return a.sendCertificate(c, viewerOf(c).ID, id)
}

// handleMyTranscript downloads the signed-in person's training transcript.
func (a *App) handleMyTranscript(c *fiber.Ctx) error {
	return a.sendTranscript(c, viewerOf(c).ID)
}

// handlePersonCertificatePDF downloads a certificate of a person in the
// manager's scope; a person out of scope, or a completion not theirs, is 404.
func (a *App) handlePersonCertificatePDF(c *fiber.Ctx) error {
	userID, err := a.personInScope(c)
	if err != nil {
		return err
	}
	id, err := paramID(c, "completionID")
	if err != nil {
		return err
	}
	return a.sendCertificate(c, userID, id)
}

// handlePersonTranscript downloads the transcript of a person in scope.
func (a *App) handlePersonTranscript(c *fiber.Ctx) error {
	userID, err := a.personInScope(c)
	if err != nil {
		return err
	}
	return a.sendTranscript(c, userID)
}

// personInScope reads :userID and checks the viewer may see that person.
func (a *App) personInScope(c *fiber.Ctx) (int64, error) {
	userID, err := paramID(c, "userID")
	if err != nil {
		return 0, err
	}
	ok, err := a.users.CanSee(c.UserContext(), viewerOf(c).ID, userID)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, store.ErrNotFound
	}
	return userID, nil
}

func (a *App) sendCertificate(c *fiber.Ctx, userID, completionID int64) error {
	d, err := a.certificates.svc.ForPersonCompletion(c.UserContext(), userID, completionID)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := a.certificates.svc.RenderPDF(&buf, d); err != nil {
		return err
	}
	return sendPDF(c, "certificate-"+certificate.Format(d.Code)+".pdf", buf.Bytes())
}

func (a *App) sendTranscript(c *fiber.Ctx, userID int64) error {
	var buf bytes.Buffer
	if err := a.certificates.svc.Transcript(c.UserContext(), &buf, userID); err != nil {
		return err
	}
	return sendPDF(c, "transcript-"+a.now().In(a.certificates.svc.Location()).Format("2006-01-02")+".pdf", buf.Bytes())
}

func inLoc(t *time.Time, loc *time.Location) *time.Time {
	if t == nil {
		return nil
	}
	l := t.In(loc)
	return &l
}
