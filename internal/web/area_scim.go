package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/waymark/waymark/internal/scim"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/validate"
)

// scimArea is SCIM 2.0 provisioning: the /scim/v2 JSON API, which
// identity providers call with a client's bearer token, and the admin
// pages at /admin/scim that issue those tokens and map groups to roles.
type scimArea struct {
	app *App
	svc *scim.Service
}

// NewSCIMArea is the area over its service.
func NewSCIMArea(svc *scim.Service) Area { return &scimArea{svc: svc} }

func (s *scimArea) init(a *App) error { s.app = a; return nil }

// scimPrefix is where the SCIM API lives.
const scimPrefix = "/scim/v2"

// ownCredential: a call to the API with a bearer token and no cookie is a
// provisioning client's, checked by authenticate instead of the CSRF token.
func (s *scimArea) ownCredential(c *fiber.Ctx) bool {
	path := strings.ToLower(c.Path())
	return (path == scimPrefix || strings.HasPrefix(path, scimPrefix+"/")) && bearerWithoutCookies(c)
}

func (s *scimArea) routes(app fiber.Router, g groups) {
	api := app.Group(scimPrefix, s.authenticate)
	api.Get("/ServiceProviderConfig", s.static(s.svc.ServiceProviderConfig))
	api.Get("/ResourceTypes", s.static(s.svc.ResourceTypes))
	api.Get("/Schemas", s.static(s.svc.Schemas))
	api.Get("/Users", s.listUsers)
	api.Post("/Users", s.createUser)
	api.Get("/Users/:id", s.getUser)
	api.Put("/Users/:id", s.replaceUser)
	api.Patch("/Users/:id", s.patchUser)
	api.Delete("/Users/:id", s.deleteUser)
	api.Get("/Groups", s.listGroups)
	api.Post("/Groups", s.createGroup)
	api.Get("/Groups/:id", s.getGroup)
	api.Put("/Groups/:id", s.replaceGroup)
	api.Patch("/Groups/:id", s.patchGroup)
	api.Delete("/Groups/:id", s.deleteGroup)
	api.Use(func(c *fiber.Ctx) error {
		return s.fail(c, &scim.Error{Status: fiber.StatusNotFound, Detail: "No such SCIM endpoint."})
	})

	g.admin.Get("/scim", s.handleClients)
	g.admin.Post("/scim/clients", s.handleCreateClient)
	g.admin.Get("/scim/clients/:id", s.handleClient)
	g.admin.Post("/scim/clients/:id/revoke", s.handleRevoke)
	g.admin.Post("/scim/clients/:id/mappings", s.handleSetMapping)
	g.admin.Post("/scim/clients/:id/mappings/delete", s.handleDeleteMapping)
}

const scimClientKey = "scim.client"

// authenticate admits a request with a live client's bearer token, within
// its rate limit; it answers in SCIM's error schema otherwise.
func (s *scimArea) authenticate(c *fiber.Ctx) error {
	token, ok := bearerToken(c)
	if !ok {
		c.Set("WWW-Authenticate", `Bearer realm="scim"`)
		return s.fail(c, scim.ErrUnauthorized)
	}
	cl, err := s.svc.Authenticate(c.UserContext(), token)
	if err != nil {
		if se := scim.AsError(err); se.Status == fiber.StatusUnauthorized {
			c.Set("WWW-Authenticate", `Bearer realm="scim", error="invalid_token"`)
		}
		return s.fail(c, err)
	}
	c.Locals(scimClientKey, cl)
	return c.Next()
}

func scimClient(c *fiber.Ctx) scim.Client { cl, _ := c.Locals(scimClientKey).(scim.Client); return cl }

// send writes a SCIM document.
func (s *scimArea) send(c *fiber.Ctx, status int, doc []byte) error {
	c.Set(fiber.HeaderContentType, scim.ContentType)
	return c.Status(status).Send(doc)
}

// fail writes err as a SCIM error document; 5xx are logged like any other.
func (s *scimArea) fail(c *fiber.Ctx, err error) error {
	se := scim.AsError(err)
	if se.Status >= 500 {
		s.app.log.Error("scim request failed", "request_id", requestID(c), "route", routeOf(c), "err", err)
	}
	if se.RetryAfter > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(se.RetryAfter.Seconds())))
	}
	return s.send(c, se.Status, se.Body())
}

