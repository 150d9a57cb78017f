package sso

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/store"
)

// Protocols.
const (
	OIDC = "oidc"
	SAML = "saml"
)

// Provider is a configured identity provider. It never holds the secret
// in the clear: SecretSet says whether one is stored.
type Provider struct {
	ID                   int64      `db:"id" json:"id"`
	Name                 string     `db:"name" json:"name"`
	Protocol             string     `db:"protocol" json:"protocol"`
	Issuer               string     `db:"issuer" json:"issuer"`
	ClientID             string     `db:"client_id" json:"client_id"`
	Scopes               string     `db:"scopes" json:"scopes"`
	MetadataURL          string     `db:"metadata_url" json:"metadata_url"`
	MetadataXML          string     `db:"metadata_xml" json:"-"`
	IDPInitiated         bool       `db:"idp_initiated" json:"idp_initiated"`
	RootOrgID            int64      `db:"root_org_id" json:"root_org_id"`
	RootOrgCode          string     `db:"-" json:"root_org"`
	OrgClaim             string     `db:"org_claim" json:"org_claim"`
	RolesClaim           string     `db:"roles_claim" json:"roles_claim"`
	DefaultOrgID         *int64     `db:"default_org_id" json:"-"`
	DefaultOrgCode       string     `db:"-" json:"default_org"`
	DefaultRole          string     `db:"default_role" json:"default_role"`
	RequireEmailVerified bool       `db:"require_email_verified" json:"require_email_verified"`
	JIT                  bool       `db:"jit" json:"jit"`
	PasswordOff          bool       `db:"password_off" json:"password_off"`
	EndSessionURL        string     `db:"end_session_url" json:"end_session_url"`
	SecretSet            bool       `db:"secret_set" json:"secret_set"`
	UpdatedAt            time.Time  `db:"updated_at" json:"-"`
	DisabledAt           *time.Time `db:"disabled_at" json:"disabled,omitempty"`

	Domains []Domain            `db:"-" json:"domains"`
	RoleMap map[string][]string `db:"-" json:"role_map"` // claim value → job-role codes
}

// Label is how the sign-in page names the provider.
func (p Provider) Label() string { return p.Name }

// Domain is an email domain a provider claims.
type Domain struct {
	Domain   string `db:"domain" json:"domain"`
	Approved bool   `db:"approved" json:"approved"`
}

const providerColumns = `p.id, p.name, p.protocol, p.issuer, p.client_id, p.scopes, p.metadata_url, p.metadata_xml,
	p.idp_initiated, p.root_org_id, p.org_claim, p.roles_claim, p.default_org_id, COALESCE(p.default_role, '') AS default_role,
	p.require_email_verified, p.jit, p.password_off, p.end_session_url, p.secret_sealed IS NOT NULL AS secret_set,
	p.updated_at, p.disabled_at`

const providerFrom = ` FROM sso_providers p`

// Providers lists every provider with its domains, by name.
func (s *Service) Providers(ctx context.Context) ([]Provider, error) {
	var ps []Provider
	if err := s.db.SelectContext(ctx, &ps, `SELECT `+providerColumns+providerFrom+` ORDER BY lower(p.name)`); err != nil {
		return nil, wrap("list providers", err)
	}
	for i := range ps {
		if err := s.details(ctx, s.db, &ps[i]); err != nil {
			return nil, err
		}
	}
	return ps, nil
}

// Provider loads one provider with its domains and role map.
func (s *Service) Provider(ctx context.Context, id int64) (Provider, error) {
	return s.providerQ(ctx, s.db, id, false)
}

func (s *Service) providerQ(ctx context.Context, q sqlx.QueryerContext, id int64, lock bool) (Provider, error) {
	var p Provider
	query := `SELECT ` + providerColumns + providerFrom + ` WHERE p.id = $1`
	if lock {
		query += ` FOR UPDATE OF p`
	}
	err := sqlx.GetContext(ctx, q, &p, query, id)
	if errors.Is(err, errSQLNoRows) {
		return Provider{}, store.ErrNotFound
	}
	if err != nil {
		return Provider{}, wrap("get provider", err)
	}
	return p, s.details(ctx, q, &p)
}

// details loads a provider's organization codes, domains and role map.
func (s *Service) details(ctx context.Context, q sqlx.QueryerContext, p *Provider) error {
	ids := []int64{p.RootOrgID}
	if p.DefaultOrgID != nil {
		ids = append(ids, *p.DefaultOrgID)
	}
	orgs, err := s.orgs.ByIDs(ctx, q, ids)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		if o.ID == p.RootOrgID {
			p.RootOrgCode = o.Code
		}
		if p.DefaultOrgID != nil && o.ID == *p.DefaultOrgID {
			p.DefaultOrgCode = o.Code
		}
	}
	p.Domains = []Domain{}
	if err := sqlx.SelectContext(ctx, q, &p.Domains, `SELECT domain, approved_at IS NOT NULL AS approved
		FROM sso_domains WHERE provider_id = $1 ORDER BY domain`, p.ID); err != nil {
		return wrap("domains", err)
	}
	var rows []struct {
		Value string `db:"claim_value"`
		Role  string `db:"role_code"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT claim_value, role_code FROM sso_role_map
		WHERE provider_id = $1 ORDER BY claim_value, role_code`, p.ID); err != nil {
		return wrap("role map", err)
	}
	p.RoleMap = map[string][]string{}
	for _, r := range rows {
		p.RoleMap[r.Value] = append(p.RoleMap[r.Value], r.Role)
	}
	return nil
}

// ApproveDomain lets a provider's domain route sign-in, link people by
// email and create them. A domain another provider serves already is a
// conflict.
func (s *Service) ApproveDomain(ctx context.Context, actor, id int64, domain string) error {
	return store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sso_domains SET approved_at = $3, approved_by = $4
			WHERE provider_id = $1 AND domain = $2 AND approved_at IS NULL`, id, strings.ToLower(domain), s.now(), actor)
		if err != nil {
			if isUnique(err) {
				return store.ErrConflict
			}
			return wrap("approve domain", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		return store.Audit(ctx, tx, store.AuditEntry{ActorID: &actor, Action: "sso.domain.approve", Entity: "sso_provider",
			EntityID: fmt.Sprint(id), After: map[string]string{"domain": domain}})
	})
}

// saveDomains makes the provider claim exactly domains: new ones wait for
// approval, kept ones keep theirs.
func saveDomains(ctx context.Context, tx *sqlx.Tx, id int64, domains []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM sso_domains WHERE provider_id = $1 AND NOT (domain = ANY($2))`,
		id, pqArray(domains)); err != nil {
		return wrap("drop domains", err)
	}
	for _, d := range domains {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sso_domains (provider_id, domain) VALUES ($1, $2)
			ON CONFLICT DO NOTHING`, id, d); err != nil {
			return wrap("add domain", err)
		}
	}
	return nil
}

// saveRoleMap replaces the provider's role map.
func saveRoleMap(ctx context.Context, tx *sqlx.Tx, id int64, m map[string][]string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM sso_role_map WHERE provider_id = $1`, id); err != nil {
		return wrap("clear role map", err)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, role := range m[k] {
			if _, err := tx.ExecContext(ctx, `INSERT INTO sso_role_map (provider_id, claim_value, role_code)
				VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, id, k, role); err != nil {
				return wrap("role map", err)
			}
		}
	}
	return nil
}
