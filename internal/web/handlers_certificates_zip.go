package web

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/waymark/waymark/internal/store"
)

// zipForm is the subtree-and-period form of /manage/certificates.
type zipForm struct {
	Orgs     []store.OrgChoice
	Options  []orgOption
	OrgID    int64
	From, To string
	Errors   map[string]string
}

// handleCertificatesDownloadForm offers the certificates of an
// organization subtree and period as one ZIP file.
func (a *App) handleCertificatesDownloadForm(c *fiber.Ctx) error {
	f, err := a.zipFormFor(c)
	if err != nil {
		return err
	}
	today := a.now().In(a.certificates.svc.Location())
	f.From, f.To = today.AddDate(-1, 0, 0).Format(time.DateOnly), today.Format(time.DateOnly)
	return a.render(c, fiber.StatusOK, "certificates_manage", Page{Title: "Download certificates", Data: f})
}

func (a *App) zipFormFor(c *fiber.Ctx) (zipForm, error) {
	v := viewerOf(c)
	orgs, err := a.certificates.svc.OrgChoices(c.UserContext(), v.ScopeOrgs, v.IsAdmin)
	if err != nil {
		return zipForm{}, err
	}
	f := zipForm{Orgs: orgs, Errors: map[string]string{}}
	for _, o := range orgs {
		f.Options = append(f.Options, orgOption{ID: o.ID, Label: strings.Repeat("— ", o.Depth) + o.Name + " (" + o.Code + ")"})
	}
	if len(orgs) > 0 {
		f.OrgID = orgs[0].ID
	}
	return f, nil
}

// orgOption is one choice of the organization list, indented by depth.
type orgOption struct {
	ID    int64
	Label string
}

// handleCertificatesZIP streams every certificate of people in an
// organization subtree completed in a period, one PDF per completion, as
// a ZIP written straight to the response (archive/zip over the response
// stream): only the few PDFs being rendered are ever in memory.
func (a *App) handleCertificatesZIP(c *fiber.Ctx) error {
	f, err := a.zipFormFor(c)
	if err != nil {
		return err
	}
	f.From, f.To = utils.CopyString(c.Query("from")), utils.CopyString(c.Query("to"))
	if f.OrgID, err = strconv.ParseInt(c.Query("org"), 10, 64); err != nil {
		f.OrgID = 0 // no organization: not found below, once the dates are right
	}
	loc := a.certificates.svc.Location()
	from, errFrom := time.ParseInLocation(time.DateOnly, f.From, loc)
	to, errTo := time.ParseInLocation(time.DateOnly, f.To, loc)
	if errFrom != nil {
		f.Errors["from"] = "Enter the first day as a date, such as 2026-01-31."
	}
	if errTo != nil {
		f.Errors["to"] = "Enter the last day as a date, such as 2026-06-30."
	}
	if errFrom == nil && errTo == nil && to.Before(from) {
		f.Errors["to"] = "The last day must be on or after the first day."
	}
	if len(f.Errors) > 0 {
		return a.render(c, fiber.StatusUnprocessableEntity, "certificates_manage", Page{Title: "Download certificates", Data: f})
	}
	org, ok := chosenOrg(f.Orgs, f.OrgID)
	if !ok {
		return store.ErrNotFound // not an organization this viewer may download
	}
	filter := store.SubtreeFilter{OrgID: org.ID, From: from, To: to.AddDate(0, 0, 1)}
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="certificates-%s-%s-to-%s.zip"`, org.Code, f.From, f.To))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	svc, log := a.certificates.svc, a.log
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		// The handler has returned: the stream gets its own deadline.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
		defer cancel()
		if n, err := svc.WriteZIP(ctx, w, filter, w.Flush); err != nil {
			// The status line is gone; the archive ends with INCOMPLETE.txt.
			log.Error("certificate zip failed", "org", org.ID, "written", n, "err", err)
		}
		w.Flush()
	})
	return nil
}

func chosenOrg(orgs []store.OrgChoice, id int64) (store.OrgChoice, bool) {
	for _, o := range orgs {
		if o.ID == id {
			return o, true
		}
	}
	return store.OrgChoice{}, false
}
