package sso

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/validate"
)

// Input is what the admin form sets on a provider. Secret empty keeps the
// stored one.
type Input struct {
	Name, Protocol              string
	Issuer, ClientID, Secret    string // OpenID Connect
	Scopes                      string // beyond openid email profile, e.g. "groups"
	MetadataURL, MetadataXML    string // SAML
	IDPInitiated                bool
	RootOrgCode                 string
	OrgClaim, RolesClaim        string
	DefaultOrgCode, DefaultRole string
	Domains                     []string
	RoleMap                     map[string][]string
	RequireEmailVerified, JIT   bool
	PasswordOff                 bool
	EndSessionURL               string
	Disabled                    bool
}

var domainRE = regexp.MustCompile(`^[a-z0-9.-]+\.[a-z]{2,}$`)

// SaveProvider creates (id 0) or updates a provider and records the change
// in the audit log (never the secret: only whether one is set). A domain
// new to the provider waits for a state administrator's approval.
func (s *Service) SaveProvider(ctx context.Context, actor, id int64, in Input) (int64, error) {
	in, inv := s.clean(in)
	if s.seal == nil {
		inv["form"] = "Waymark cannot store providers' secrets and keys until SSO_SECRET_KEY (or SSO_SECRET_KEY_FILE) is set."
	}
	if in.Protocol == SAML && in.MetadataXML == "" && in.MetadataURL != "" && len(inv) == 0 {
		xml, err := s.fetchMetadata(ctx, in.MetadataURL)
		if err != nil {
			inv["metadata_url"] = "Waymark could not read the metadata at this address."
		}
		in.MetadataXML = xml
	}
	if in.Protocol == SAML && in.MetadataXML != "" && inv["metadata_url"] == "" {
		if _, err := parseIDPMetadata(in.MetadataXML); err != nil {
			inv["metadata_xml"] = "This is not SAML identity-provider metadata."
		}
	}
	err := store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var before *Provider
		if id != 0 {
			p, err := s.providerQ(ctx, tx, id, true)
			if err != nil {
				return err
			}
			before = &p
		}
		root, defOrg := s.orgRefs(ctx, tx, in, inv)
		if in.Protocol == OIDC && in.Secret == "" && (before == nil || !before.SecretSet) {
			inv["secret"] = "Enter the client secret."
		}
		if len(inv) > 0 {
			return inv
		}
		var err error
		if id, err = s.writeProvider(ctx, tx, id, in, root, defOrg); err != nil {
			return err
		}
		if err := saveDomains(ctx, tx, id, in.Domains); err != nil {
			return err
		}
		if err := saveRoleMap(ctx, tx, id, in.RoleMap); err != nil {
			return err
		}
		after, err := s.providerQ(ctx, tx, id, false)
		if err != nil {
			return err
		}
		action, beforeRec := "sso.provider.create", any(nil)
		if before != nil {
			action, beforeRec = "sso.provider.update", before
		}
		return store.Audit(ctx, tx, store.AuditEntry{ActorID: &actor, Action: action, Entity: "sso_provider",
			EntityID: fmt.Sprint(id), OrgID: &root, Before: beforeRec, After: after})
	})
	return id, err
}

// clean trims the input and checks what needs no database.
func (s *Service) clean(in Input) (Input, validate.Errors) {
	inv := validate.Errors{}
	in.Name, in.Protocol = strings.TrimSpace(in.Name), strings.TrimSpace(in.Protocol)
	in.Issuer, in.ClientID = strings.TrimSpace(in.Issuer), strings.TrimSpace(in.ClientID)
	in.MetadataURL, in.MetadataXML = strings.TrimSpace(in.MetadataURL), strings.TrimSpace(in.MetadataXML)
	in.EndSessionURL = strings.TrimSpace(in.EndSessionURL)
	in.Scopes = strings.Join(strings.Fields(in.Scopes), " ")
	if in.Name == "" || len(in.Name) > 120 {
		inv["name"] = "Enter a name of up to 120 characters, such as “Lowell Police (Entra ID)”."
	}
	switch in.Protocol {
	case OIDC:
		if !httpURL(in.Issuer) {
			inv["issuer"] = "Enter the issuer URL, such as https://login.microsoftonline.com/<tenant>/v2.0."
		}
		if in.ClientID == "" {
			inv["client_id"] = "Enter the client (application) id."
		}
	case SAML:
		if in.MetadataXML == "" && !httpURL(in.MetadataURL) {
			inv["metadata_url"] = "Enter the identity provider's metadata URL, or paste its metadata."
		}
	default:
		inv["protocol"] = "Choose OpenID Connect or SAML."
	}
	if in.EndSessionURL != "" && !httpURL(in.EndSessionURL) {
		inv["end_session_url"] = "Enter an https:// address, or leave it empty."
	}
	var domains []string
	for _, d := range in.Domains {
		d = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(d), "@"))
		if d == "" {
			continue
		}
		if !domainRE.MatchString(d) {
			inv["domains"] = fmt.Sprintf("%q is not an email domain such as lowellpd.org.", d)
		}
		domains = append(domains, d)
	}
	in.Domains = domains
	return in, inv
}

