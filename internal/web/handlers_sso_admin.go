package web

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/sso"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/validate"
)

// ssoAdminPage lists the identity providers and their domains.
type ssoAdminPage struct {
	Providers []sso.Provider
}

// ssoFormPage is the provider form. The secret is never sent back: the
// form says whether one is stored.
type ssoFormPage struct {
	ID          int64
	Form        sso.Input
	DomainsText string
	RoleMapText string
	Domains     []sso.Domain
	SecretSet   bool
	URLs        sso.URLs
	Roles       []store.JobRole
	Errors      validate.Errors
}

func (s *ssoArea) handleAdminList(c *fiber.Ctx) error {
	ps, err := s.svc.Providers(c.UserContext())
	if err != nil {
		return err
	}
	return s.app.render(c, fiber.StatusOK, "sso_admin", Page{Title: "Sign-in with identity providers", Data: ssoAdminPage{Providers: ps}})
}

func (s *ssoArea) renderForm(c *fiber.Ctx, status int, d ssoFormPage) error {
	d.Roles = s.app.roles
	if d.Errors == nil {
		d.Errors = validate.Errors{}
	}
	if d.ID != 0 {
		d.URLs = s.svc.URLsOf(d.ID)
	}
	title := "Add an identity provider"
	if d.ID != 0 {
		title = d.Form.Name
	}
	return s.app.render(c, status, "sso_admin_form", Page{Title: title, Data: d})
}

func (s *ssoArea) handleAdminNew(c *fiber.Ctx) error {
	return s.renderForm(c, fiber.StatusOK, ssoFormPage{Form: sso.Input{Protocol: sso.OIDC, RequireEmailVerified: true}})
}

func (s *ssoArea) handleAdminEdit(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	p, err := s.svc.Provider(c.UserContext(), id)
	if err != nil {
		return err
	}
	in := sso.Input{Name: p.Name, Protocol: p.Protocol, Issuer: p.Issuer, ClientID: p.ClientID, Scopes: p.Scopes, MetadataURL: p.MetadataURL,
		IDPInitiated: p.IDPInitiated, RootOrgCode: p.RootOrgCode, OrgClaim: p.OrgClaim, RolesClaim: p.RolesClaim,
		DefaultOrgCode: p.DefaultOrgCode, DefaultRole: p.DefaultRole, RequireEmailVerified: p.RequireEmailVerified,
		JIT: p.JIT, PasswordOff: p.PasswordOff, EndSessionURL: p.EndSessionURL, Disabled: p.DisabledAt != nil, RoleMap: p.RoleMap}
	var ds []string
	for _, d := range p.Domains {
		ds = append(ds, d.Domain)
	}
	return s.renderForm(c, fiber.StatusOK, ssoFormPage{ID: id, Form: in, DomainsText: strings.Join(ds, "\n"),
		RoleMapText: roleMapText(p.RoleMap), Domains: p.Domains, SecretSet: p.SecretSet})
}

func (s *ssoArea) handleAdminCreate(c *fiber.Ctx) error { return s.save(c, 0) }

func (s *ssoArea) handleAdminUpdate(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	return s.save(c, id)
}

// save stores the form; field problems re-render it with 422.
func (s *ssoArea) save(c *fiber.Ctx, id int64) error {
	d := ssoFormPage{ID: id, DomainsText: formText(c, "domains"), RoleMapText: formText(c, "role_map")}
	d.Form = sso.Input{Name: formText(c, "name"), Protocol: formText(c, "protocol"), Issuer: formText(c, "issuer"),
		ClientID: formText(c, "client_id"), Scopes: formText(c, "scopes"), Secret: formValue(c, "secret"), MetadataURL: formText(c, "metadata_url"),
		MetadataXML: formText(c, "metadata_xml"), IDPInitiated: formValue(c, "idp_initiated") != "",
		RootOrgCode: formText(c, "root_org"), OrgClaim: formText(c, "org_claim"), RolesClaim: formText(c, "roles_claim"),
		DefaultOrgCode: formText(c, "default_org"), DefaultRole: formText(c, "default_role"),
		RequireEmailVerified: formValue(c, "require_email_verified") != "", JIT: formValue(c, "jit") != "",
		PasswordOff: formValue(c, "password_off") != "", EndSessionURL: formText(c, "end_session_url"),
		Disabled: formValue(c, "disabled") != "", Domains: strings.FieldsFunc(d.DomainsText, listSep)}
	var bad string
	d.Form.RoleMap, bad = parseRoleMap(d.RoleMapText, s.app.roleMap)
	newID, err := s.svc.SaveProvider(c.UserContext(), viewerOf(c).ID, id, d.Form)
	inv, isForm := validate.As(err)
	if bad != "" {
		if inv == nil {
			inv = validate.Errors{}
		}
		inv["role_map"], isForm = bad, true
	}
	if isForm {
		d.Form.Secret = ""
		if id != 0 {
			if p, err := s.svc.Provider(c.UserContext(), id); err == nil {
				d.Domains, d.SecretSet = p.Domains, p.SecretSet
			}
		}
		d.Errors = inv
		return s.renderForm(c, fiber.StatusUnprocessableEntity, d)
	}
	if err != nil {
		return err
	}
	s.app.setFlash(c, "The identity provider is saved. New email domains wait for approval.")
	return c.Redirect(fmt.Sprintf("/admin/sso/%d", newID), fiber.StatusSeeOther)
}

func (s *ssoArea) handleAdminApprove(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	domain := formText(c, "domain")
	if err := s.svc.ApproveDomain(c.UserContext(), viewerOf(c).ID, id, domain); err != nil {
		return err
	}
	s.app.setFlash(c, domain+" is approved: its people now sign in with this provider.")
	return c.Redirect(fmt.Sprintf("/admin/sso/%d", id), fiber.StatusSeeOther)
}

func listSep(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ' ' || r == ';' }

// parseRoleMap reads lines "claim value = ROLE, ROLE"; it returns what is
// wrong with the first bad line, or "".
func parseRoleMap(text string, roles map[string]string) (map[string][]string, string) {
	m := map[string][]string{}
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		value, codes, ok := strings.Cut(line, "=")
		value = strings.TrimSpace(value)
		if !ok || value == "" {
			return nil, fmt.Sprintf("Line %d: write the claim value, “=”, then job-role codes, e.g. “Patrol = PATROL”.", n+1)
		}
		for _, code := range strings.FieldsFunc(codes, listSep) {
			if _, known := roles[code]; !known {
				return nil, fmt.Sprintf("Line %d: %q is not a job-role code.", n+1, code)
			}
			m[value] = append(m[value], code)
		}
	}
	return m, ""
}

func roleMapText(m map[string][]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s = %s\n", k, strings.Join(m[k], ", "))
	}
	return b.String()
}
