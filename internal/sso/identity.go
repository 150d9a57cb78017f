package sso

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/store"
)

// identity is who the provider says signed in.
type identity struct {
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
	OrgCode       string   // the org claim's value
	Groups        []string // the roles claim's values
}

// identityFromClaims reads an ID token's claims with the provider's map.
func identityFromClaims(p Provider, sub string, c map[string]any) identity {
	who := identity{Subject: sub, Email: str(c["email"]), Name: str(c["name"])}
	switch v := c["email_verified"].(type) {
	case bool:
		who.EmailVerified = v
	case string: // some providers send "true"
		who.EmailVerified = v == "true"
	}
	if p.OrgClaim != "" {
		who.OrgCode = str(c[p.OrgClaim])
	}
	if p.RolesClaim != "" {
		who.Groups = strs(c[p.RolesClaim])
	}
	return who
}

func str(v any) string {
	s, _ := v.(string)
	return strings.TrimSpace(s)
}

func strs(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case []string:
		return v
	}
	return nil
}

// resolve finds or creates the Waymark person behind an identity: by the
// provider's subject once linked; the first time by email, which must be
// in a domain approved for this provider (a provider cannot vouch for
// another agency's addresses); else, where the provider allows it, a new
// person in its subtree with the organization and roles its claims map to.
func (s *Service) resolve(ctx context.Context, p Provider, who identity) (Result, error) {
	if who.Subject == "" {
		return Result{}, refuse("no subject", nil)
	}
	res := Result{ProviderID: p.ID}
	var uid int64
	err := s.db.GetContext(ctx, &uid, `UPDATE sso_links SET last_used_at = $3 WHERE provider_id = $1 AND subject = $2
		RETURNING user_id`, p.ID, who.Subject, s.now())
	if err == nil {
		u, err := s.users.ByID(ctx, uid)
		if err != nil || !u.Active() {
			return Result{}, refuse("linked person missing or deactivated", err)
		}
		res.UserID = uid
		return res, nil
	}
	if !errors.Is(err, errSQLNoRows) {
		return Result{}, wrap("link", err)
	}
	if !p.domainApproved(who.Email) {
		return Result{}, refuse("email domain not approved for this provider", nil)
	}
	u, err := s.users.ByEmail(ctx, who.Email)
	switch {
	case err == nil:
		return s.linkExisting(ctx, p, who, u)
	case !errors.Is(err, store.ErrNotFound):
		return Result{}, err
	case !p.JIT:
		return Result{}, refuse("no account and just-in-time creation is off", nil)
	}
	in := people.FederatedPerson{Email: who.Email, Name: who.Name, OrgCode: who.OrgCode, Roles: p.rolesFor(who.Groups), Root: p.RootOrgID}
	if in.Name == "" {
		in.Name = who.Email[:strings.IndexByte(who.Email, '@')]
	}
	if in.OrgCode == "" {
		in.OrgCode = p.DefaultOrgCode
	}
	id, err := s.people.CreateFederated(ctx, in, func(tx *sqlx.Tx, userID int64) error {
		return s.link(ctx, tx, p.ID, who.Subject, userID)
	})
	if err != nil {
		if errors.Is(err, people.ErrOutsideSubtree) {
			return Result{}, refuse("organization outside the provider's subtree", nil)
		}
		if _, ok := asValidation(err); ok {
			return Result{}, refuse("just-in-time person", err)
		}
		return Result{}, err
	}
	res.UserID, res.Created = id, true
	return res, nil
}

// linkExisting links a person found by email, who must be active and in
// the provider's subtree.
func (s *Service) linkExisting(ctx context.Context, p Provider, who identity, u store.User) (Result, error) {
	if !u.Active() {
		return Result{}, refuse("person deactivated", nil)
	}
	in, err := s.orgs.InSubtree(ctx, u.OrgID, []int64{p.RootOrgID})
	if err != nil {
		return Result{}, err
	}
	if !in {
		return Result{}, refuse("person outside the provider's subtree", nil)
	}
	err = store.InTx(ctx, s.db, func(tx *sqlx.Tx) error { return s.link(ctx, tx, p.ID, who.Subject, u.ID) })
	if err != nil {
		return Result{}, err
	}
	return Result{UserID: u.ID, ProviderID: p.ID}, nil
}

// link records that the provider's subject is this person, audited.
func (s *Service) link(ctx context.Context, tx *sqlx.Tx, providerID int64, subject string, userID int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO sso_links (provider_id, subject, user_id, created_at, last_used_at)
		VALUES ($1, $2, $3, $4, $4)`, providerID, subject, userID, s.now())
	if isUnique(err) {
		return refuse("person already linked to another subject of this provider", nil)
	}
	if err != nil {
		return wrap("link", err)
	}
	return store.Audit(ctx, tx, store.AuditEntry{Action: "sso.link", Entity: "user", EntityID: fmt.Sprint(userID),
		After: map[string]int64{"provider_id": providerID}})
}

// domainApproved reports whether email's domain is approved for p.
func (p Provider) domainApproved(email string) bool {
	at := strings.LastIndexByte(email, '@')
	if at < 1 {
		return false
	}
	d := strings.ToLower(email[at+1:])
	return slices.ContainsFunc(p.Domains, func(x Domain) bool { return x.Approved && x.Domain == d })
}

// rolesFor maps the roles claim's values to job roles, or the default.
func (p Provider) rolesFor(groups []string) []string {
	var out []string
	for _, g := range groups {
		out = append(out, p.RoleMap[g]...)
	}
	if len(out) == 0 && p.DefaultRole != "" {
		out = []string{p.DefaultRole}
	}
	return out
}
