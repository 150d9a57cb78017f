package sso

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"strings"
	"time"

	"github.com/crewjam/saml"
	"github.com/jmoiron/sqlx"
)

// samlSP is a provider's SAML service provider.
type samlSP struct {
	sp *saml.ServiceProvider
}

// parseIDPMetadata reads an identity provider's metadata document.
func parseIDPMetadata(doc string) (*saml.EntityDescriptor, error) {
	var ed saml.EntityDescriptor
	if err := xml.Unmarshal([]byte(doc), &ed); err != nil {
		return nil, wrap("idp metadata", err)
	}
	if len(ed.IDPSSODescriptors) == 0 {
		return nil, errors.New("sso: idp metadata has no IDPSSODescriptor")
	}
	return &ed, nil
}

// newSPKey gives a SAML provider its own key and self-signed certificate
// (published in the SP metadata; the key is sealed like a secret).
func (s *Service) newSPKey(ctx context.Context, tx *sqlx.Tx, id int64) error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return wrap("sp key", err)
	}
	now := s.now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(now.UnixNano()), Subject: pkix.Name{CommonName: s.URLsOf(id).EntityID},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(10, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return wrap("sp certificate", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return wrap("sp key", err)
	}
	sealed, err := s.seal.seal(der, id)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE sso_providers SET sp_key_sealed = $2, sp_cert = $3 WHERE id = $1`, id, sealed, cert)
	return wrapNil("store sp key", err)
}

// serviceProvider builds the SAML service provider of p: its key, the
// IdP's metadata, the ACS URL as the only recipient, this SP's entity id as
// the only audience, a signed response or assertion required, the
// assertion-id replay table, and IdP-initiated sign-in only where allowed.
func (s *Service) serviceProvider(ctx context.Context, p Provider) (*samlSP, error) {
	var row struct {
		Key  []byte `db:"sp_key_sealed"`
		Cert []byte `db:"sp_cert"`
	}
	if err := s.db.GetContext(ctx, &row, `SELECT sp_key_sealed, sp_cert FROM sso_providers WHERE id = $1`, p.ID); err != nil {
		return nil, wrap("sp key", err)
	}
	der, err := s.seal.open(row.Key, p.ID)
	if err != nil {
		return nil, err
	}
	key, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, wrap("sp key", err)
	}
	cert, err := x509.ParseCertificate(row.Cert)
	if err != nil {
		return nil, wrap("sp certificate", err)
	}
	var idp *saml.EntityDescriptor
	if p.MetadataXML != "" {
		if idp, err = parseIDPMetadata(p.MetadataXML); err != nil {
			return nil, err
		}
	}
	u := s.URLsOf(p.ID)
	meta, _ := url.Parse(u.EntityID)
	acs, _ := url.Parse(u.ACS)
	signer, _ := key.(*rsa.PrivateKey)
	return &samlSP{sp: &saml.ServiceProvider{
		EntityID: u.EntityID, Key: signer, Certificate: cert, MetadataURL: *meta, AcsURL: *acs,
		IDPMetadata: idp, AllowIDPInitiated: p.IDPInitiated, ReplayCache: &replayTable{s: s, providerID: p.ID},
		AuthnNameIDFormat: saml.UnspecifiedNameIDFormat,
	}}, nil
}

// Metadata is the SP metadata document of a SAML provider.
func (s *Service) Metadata(ctx context.Context, id int64) ([]byte, error) {
	p, err := s.Provider(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Protocol != SAML {
		return nil, errNotSAML
	}
	c, err := s.built(ctx, p)
	if err != nil {
		return nil, err
	}
	b, err := xml.MarshalIndent(c.saml.sp.Metadata(), "", "  ")
	if err != nil {
		return nil, wrap("sp metadata", err)
	}
	return append([]byte(xml.Header), b...), nil
}

var errNotSAML = fmt.Errorf("sso: not a SAML provider: %w", errNotFound)

// beginSAML sends the browser to the IdP with an AuthnRequest (HTTP-Redirect
// binding); the relay state is the flow's state.
func (s *Service) beginSAML(ctx context.Context, p Provider, c *samlSP, next string) (string, string, error) {
	if c.sp.IDPMetadata == nil {
		return "", "", errors.New("sso: the provider has no identity-provider metadata")
	}
	req, err := c.sp.MakeAuthenticationRequest(c.sp.GetSSOBindingLocation(saml.HTTPRedirectBinding), saml.HTTPRedirectBinding, saml.HTTPPostBinding)
	if err != nil {
		return "", "", wrap("authn request", err)
	}
	state, err := s.saveFlow(ctx, flow{ProviderID: p.ID, RequestID: req.ID, Next: next})
	if err != nil {
		return "", "", err
	}
	u, err := req.Redirect(state, c.sp)
	if err != nil {
		return "", "", wrap("authn redirect", err)
	}
	return u.String(), state, nil
}

// CompleteSAML finishes a SAML sign-in from the ACS form: SAMLResponse and
// RelayState. With a relay state the flow must be this browser's, and the
// response must answer its AuthnRequest; without one the response is
// IdP-initiated, refused unless the provider allows it.
func (s *Service) CompleteSAML(ctx context.Context, id int64, samlResponse, relayState, cookieState string) (Result, error) {
	p, err := s.active(ctx, id)
	if err != nil {
		return Result{}, err
	}
	if p.Protocol != SAML {
		return Result{}, refuse("not a SAML provider", nil)
	}
	var possible []string
	next := "/my"
	if relayState != "" || !p.IDPInitiated {
		f, err := s.takeFlow(ctx, p.ID, relayState, cookieState)
		if err != nil {
			return Result{}, err
		}
		possible, next = []string{f.RequestID}, f.Next
	}
	c, err := s.built(ctx, p)
	if err != nil {
		return Result{}, err
	}
	raw, err := base64.StdEncoding.DecodeString(samlResponse)
	if err != nil {
		return Result{}, refuse("SAMLResponse is not base64", nil)
	}
	a, err := c.saml.sp.ParseXMLResponse(raw, possible, c.saml.sp.AcsURL)
	if err != nil {
		var ire *saml.InvalidResponseError
		if errors.As(err, &ire) {
			err = fmt.Errorf("%w: %v", err, ire.PrivateErr)
		}
		return Result{}, refuse("saml response", err)
	}
	r, err := s.resolve(ctx, p, identityFromAssertion(p, a))
	r.Next = next
	return r, err
}

// identityFromAssertion reads the subject and attributes of an assertion.
// The email is the IdP's word; it counts as verified because only an
// approved domain of this provider is accepted.
func identityFromAssertion(p Provider, a *saml.Assertion) identity {
	who := identity{EmailVerified: true}
	if a.Subject != nil && a.Subject.NameID != nil {
		who.Subject = a.Subject.NameID.Value
		if a.Subject.NameID.Format == string(saml.EmailAddressNameIDFormat) {
			who.Email = a.Subject.NameID.Value
		}
	}
	for _, st := range a.AttributeStatements {
		for _, at := range st.Attributes {
			if len(at.Values) == 0 {
				continue
			}
			names := []string{at.Name, at.FriendlyName}
			has := func(want ...string) bool {
				for _, n := range names {
					for _, w := range want {
						if n != "" && strings.EqualFold(n, w) {
							return true
						}
					}
				}
				return false
			}
			switch {
			case has("email", "mail", "emailaddress", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"):
				who.Email = at.Values[0].Value
			case has("name", "displayname", "cn", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"):
				who.Name = at.Values[0].Value
			}
			if p.OrgClaim != "" && has(p.OrgClaim) {
				who.OrgCode = at.Values[0].Value
			}
			if p.RolesClaim != "" && has(p.RolesClaim) {
				for _, v := range at.Values {
					who.Groups = append(who.Groups, v.Value)
				}
			}
		}
	}
	who.Email = strings.TrimSpace(who.Email)
	return who
}

// replayTable is the SAML replay cache: an assertion id is recorded in
// sso_saml_assertions until it could no longer be accepted; a second
// insert of the id is a replay.
type replayTable struct {
	s          *Service
	providerID int64
}

func (r *replayTable) Consume(id string, until time.Time) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := r.s.db.ExecContext(ctx, `DELETE FROM sso_saml_assertions WHERE expires_at < $1`, r.s.now()); err != nil {
		return wrap("sweep assertions", err)
	}
	res, err := r.s.db.ExecContext(ctx, `INSERT INTO sso_saml_assertions (assertion_id, provider_id, expires_at)
		VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, id, r.providerID, until)
	if err != nil {
		return wrap("record assertion", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return saml.ErrAssertionReplayed
	}
	return nil
}
