package web

import (
	"errors"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/validate"
)

const orgsPerPage = 100

// orgTypeOption is an organization type for a select.
type orgTypeOption struct{ Code, Label string }

// orgsPage is the organization list with its filters.
type orgsPage struct {
	Rows     []orgRow
	Filter   store.OrgFilter
	Under    string     // the code typed in the "under" filter
	UnderOrg *store.Org // the organization it names
	Types    []orgTypeOption
	Counties []string
	Pager    pager
}

func orgTypeOptions() []orgTypeOption {
	out := make([]orgTypeOption, len(store.OrgTypes))
	for i, t := range store.OrgTypes {
		out[i] = orgTypeOption{t, store.OrgTypeLabel(t)}
	}
	return out
}

// orgRow is a line of the organization tree.
type orgRow struct {
	store.OrgListItem
	TypeLabel string
	Indent    int // depth, capped for the page's classes
}

// handleOrgs lists organizations as a tree, filtered.
func (a *App) handleOrgs(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := store.OrgFilter{Q: c.Query("q"), Type: c.Query("type"), County: c.Query("county"), Status: c.Query("status"), Limit: orgsPerPage}
	under := c.Query("under")
	var underOrg *store.Org
	if under != "" {
		o, err := a.people.orgs.ByCode(ctx, under)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err == nil {
			underOrg, f.Under = &o, o.ID
		} else {
			f.Under = -1 // an unknown code matches nothing
		}
	}
	page := pageParam(c)
	f.Offset = (page - 1) * orgsPerPage
	list, total, err := a.people.orgs.List(ctx, f)
	if err != nil {
		return err
	}
	rows := make([]orgRow, len(list))
	for i, o := range list {
		rows[i] = orgRow{OrgListItem: o, TypeLabel: store.OrgTypeLabel(o.Type), Indent: min(o.Depth, 6)}
	}
	q := url.Values{}
	for k, v := range map[string]string{"q": f.Q, "type": f.Type, "county": f.County, "status": f.Status, "under": under} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return a.render(c, fiber.StatusOK, "admin_orgs", Page{Title: "Organizations", Data: orgsPage{
		Rows: rows, Filter: f, Under: under, UnderOrg: underOrg, Types: orgTypeOptions(), Counties: store.Counties,
		Pager: newPager("/admin/orgs?"+q.Encode(), page, orgsPerPage, total),
	}})
}

// orgFormData is what the organization form shows.
type orgFormData struct {
	ID               int64
	Org              *store.Org // the stored organization when editing
	Form             people.OrgInput
	Errors           validate.Errors
	Types            []orgTypeOption
	Counties         []string
	Children, People int
}

func (a *App) renderOrgForm(c *fiber.Ctx, status int, d orgFormData) error {
	d.Types, d.Counties = orgTypeOptions(), store.Counties
	if d.Errors == nil {
		d.Errors = validate.Errors{}
	}
	title := "Add an organization"
	if d.ID != 0 {
		title = "Edit " + d.Form.Name
	}
	return a.render(c, status, "admin_org_form", Page{Title: title, Data: d})
}

func orgFormOf(c *fiber.Ctx) people.OrgInput {
	return people.OrgInput{Code: formText(c, "code"), Name: formText(c, "name"), Type: formText(c, "type"),
		County: formText(c, "county"), ParentCode: formText(c, "parent")}
}

func (a *App) handleOrgNew(c *fiber.Ctx) error {
	return a.renderOrgForm(c, fiber.StatusOK, orgFormData{Form: people.OrgInput{ParentCode: c.Query("parent")}})
}

func (a *App) handleOrgCreate(c *fiber.Ctx) error {
	in := orgFormOf(c)
	id, err := a.people.svc.SaveOrg(c.UserContext(), actorID(c), 0, in)
	if inv, ok := validate.As(err); ok {
		return a.renderOrgForm(c, fiber.StatusUnprocessableEntity, orgFormData{Form: in, Errors: inv})
	}
	if err != nil {
		return err
	}
	a.setFlash(c, "The organization was added.")
	return c.Redirect("/admin/orgs/"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
}

// loadOrgForm fills the form data of a stored organization.
func (a *App) loadOrgForm(c *fiber.Ctx, id int64) (orgFormData, error) {
	ctx := c.UserContext()
	o, err := a.people.orgs.ByID(ctx, id)
	if err != nil {
		return orgFormData{}, err
	}
	d := orgFormData{ID: id, Org: &o, Form: people.OrgInput{Code: o.Code, Name: o.Name, Type: o.Type, County: o.County}}
	if o.ParentID != nil {
		p, err := a.people.orgs.ByID(ctx, *o.ParentID)
		if err != nil {
			return d, err
		}
		d.Form.ParentCode = p.Code
	}
	d.Children, d.People, err = a.people.orgs.ActiveDependents(ctx, a.db, id)
	return d, err
}

func (a *App) handleOrgEdit(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	d, err := a.loadOrgForm(c, id)
	if err != nil {
		return err
	}
	return a.renderOrgForm(c, fiber.StatusOK, d)
}

func (a *App) handleOrgUpdate(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	d, err := a.loadOrgForm(c, id)
	if err != nil {
		return err
	}
	d.Form = orgFormOf(c)
	_, err = a.people.svc.SaveOrg(c.UserContext(), actorID(c), id, d.Form)
	if inv, ok := validate.As(err); ok {
		d.Errors = inv
		return a.renderOrgForm(c, fiber.StatusUnprocessableEntity, d)
	}
	if err != nil {
		return err
	}
	a.setFlash(c, "Your changes were saved.")
	return c.Redirect("/admin/orgs/"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
}

// handleOrgActive deactivates or reactivates an organization.
func (a *App) handleOrgActive(active bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := paramID(c, "id")
		if err != nil {
			return err
		}
		err = a.people.svc.SetOrgActive(c.UserContext(), actorID(c), id, active)
		if inv, ok := validate.As(err); ok {
			d, lerr := a.loadOrgForm(c, id)
			if lerr != nil {
				return lerr
			}
			d.Errors = inv
			return a.renderOrgForm(c, fiber.StatusUnprocessableEntity, d)
		}
		if err != nil {
			return err
		}
		if active {
			a.setFlash(c, "The organization is active again.")
		} else {
			a.setFlash(c, "The organization was deactivated. Its records are kept.")
		}
		return c.Redirect("/admin/orgs/"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
	}
}

// handleOrgResendInvites sends a new invitation to everyone in the
// organization's subtree who has not signed in yet.
func (a *App) handleOrgResendInvites(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	n, err := a.people.svc.ResendInvites(c.UserContext(), actorID(c), id)
	if err != nil {
		return err
	}
	switch n {
	case 0:
		a.setFlash(c, "Everyone here and below has signed in already: no invitation was sent.")
	case 1:
		a.setFlash(c, "1 invitation was sent. Earlier links no longer work.")
	default:
		a.setFlash(c, strconv.Itoa(n)+" invitations were sent. Earlier links no longer work.")
	}
	return c.Redirect("/admin/orgs/"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
}
