package web

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/waymark/waymark/internal/people"
)

// maxProblemsShown bounds the problem list on the page; the command-line
// import prints them all.
const maxProblemsShown = 2000

// importPage is what the import page shows.
type importPage struct {
	HeaderHelp string
	Roles      any
	File       string
	Checked    bool // a file was read
	Apply      bool // the person asked to import it
	Result     people.ImportResult
	Problems   []people.Problem // the first maxProblemsShown
	Pending    string           // the checked file's SHA-256, for "Import"
	PendingFor int              // minutes it waits
	Error      string
}

func (a *App) renderImport(c *fiber.Ctx, status int, p importPage) error {
	p.HeaderHelp, p.Roles = people.HeaderHelp, a.roles
	return a.render(c, status, "admin_import", Page{Title: "Import a roster", Data: p})
}

func (a *App) handleImportForm(c *fiber.Ctx) error {
	return a.renderImport(c, fiber.StatusOK, importPage{})
}

// handleImportTemplate downloads a roster file with the header the import
// reads and one example row.
func (a *App) handleImportTemplate(c *fiber.Ctx) error {
	b, err := a.people.svc.RosterTemplate(c.UserContext())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="waymark-roster-template.csv"`)
	c.Type("csv", "utf-8")
	return c.Send(b)
}

// handleImport checks (dry run) an uploaded roster, or imports one: the
// file checked before, kept by its hash (field "pending"), or an upload
// sent with mode=apply. With any problem nothing is written and every
// problem is listed with its line. A clean dry run keeps the file for
// people.PendingTTL so "Import" needs no second upload.
func (a *App) handleImport(c *fiber.Ctx) error {
	p := importPage{Apply: c.FormValue("mode") == "apply"}
	invite := c.FormValue("invite") == "yes"
	if hash := formText(c, "pending"); p.Apply && hash != "" {
		name, res, err := a.people.svc.ApplyPending(c.UserContext(), actorID(c), hash, invite)
		if errors.Is(err, people.ErrPendingGone) {
			p.Error = "The checked file is no longer waiting to be imported (it was imported already, or more than " +
				strconv.Itoa(int(people.PendingTTL.Minutes())) + " minutes passed). Choose the file and check it again."
			return a.renderImport(c, fiber.StatusUnprocessableEntity, p)
		}
		if err != nil {
			return err
		}
		p.File = name
		return a.importDone(c, p, res)
	}
	fh, err := c.FormFile("file")
	if err != nil {
		p.Error = "Choose a CSV file to check or import."
		return a.renderImport(c, fiber.StatusUnprocessableEntity, p)
	}
	p.File = utils.CopyString(filepath.Base(fh.Filename))
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	content, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	res, err := a.people.svc.Import(c.UserContext(), bytes.NewReader(content), people.ImportOptions{Apply: p.Apply, Invite: invite,
		Actor: actorID(c), Source: "upload " + p.File})
	if err != nil {
		return err
	}
	if !p.Apply && len(res.Problems) == 0 {
		if p.Pending, err = a.people.svc.KeepPending(c.UserContext(), actorID(c), p.File, content); err != nil {
			return err
		}
		p.PendingFor = int(people.PendingTTL.Minutes())
	}
	return a.importDone(c, p, res)
}

// importDone shows a dry run's or an import's outcome.
func (a *App) importDone(c *fiber.Ctx, p importPage, res people.ImportResult) error {
	p.Checked, p.Result = true, res
	p.Problems = res.Problems[:min(len(res.Problems), maxProblemsShown)]
	if len(res.Problems) > 0 {
		p.Pending = ""
		return a.renderImport(c, fiber.StatusUnprocessableEntity, p)
	}
	if res.Applied {
		a.setFlash(c, "Roster imported from "+p.File+": "+res.Summary()+".")
		return c.Redirect("/admin/users?sort=newest", fiber.StatusSeeOther)
	}
	return a.renderImport(c, fiber.StatusOK, p)
}
