package web

import (
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/validate"
)

const usersPerPage = 50

// usersPage is the people list with its filters.
type usersPage struct {
	Users      []store.UserListItem
	Filter     store.UserFilter
	OrgCode    string     // the organization code typed in the filter
	Org        *store.Org // the organization it names
	OrgMissing bool       // no organization has that code
	Roles      []store.JobRole
	Pager      pager
}

// handleUsers lists people: search, organization subtree, job role, status.
func (a *App) handleUsers(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := store.UserFilter{Q: c.Query("q"), Role: c.Query("role"), Status: c.Query("status"), Sort: c.Query("sort"), Limit: usersPerPage}
	orgCode := strings.ToUpper(strings.TrimSpace(c.Query("org")))
	var org *store.Org
	orgMissing := false
	if orgCode != "" {
		o, err := a.people.orgs.ByCode(ctx, orgCode)
		switch {
		case err == nil:
			org, f.OrgID = &o, o.ID
		case errors.Is(err, store.ErrNotFound):
			orgMissing, f.OrgID = true, -1
		default:
			return err
		}
	}
	page := pageParam(c)
	f.Offset = (page - 1) * usersPerPage
	list, total, err := a.users.List(ctx, f)
	if err != nil {
		return err
	}
	q := url.Values{}
	for k, v := range map[string]string{"q": f.Q, "org": orgCode, "role": f.Role, "status": f.Status, "sort": f.Sort} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return a.render(c, fiber.StatusOK, "admin_users", Page{Title: "People", Data: usersPage{
		Users: list, Filter: f, OrgCode: orgCode, Org: org, OrgMissing: orgMissing, Roles: a.roles,
		Pager: newPager("/admin/users?"+q.Encode(), page, usersPerPage, total),
	}})
}

// userFormData is what the person form shows.
type userFormData struct {
	ID     int64
	Person *people.Person // the stored person when editing
	Form   people.UserInput
	Scopes string // the scope codes as typed
	Errors validate.Errors
	Roles  []store.JobRole
	Self   bool
}

// HasRole reports whether the form has a job role ticked.
func (d userFormData) HasRole(code string) bool {
	for _, r := range d.Form.Roles {
		if r == code {
			return true
		}
	}
	return false
}

func (a *App) renderUserForm(c *fiber.Ctx, status int, d userFormData) error {
	d.Roles = a.roles
	if d.Errors == nil {
		d.Errors = validate.Errors{}
	}
	d.Self = d.ID != 0 && d.ID == actorID(c)
	title := "Add a person"
	if d.Person != nil {
		title = d.Person.Name
	}
	return a.render(c, status, "admin_user_form", Page{Title: title, Data: d})
}

func userFormOf(c *fiber.Ctx) (people.UserInput, string) {
	scopes := formText(c, "scopes")
	return people.UserInput{Email: formText(c, "email"), Name: formText(c, "name"), OrgCode: formText(c, "org"),
		Roles: formList(c, "roles"), Scopes: codeList(scopes), IsAdmin: c.FormValue("admin") == "yes",
		IsFacilitator: c.FormValue("facilitator") == "yes"}, scopes
}

func (a *App) handleUserNew(c *fiber.Ctx) error {
	return a.renderUserForm(c, fiber.StatusOK, userFormData{Form: people.UserInput{OrgCode: c.Query("org")}})
}

func (a *App) handleUserCreate(c *fiber.Ctx) error {
	in, scopes := userFormOf(c)
	id, err := a.people.svc.SaveUser(c.UserContext(), actorID(c), 0, in)
	if inv, ok := validate.As(err); ok {
		return a.renderUserForm(c, fiber.StatusUnprocessableEntity, userFormData{Form: in, Scopes: scopes, Errors: inv})
	}
	if err != nil {
		return err
	}
	a.setFlash(c, "The person was added and an invitation to choose a password is on its way to "+in.Email+".")
	return c.Redirect("/admin/users/"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
}

// loadUserForm fills the form data of a stored person.
func (a *App) loadUserForm(c *fiber.Ctx) (userFormData, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return userFormData{}, err
	}
	p, err := a.people.svc.Person(c.UserContext(), id)
	if err != nil {
		return userFormData{}, err
	}
	return userFormData{ID: id, Person: &p, Scopes: strings.Join(p.Scopes, "; "), Form: people.UserInput{Email: p.Email,
		Name: p.Name, OrgCode: p.OrgCode, Roles: p.Roles, Scopes: p.Scopes, IsAdmin: p.IsAdmin, IsFacilitator: p.IsFacilitator}}, nil
}

func (a *App) handleUserEdit(c *fiber.Ctx) error {
	d, err := a.loadUserForm(c)
	if err != nil {
		return err
	}
	return a.renderUserForm(c, fiber.StatusOK, d)
}

func (a *App) handleUserUpdate(c *fiber.Ctx) error {
	d, err := a.loadUserForm(c)
	if err != nil {
		return err
	}
	d.Form, d.Scopes = userFormOf(c)
	_, err = a.people.svc.SaveUser(c.UserContext(), actorID(c), d.ID, d.Form)
	if inv, ok := validate.As(err); ok {
		d.Errors = inv
		return a.renderUserForm(c, fiber.StatusUnprocessableEntity, d)
	}
	if err != nil {
		return err
	}
	a.setFlash(c, "Your changes were saved.")
	return c.Redirect("/admin/users/"+strconv.FormatInt(d.ID, 10), fiber.StatusSeeOther)
}

// handleUserActive deactivates or reactivates a person.
func (a *App) handleUserActive(active bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		d, err := a.loadUserForm(c)
		if err != nil {
			return err
		}
		err = a.people.svc.SetActive(c.UserContext(), actorID(c), d.ID, active)
		if inv, ok := validate.As(err); ok {
			d.Errors = inv
			return a.renderUserForm(c, fiber.StatusUnprocessableEntity, d)
		}
		if err != nil {
			return err
		}
		if active {
			a.setFlash(c, d.Person.Name+" can sign in again.")
		} else {
			a.setFlash(c, d.Person.Name+" was deactivated and signed out everywhere. Their training records are kept.")
		}
		return c.Redirect("/admin/users/"+strconv.FormatInt(d.ID, 10), fiber.StatusSeeOther)
	}
}

// handleUserInvite sends a fresh invitation link.
func (a *App) handleUserInvite(c *fiber.Ctx) error {
	d, err := a.loadUserForm(c)
	if err != nil {
		return err
	}
	err = a.people.svc.SendInvite(c.UserContext(), actorID(c), d.ID)
	if inv, ok := validate.As(err); ok {
		d.Errors = inv
		return a.renderUserForm(c, fiber.StatusUnprocessableEntity, d)
	}
	if err != nil {
		return err
	}
	a.setFlash(c, "A new invitation is on its way to "+d.Person.Email+". Earlier links no longer work.")
	return c.Redirect("/admin/users/"+strconv.FormatInt(d.ID, 10), fiber.StatusSeeOther)
}