// answer sends doc, or the error.
func (s *scimArea) answer(c *fiber.Ctx, status int, doc []byte, err error) error {
	if err != nil {
		return s.fail(c, err)
	}
	if doc == nil {
		return c.SendStatus(fiber.StatusNoContent)
	}
	return s.send(c, status, doc)
}

// scimListQuery reads a SCIM list request's query (RFC 7644 §3.4.2).
func scimListQuery(c *fiber.Ctx) scim.ListQuery {
	q := func(k string) string { return utils.CopyString(c.Query(k)) }
	return scim.ListQuery{Filter: q("filter"), StartIndex: q("startIndex"), Count: q("count"),
		ExcludedAttributes: q("excludedAttributes")}
}

func (s *scimArea) static(doc func() []byte) fiber.Handler {
	return func(c *fiber.Ctx) error { return s.send(c, fiber.StatusOK, doc()) }
}

func (s *scimArea) listUsers(c *fiber.Ctx) error {
	doc, err := s.svc.ListUsers(c.UserContext(), scimClient(c), scimListQuery(c))
	return s.answer(c, fiber.StatusOK, doc, err)
}

func (s *scimArea) getUser(c *fiber.Ctx) error {
	doc, err := s.svc.GetUser(c.UserContext(), scimClient(c), paramText(c, "id"))
	return s.answer(c, fiber.StatusOK, doc, err)
}

func (s *scimArea) createUser(c *fiber.Ctx) error {
	doc, loc, err := s.svc.CreateUser(c.UserContext(), scimClient(c), c.Body())
	if err == nil {
		c.Set(fiber.HeaderLocation, loc)
	}
	return s.answer(c, fiber.StatusCreated, doc, err)
}

func (s *scimArea) replaceUser(c *fiber.Ctx) error {
	doc, err := s.svc.ReplaceUser(c.UserContext(), scimClient(c), paramText(c, "id"), c.Body())
	return s.answer(c, fiber.StatusOK, doc, err)
}

func (s *scimArea) patchUser(c *fiber.Ctx) error {
	doc, err := s.svc.PatchUser(c.UserContext(), scimClient(c), paramText(c, "id"), c.Body())
	return s.answer(c, fiber.StatusOK, doc, err)
}

func (s *scimArea) deleteUser(c *fiber.Ctx) error {
	return s.answer(c, 0, nil, s.svc.DeleteUser(c.UserContext(), scimClient(c), paramText(c, "id")))
}

func (s *scimArea) listGroups(c *fiber.Ctx) error {
	doc, err := s.svc.ListGroups(c.UserContext(), scimClient(c), scimListQuery(c))
	return s.answer(c, fiber.StatusOK, doc, err)
}

func (s *scimArea) getGroup(c *fiber.Ctx) error {
	doc, err := s.svc.GetGroup(c.UserContext(), scimClient(c), paramText(c, "id"), scimListQuery(c))
	return s.answer(c, fiber.StatusOK, doc, err)
}

func (s *scimArea) createGroup(c *fiber.Ctx) error {
	doc, loc, err := s.svc.CreateGroup(c.UserContext(), scimClient(c), c.Body())
	if err == nil {
		c.Set(fiber.HeaderLocation, loc)
	}
	return s.answer(c, fiber.StatusCreated, doc, err)
}

func (s *scimArea) replaceGroup(c *fiber.Ctx) error {
	doc, err := s.svc.ReplaceGroup(c.UserContext(), scimClient(c), paramText(c, "id"), c.Body())
	return s.answer(c, fiber.StatusOK, doc, err)
}

func (s *scimArea) patchGroup(c *fiber.Ctx) error {
	return s.answer(c, 0, nil, s.svc.PatchGroup(c.UserContext(), scimClient(c), paramText(c, "id"), c.Body()))
}

func (s *scimArea) deleteGroup(c *fiber.Ctx) error {
	return s.answer(c, 0, nil, s.svc.DeleteGroup(c.UserContext(), scimClient(c), paramText(c, "id")))
}

