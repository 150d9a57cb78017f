// Package scim is Waymark's SCIM 2.0 service provider (RFC 7643, RFC
// 7644) at /scim/v2: provisioning clients (Microsoft Entra ID, Okta, …)
// with their own bearer tokens, each limited to an organization subtree;
// Users (people, changed only through internal/people), Groups (whose
// membership grants the job roles administrators map them to) and the
// discovery resources. It speaks SCIM documents as bytes in and out; HTTP
// stays in internal/web.
package scim

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/validate"
)

// Schema URNs.
const (
	SchemaUser       = "urn:ietf:params:scim:schemas:core:2.0:User"
	SchemaGroup      = "urn:ietf:params:scim:schemas:core:2.0:Group"
	SchemaEnterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	// SchemaWaymark is Waymark's own extension: organizationCode names the
	// person's organization when an agency maps a custom attribute to it.
	SchemaWaymark = "urn:ietf:params:scim:schemas:extension:waymark:2.0:User"
	schemaList    = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	schemaPatch   = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	schemaError   = "urn:ietf:params:scim:api:messages:2.0:Error"
)

// ContentType is the media type of every SCIM document.
const ContentType = "application/scim+json"

// Service answers SCIM requests.
type Service struct {
	db     *sqlx.DB
	orgs   *store.Orgs
	people *people.Service
	now    func() time.Time
	base   string // BaseURL + "/scim/v2"
	limits *limiter
}

// Options are the settings a Service runs with.
type Options struct {
	BaseURL string           // e.g. https://waymark.example.org; resources' meta.location
	Now     func() time.Time // default time.Now
}

// New returns the service. People change only through ppl.
func New(db *sqlx.DB, st *store.Stores, ppl *people.Service, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{db: db, orgs: st.Orgs, people: ppl, now: o.Now, base: strings.TrimSuffix(o.BaseURL, "/") + "/scim/v2",
		limits: newLimiter(o.Now)}
}

// Error is a SCIM error response (RFC 7644 §3.12): the HTTP status, the
// scimType where the RFC names one, and a detail for the client's admin.
type Error struct {
	Status int
	Type   string // invalidFilter, invalidValue, invalidSyntax, uniqueness, mutability, noTarget, invalidPath, tooMany
	Detail string
	// RetryAfter is set on 429.
	RetryAfter time.Duration
}

func (e *Error) Error() string { return fmt.Sprintf("scim: %d %s: %s", e.Status, e.Type, e.Detail) }

// Body is the error's SCIM document.
func (e *Error) Body() []byte {
	return mustJSON(map[string]any{"schemas": []string{schemaError}, "status": fmt.Sprint(e.Status),
		"scimType": e.Type, "detail": e.Detail})
}

func bad(typ, format string, a ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Type: typ, Detail: fmt.Sprintf(format, a...)}
}

// ErrUnauthorized means the bearer token is missing, unknown or revoked.
var ErrUnauthorized = &Error{Status: http.StatusUnauthorized, Detail: "A valid bearer token is required."}

// AsError turns any error the service returns into the SCIM error to send:
// field problems are 400 invalidValue, a taken userName or address 409
// uniqueness, a person or group the client may not see 404, an
// organization outside its subtree 403; anything else is a 500.
func AsError(err error) *Error {
	var se *Error
	if errors.As(err, &se) {
		return se
	}
	if errors.Is(err, store.ErrConflict) { // before the field problem a taken address also is
		return &Error{Status: http.StatusConflict, Type: "uniqueness", Detail: "Another resource already has this userName, email or displayName."}
	}
	if inv, ok := validate.As(err); ok {
		return bad("invalidValue", "%s", inv.Error())
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Detail: "Resource not found."}
	case errors.Is(err, people.ErrOutsideScope):
		return &Error{Status: http.StatusForbidden, Detail: "This organization is outside the organizations this client may provision."}
	}
	return &Error{Status: http.StatusInternalServerError, Detail: "Waymark could not finish this request."}
}
