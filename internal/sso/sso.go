// Package sso signs people in with their agency's identity provider:
// OpenID Connect (authorization code with PKCE) and SAML 2.0 (a service
// provider). State administrators configure providers; each serves an
// organization subtree and the email domains an administrator approved.
// A person is matched by the provider's subject once linked, by verified
// email the first time, and created just in time where the provider
// allows it (through internal/people, so their training is assigned at
// once). The package knows nothing of HTTP cookies or sessions: the web
// area carries its state in a cookie and starts the session with
// internal/auth.
package sso

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/store"
)

var (
	// ErrSignIn is every refused sign-in: the reason is wrapped for the log
	// and never shown; the visitor gets one answer.
	ErrSignIn = errors.New("sso: sign-in refused")
	// ErrDisabled means the provider is switched off.
	ErrDisabled = errors.New("sso: provider disabled")
)

// refuse wraps a reason in ErrSignIn.
func refuse(reason string, err error) error {
	if err != nil {
		return &refusal{reason: reason + ": " + err.Error()}
	}
	return &refusal{reason: reason}
}

type refusal struct{ reason string }

func (r *refusal) Error() string        { return "sso: sign-in refused: " + r.reason }
func (r *refusal) Is(target error) bool { return target == ErrSignIn }

// FlowTTL is how long a sign-in may take between leaving for the provider
// and coming back.
const FlowTTL = 10 * time.Minute

// ClockSkew is the leeway granted to a provider's clock on a token's
// issue and expiry times.
const ClockSkew = 2 * time.Minute

// Service runs sign-in with identity providers and their administration.
type Service struct {
	db      *sqlx.DB
	orgs    *store.Orgs
	users   *store.Users
	people  *people.Service
	seal    *sealer
	baseURL string
	now     func() time.Time
	client  *http.Client

	mu    sync.Mutex
	cache map[int64]*cached // per provider, rebuilt when its row changes
}

// Options are what a Service runs with.
type Options struct {
	Key        []byte           // config.SSOSecretKey; nil: providers cannot be saved
	BaseURL    string           // config.BaseURL: redirect URIs, entity ids, ACS URLs
	Now        func() time.Time // default time.Now
	HTTPClient *http.Client     // discovery, token and metadata requests; default 10 s timeout
}

// New returns the service.
func New(db *sqlx.DB, st *store.Stores, ppl *people.Service, o Options) (*Service, error) {
	s, err := newSealer(o.Key)
	if err != nil {
		return nil, err
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	return &Service{db: db, orgs: st.Orgs, users: st.Users, people: ppl, seal: s,
		baseURL: strings.TrimRight(o.BaseURL, "/"), now: o.Now, client: o.HTTPClient, cache: map[int64]*cached{}}, nil
}

// Result is a finished sign-in: whom to start a session for, where to go.
type Result struct {
	UserID     int64
	ProviderID int64
	Next       string
	Created    bool // created just in time
}

// URLs are the values an agency enters at its identity provider.
type URLs struct {
	RedirectURI string // OpenID Connect
	EntityID    string // SAML: also the SP metadata URL
	ACS         string // SAML assertion consumer service
}

// URLsOf returns a provider's URLs.
func (s *Service) URLsOf(id int64) URLs {
	base := s.baseURL + "/sso/" + itoa(id)
	return URLs{RedirectURI: base + "/callback", EntityID: base + "/metadata", ACS: base + "/acs"}
}

func itoa(n int64) string { return strconvFormat(n) }

// Route is where sign-in for an email goes: the provider serving its
// approved domain. OK is false when no provider serves it.
type Route struct {
	OK          bool
	ProviderID  int64
	Label       string // "Lowell Police (Entra ID)"
	PasswordOff bool
}

// RouteFor finds the active provider whose approved domain is the email's.
// A domain a provider claims without approval routes nowhere.
func (s *Service) RouteFor(ctx context.Context, email string) (Route, error) {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return Route{}, nil
	}
	domain := strings.ToLower(strings.TrimSpace(email[at+1:]))
	var r struct {
		ID          int64  `db:"id"`
		Name        string `db:"name"`
		PasswordOff bool   `db:"password_off"`
	}
	err := s.db.GetContext(ctx, &r, `SELECT p.id, p.name, p.password_off FROM sso_domains d
		JOIN sso_providers p ON p.id = d.provider_id
		WHERE d.domain = $1 AND d.approved_at IS NOT NULL AND p.disabled_at IS NULL`, domain)
	if errors.Is(err, errSQLNoRows) {
		return Route{}, nil
	}
	if err != nil {
		return Route{}, wrap("route", err)
	}
	return Route{OK: true, ProviderID: r.ID, Label: r.Name, PasswordOff: r.PasswordOff}, nil
}

// Federated implements auth.Federation: the page that leads to email's
// provider ("Sign in with …"), and whether that provider turned passwords
// off. It is a page of this site, not the provider's address: a sign-in
// form may only lead to this site (CSP form-action 'self'), so the
// person follows a link from there.
func (s *Service) Federated(ctx context.Context, email string) (string, bool, error) {
	r, err := s.RouteFor(ctx, email)
	if err != nil || !r.OK {
		return "", false, err
	}
	return "/sso/" + itoa(r.ProviderID), r.PasswordOff, nil
}

// Label is how the sign-in page names an active provider.
func (s *Service) Label(ctx context.Context, id int64) (string, error) {
	p, err := s.active(ctx, id)
	return p.Name, err
}