// The admin pages.

type scimClientsPage struct {
	Clients []scim.Client
	Form    scim.NewClient
	Errors  validate.Errors
	// Created and Token are the client just created and its token, shown once.
	Created *scim.Client
	Token   string
	BaseURL string
}

type scimClientPage struct {
	Client   scim.Client
	Mappings []scim.Mapping
	Groups   []string
	Roles    []store.JobRole
	Group    string
	Role     string
	Errors   validate.Errors
	BaseURL  string
}

func init() {
	addPages(map[string]any{"admin_scim": scimClientsPage{}, "admin_scim_client": scimClientPage{}})
}

func (s *scimArea) clientsPage(c *fiber.Ctx, status int, p scimClientsPage) error {
	var err error
	if p.Clients, err = s.svc.Clients(c.UserContext()); err != nil {
		return err
	}
	p.BaseURL = s.app.cfg.BaseURL.String() + scimPrefix
	return s.app.render(c, status, "admin_scim", Page{Title: "Provisioning (SCIM)", Data: p})
}

func (s *scimArea) handleClients(c *fiber.Ctx) error {
	return s.clientsPage(c, fiber.StatusOK, scimClientsPage{})
}

// handleCreateClient issues a client's token and shows it this once.
func (s *scimArea) handleCreateClient(c *fiber.Ctx) error {
	in := scim.NewClient{Name: formText(c, "name"), OrgCode: formText(c, "org")}
	var bad bool
	if in.Rate, bad = formInt(c, "rate"); bad {
		return s.clientsPage(c, fiber.StatusUnprocessableEntity, scimClientsPage{Form: in, Errors: validate.Errors{"rate": "Enter a whole number of requests a second."}})
	}
	cl, token, err := s.svc.CreateClient(c.UserContext(), viewerOf(c).ID, in)
	if inv, ok := validate.As(err); ok {
		return s.clientsPage(c, fiber.StatusUnprocessableEntity, scimClientsPage{Form: in, Errors: inv})
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.clientsPage(c, fiber.StatusOK, scimClientsPage{Created: &cl, Token: token})
}

func (s *scimArea) clientPage(c *fiber.Ctx, status int, p scimClientPage) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	if p.Client, err = s.svc.ClientByID(ctx, id); err != nil {
		return err
	}
	if p.Mappings, err = s.svc.Mappings(ctx, id); err != nil {
		return err
	}
	if p.Groups, err = s.svc.GroupNames(ctx, id); err != nil {
		return err
	}
	p.Roles, p.BaseURL = s.app.roles, s.app.cfg.BaseURL.String()+scimPrefix
	return s.app.render(c, status, "admin_scim_client", Page{Title: p.Client.Name, Data: p})
}

func (s *scimArea) handleClient(c *fiber.Ctx) error {
	return s.clientPage(c, fiber.StatusOK, scimClientPage{})
}

func (s *scimArea) handleRevoke(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := s.svc.RevokeClient(c.UserContext(), viewerOf(c).ID, id); err != nil {
		return err
	}
	s.app.setFlash(c, "The client's token no longer works. The people it provisioned stay.")
	return c.Redirect("/admin/scim", fiber.StatusSeeOther)
}

func (s *scimArea) handleSetMapping(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	group, role := formText(c, "group"), formText(c, "role")
	err = s.svc.SetMapping(c.UserContext(), viewerOf(c).ID, id, group, role)
	if inv, ok := validate.As(err); ok {
		return s.clientPage(c, fiber.StatusUnprocessableEntity, scimClientPage{Group: group, Role: role, Errors: inv})
	}
	if err != nil {
		return err
	}
	s.app.setFlash(c, "Members of “"+group+"” now have the job role "+s.app.roleName(role)+".")
	return c.Redirect("/admin/scim/clients/"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
}

func (s *scimArea) handleDeleteMapping(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	group := formText(c, "group")
	if err := s.svc.DeleteMapping(c.UserContext(), viewerOf(c).ID, id, group); err != nil {
		return err
	}
	s.app.setFlash(c, "Members of “"+group+"” no longer get a job role from it.")
	return c.Redirect("/admin/scim/clients/"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
}
