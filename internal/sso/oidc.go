package sso

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// cached is what a provider's row builds once: the OpenID Connect client
// (after discovery) or the SAML service provider.
type cached struct {
	updated time.Time
	oidc    *oidcClient
	saml    *samlSP
}

type oidcClient struct {
	conf       oauth2.Config
	verifier   *oidc.IDTokenVerifier
	endSession string
}

// active loads an enabled provider.
func (s *Service) active(ctx context.Context, id int64) (Provider, error) {
	p, err := s.Provider(ctx, id)
	if err != nil {
		return Provider{}, err
	}
	if p.DisabledAt != nil {
		return Provider{}, ErrDisabled
	}
	return p, nil
}

// built returns the cached client of p, building it when p changed.
func (s *Service) built(ctx context.Context, p Provider) (*cached, error) {
	s.mu.Lock()
	c, ok := s.cache[p.ID]
	s.mu.Unlock()
	if ok && c.updated.Equal(p.UpdatedAt) {
		return c, nil
	}
	c = &cached{updated: p.UpdatedAt}
	var err error
	switch p.Protocol {
	case OIDC:
		c.oidc, err = s.discover(ctx, p)
	case SAML:
		c.saml, err = s.serviceProvider(ctx, p)
	}
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.cache[p.ID] = c
	s.mu.Unlock()
	return c, nil
}

// discover reads the provider's discovery document and keys (go-oidc
// refreshes the keys when an unknown key id appears).
func (s *Service) discover(ctx context.Context, p Provider) (*oidcClient, error) {
	// Discovery outlives the request that triggered it: the key set keeps
	// the context's client for later refreshes.
	dctx := oidc.ClientContext(context.WithoutCancel(ctx), s.client)
	op, err := oidc.NewProvider(dctx, p.Issuer)
	if err != nil {
		return nil, wrap("discovery", err)
	}
	var sealed []byte
	if err := s.db.GetContext(ctx, &sealed, `SELECT secret_sealed FROM sso_providers WHERE id = $1`, p.ID); err != nil {
		return nil, wrap("secret", err)
	}
	secret, err := s.seal.open(sealed, p.ID)
	if err != nil {
		return nil, err
	}
	var meta struct {
		EndSession string `json:"end_session_endpoint"`
	}
	_ = op.Claims(&meta)
	end := p.EndSessionURL
	if end == "" {
		end = meta.EndSession
	}
	return &oidcClient{
		conf: oauth2.Config{ClientID: p.ClientID, ClientSecret: string(secret), Endpoint: op.Endpoint(),
			RedirectURL: s.URLsOf(p.ID).RedirectURI,
			Scopes:      append([]string{oidc.ScopeOpenID, "email", "profile"}, strings.Fields(p.Scopes)...)},
		// Expiry is checked against a clock set back by the skew, so a
		// provider slightly ahead of us is not refused; go-oidc allows the
		// same on nbf.
		verifier:   op.Verifier(&oidc.Config{ClientID: p.ClientID, Now: func() time.Time { return s.now().Add(-ClockSkew) }}),
		endSession: end,
	}, nil
}

// Begin starts a sign-in: it returns the provider's URL to send the browser
// to and the state to keep in the browser's cookie.
func (s *Service) Begin(ctx context.Context, id int64, next string) (redirect, state string, err error) {
	p, err := s.active(ctx, id)
	if err != nil {
		return "", "", err
	}
	c, err := s.built(ctx, p)
	if err != nil {
		return "", "", refuse("provider unreachable or misconfigured", err)
	}
	if p.Protocol == SAML {
		return s.beginSAML(ctx, p, c.saml, next)
	}
	f := flow{ProviderID: p.ID, Nonce: randomString(), Verifier: oauth2.GenerateVerifier(), Next: next}
	if state, err = s.saveFlow(ctx, f); err != nil {
		return "", "", err
	}
	u := c.oidc.conf.AuthCodeURL(state, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier))
	return u, state, nil
}

// CompleteOIDC finishes an OpenID Connect sign-in: the state must be this
// browser's and unused, the code is exchanged with the PKCE verifier, and
// the ID token must be signed by the provider's key, issued by it, for
// this client, unexpired, with the flow's nonce.
func (s *Service) CompleteOIDC(ctx context.Context, id int64, q url.Values, cookieState string) (Result, error) {
	p, err := s.active(ctx, id)
	if err != nil {
		return Result{}, err
	}
	if p.Protocol != OIDC {
		return Result{}, refuse("not an OpenID Connect provider", nil)
	}
	f, err := s.takeFlow(ctx, p.ID, q.Get("state"), cookieState)
	if err != nil {
		return Result{}, err
	}
	if e := q.Get("error"); e != "" {
		return Result{}, refuse("provider error "+e, nil)
	}
	c, err := s.built(ctx, p)
	if err != nil {
		return Result{}, err
	}
	tok, err := c.oidc.conf.Exchange(oidc.ClientContext(ctx, s.client), q.Get("code"), oauth2.VerifierOption(f.Verifier))
	if err != nil {
		// The provider's error body is not logged: it may echo what was sent.
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return Result{}, refuse("code exchange: "+re.ErrorCode, nil)
		}
		return Result{}, refuse("code exchange", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Result{}, refuse("no id_token", nil)
	}
	idt, err := c.oidc.verifier.Verify(ctx, raw)
	if err != nil {
		return Result{}, refuse("id token", err)
	}
	if idt.Nonce == "" || idt.Nonce != f.Nonce {
		return Result{}, refuse("nonce is not this flow's", nil)
	}
	if idt.IssuedAt.After(s.now().Add(ClockSkew)) {
		return Result{}, refuse(fmt.Sprintf("issued in the future (%s)", idt.IssuedAt.UTC()), nil)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return Result{}, refuse("claims", err)
	}
	who := identityFromClaims(p, idt.Subject, claims)
	if p.RequireEmailVerified && !who.EmailVerified {
		return Result{}, refuse("email not verified", nil)
	}
	r, err := s.resolve(ctx, p, who)
	r.Next = f.Next
	return r, err
}

// EndSessionURL is where the browser may go to sign out at the provider
// too ("" when it offers none).
func (s *Service) EndSessionURL(ctx context.Context, id int64) (label, endSession string, err error) {
	p, err := s.active(ctx, id)
	if err != nil {
		return "", "", err
	}
	end := p.EndSessionURL
	if p.Protocol == OIDC {
		if c, err := s.built(ctx, p); err == nil {
			end = c.oidc.endSession
		}
	}
	if end == "" {
		return p.Name, "", nil
	}
	u, err := url.Parse(end)
	if err != nil {
		return p.Name, "", nil
	}
	if p.Protocol == OIDC {
		v := u.Query()
		v.Set("client_id", p.ClientID)
		v.Set("post_logout_redirect_uri", s.baseURL+"/")
		u.RawQuery = v.Encode()
	}
	return p.Name, u.String(), nil
}
