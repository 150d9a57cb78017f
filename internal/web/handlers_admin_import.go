package web

import (
	"path/filepath"

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
	Error      string
}

func (a *App) renderImport(c *fiber.Ctx, status int, p importPage) error {
	p.HeaderHelp, p.Roles = people.HeaderHelp, a.roles
	return a.render(c, status, "admin_import", Page{Title: "Import a roster", Data: p})
}

func (a *App) handleImportForm(c *fiber.Ctx) error {
	return a.renderImport(c, fiber.StatusOK, importPage{})
}

// handleImport checks (dry run) or imports an uploaded roster. With any
// problem nothing is written and every problem is listed with its line.
func (a *App) handleImport(c *fiber.Ctx) error {
	p := importPage{Apply: c.FormValue("mode") == "apply"}
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
	res, err := a.people.svc.Import(c.UserContext(), f, people.ImportOptions{Apply: p.Apply, Actor: actorID(c), Source: "upload " + p.File})
	if err != nil {
		return err
	}
	p.Checked, p.Result = true, res
	p.Problems = res.Problems[:min(len(res.Problems), maxProblemsShown)]
	if len(res.Problems) > 0 {
		return a.renderImport(c, fiber.StatusUnprocessableEntity, p)
	}
	if res.Applied {
		a.setFlash(c, "Roster imported from "+p.File+": "+res.Summary()+".")
		return c.Redirect("/admin/users?sort=newest", fiber.StatusSeeOther)
	}
	return a.renderImport(c, fiber.StatusOK, p)
}