// orgRefs resolves the subtree root and default organization codes; the
// default must lie in the subtree.
func (s *Service) orgRefs(ctx context.Context, tx *sqlx.Tx, in Input, inv validate.Errors) (root int64, defOrg *int64) {
	r, err := s.orgs.ByCode(ctx, strings.ToUpper(strings.TrimSpace(in.RootOrgCode)))
	if err != nil {
		inv["root_org"] = "Enter the code of the organization whose subtree this provider serves."
		return 0, nil
	}
	if c := strings.ToUpper(strings.TrimSpace(in.DefaultOrgCode)); c != "" {
		d, err := s.orgs.ByCode(ctx, c)
		ok := err == nil
		if ok {
			ok, _ = s.orgs.InSubtreeTx(ctx, tx, d.ID, r.ID)
		}
		if !ok {
			inv["default_org"] = "The default organization must lie in the provider's subtree."
		} else {
			defOrg = &d.ID
		}
	}
	return r.ID, defOrg
}

// writeProvider inserts or updates the row, sealing a new secret with the
// provider id as additional data, and gives a new SAML provider its key.
func (s *Service) writeProvider(ctx context.Context, tx *sqlx.Tx, id int64, in Input, root int64, defOrg *int64) (int64, error) {
	var role *string
	if in.DefaultRole != "" {
		role = &in.DefaultRole
	}
	var disabled any
	if in.Disabled {
		disabled = s.now()
	}
	args := []any{in.Name, in.Protocol, in.Issuer, in.ClientID, in.MetadataURL, in.MetadataXML, in.IDPInitiated, root,
		in.OrgClaim, in.RolesClaim, defOrg, role, in.RequireEmailVerified, in.JIT, in.PasswordOff, in.EndSessionURL, s.now(), disabled, in.Scopes}
	const cols = `name = $1, protocol = $2, issuer = $3, client_id = $4, metadata_url = $5, metadata_xml = $6,
		idp_initiated = $7, root_org_id = $8, org_claim = $9, roles_claim = $10, default_org_id = $11, default_role = $12,
		require_email_verified = $13, jit = $14, password_off = $15, end_session_url = $16, updated_at = $17,
		disabled_at = CASE WHEN $18::timestamptz IS NULL THEN NULL ELSE COALESCE(disabled_at, $18) END, scopes = $19`
	if id == 0 {
		err := tx.GetContext(ctx, &id, `INSERT INTO sso_providers (name, protocol, root_org_id) VALUES ($1, $2, $3) RETURNING id`,
			in.Name, in.Protocol, root)
		if err != nil {
			if isUnique(err) {
				return 0, validate.Errors{"name": "Another provider has this name."}
			}
			return 0, wrap("create provider", err)
		}
		if in.Protocol == SAML {
			if err := s.newSPKey(ctx, tx, id); err != nil {
				return 0, err
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE sso_providers SET `+cols+` WHERE id = $20`, append(args, id)...); err != nil {
		if isUnique(err) {
			return 0, validate.Errors{"name": "Another provider has this name."}
		}
		return 0, wrap("update provider", err)
	}
	if in.Secret != "" {
		sealed, err := s.seal.seal([]byte(in.Secret), id)
		if err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sso_providers SET secret_sealed = $2 WHERE id = $1`, id, sealed); err != nil {
			return 0, wrap("store secret", err)
		}
	}
	return id, nil
}

func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// fetchMetadata reads a SAML IdP's metadata (at most 1 MiB).
func (s *Service) fetchMetadata(ctx context.Context, u string) (string, error) {
	req, err := httpGet(ctx, u)
	if err != nil {
		return "", err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return "", wrap("fetch metadata", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return "", fmt.Errorf("sso: fetch metadata: status %d", resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return string(b), err
}
