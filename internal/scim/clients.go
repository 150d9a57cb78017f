package scim

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/waymark/waymark/internal/auth"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/validate"
)

// Client is a provisioning client: an identity provider's connection,
// limited to the subtree of RootOrgID.
type Client struct {
	ID        int64      `db:"id"`
	Name      string     `db:"name"`
	RootOrgID int64      `db:"root_org_id"`
	Rate      int        `db:"rate_per_second"`
	Burst     int        `db:"burst"`
	CreatedAt time.Time  `db:"created_at"`
	RevokedAt *time.Time `db:"revoked_at"`
	RootCode  string     `db:"-"`
	RootName  string     `db:"-"`
}

// Active reports whether the client's token still works.
func (c Client) Active() bool { return c.RevokedAt == nil }

const clientColumns = `id, name, root_org_id, rate_per_second, burst, created_at, revoked_at`

// NewClient is what an administrator fills in to connect a provider.
type NewClient struct {
	Name    string
	OrgCode string // the subtree's root
	Rate    int    // requests per second; 0: the default
	Burst   int    // 0: the default
}

// Default rate limit of a new client: enough for Entra ID's and Okta's
// provisioning pace, far below what would starve the instance.
const (
	DefaultRate  = 50
	DefaultBurst = 200
)

// CreateClient adds a client and returns it with its bearer token, which
// is shown once: only its hash is kept.
func (s *Service) CreateClient(ctx context.Context, actor int64, in NewClient) (Client, string, error) {
	inv := validate.Errors{}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 100 {
		inv["name"] = "Enter a name of up to 100 characters, such as \"Entra ID – Springfield Schools\"."
	}
	if in.Rate == 0 {
		in.Rate = DefaultRate
	}
	if in.Burst == 0 {
		in.Burst = DefaultBurst
	}
	if in.Rate < 1 || in.Rate > 100000 || in.Burst < 1 || in.Burst > 1000000 {
		inv["rate"] = "Enter a rate between 1 and 100,000 requests a second."
	}
	o, err := s.orgs.ByCode(ctx, strings.ToUpper(strings.TrimSpace(in.OrgCode)))
	switch {
	case errors.Is(err, store.ErrNotFound):
		inv["org"] = "Enter the code of an organization."
	case err != nil:
		return Client{}, "", err
	}
	if len(inv) > 0 {
		return Client{}, "", inv
	}
	token, hash := auth.NewToken()
	c := Client{Name: in.Name, RootOrgID: o.ID, Rate: in.Rate, Burst: in.Burst, RootCode: o.Code, RootName: o.Name}
	err = store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &c.ID, `INSERT INTO scim_clients (name, token_hash, root_org_id, rate_per_second, burst, created_by)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, c.Name, hash, c.RootOrgID, c.Rate, c.Burst, actor)
		if isUnique(err) {
			return validate.Errors{"name": "Another client has this name."}
		}
		if err != nil {
			return fmt.Errorf("scim: create client: %w", err)
		}
		return store.Audit(ctx, tx, store.AuditEntry{ActorID: &actor, Action: "scim.client.create", Entity: "scim_client",
			EntityID: fmt.Sprint(c.ID), OrgID: &c.RootOrgID, After: map[string]any{"name": c.Name, "org": c.RootCode, "rate": c.Rate, "burst": c.Burst}})
	})
	if err != nil {
		return Client{}, "", err
	}
	return c, token, nil
}

// RevokeClient ends a client's token at once. Its people stay.
func (s *Service) RevokeClient(ctx context.Context, actor, id int64) error {
	return store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE scim_clients SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, id, s.now())
		if err != nil {
			return fmt.Errorf("scim: revoke client: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("scim: client %d: %w", id, store.ErrNotFound)
		}
		return store.Audit(ctx, tx, store.AuditEntry{ActorID: &actor, Action: "scim.client.revoke", Entity: "scim_client", EntityID: fmt.Sprint(id)})
	})
}

// Clients lists every client, newest first, with its root organization.
func (s *Service) Clients(ctx context.Context) ([]Client, error) {
	var out []Client
	if err := s.db.SelectContext(ctx, &out, `SELECT `+clientColumns+` FROM scim_clients ORDER BY id DESC`); err != nil {
		return nil, fmt.Errorf("scim: clients: %w", err)
	}
	return out, s.nameRoots(ctx, out)
}

// ClientByID returns one client.
func (s *Service) ClientByID(ctx context.Context, id int64) (Client, error) {
	var c Client
	err := s.db.GetContext(ctx, &c, `SELECT `+clientColumns+` FROM scim_clients WHERE id = $1`, id)
	if err != nil {
		return c, fmt.Errorf("scim: client %d: %w", id, notFound(err))
	}
	cs := []Client{c}
	err = s.nameRoots(ctx, cs)
	return cs[0], err
}

func (s *Service) nameRoots(ctx context.Context, cs []Client) error {
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.RootOrgID
	}
	orgs, err := s.orgs.ByIDs(ctx, s.db, ids)
	if err != nil {
		return err
	}
	for i := range cs {
		for _, o := range orgs {
			if o.ID == cs[i].RootOrgID {
				cs[i].RootCode, cs[i].RootName = o.Code, o.Name
			}
		}
	}
	return nil
}

// Authenticate finds the live client a bearer token belongs to and spends
// one request of its rate limit: 401 for an unknown or revoked token, 429
// with the time to wait when the client is over its rate.
func (s *Service) Authenticate(ctx context.Context, token string) (Client, error) {
	var c Client
	if token == "" {
		return c, ErrUnauthorized
	}
	err := s.db.GetContext(ctx, &c, `SELECT `+clientColumns+` FROM scim_clients WHERE token_hash = $1 AND revoked_at IS NULL`,
		auth.HashToken(token))
	if err != nil {
		if errors.Is(notFound(err), store.ErrNotFound) {
			return c, ErrUnauthorized
		}
		return c, fmt.Errorf("scim: authenticate: %w", err)
	}
	if ok, wait := s.limits.take(c.ID, c.Rate, c.Burst); !ok {
		secs := int(math.Ceil(wait.Seconds()))
		return c, &Error{Status: http.StatusTooManyRequests, Detail: fmt.Sprintf("Rate limit of %d requests a second; retry after %d s.", c.Rate, secs),
			RetryAfter: time.Duration(secs) * time.Second}
	}
	return c, nil
}

// Mapping grants a job role to the members of a client's group, by the
// group's display name.
type Mapping struct {
	ClientID    int64  `db:"client_id"`
	DisplayName string `db:"display_name"`
	RoleCode    string `db:"role_code"`
	Members     int    `db:"members"`
}

// Mappings lists a client's mappings with how many members each group has.
func (s *Service) Mappings(ctx context.Context, client int64) ([]Mapping, error) {
	var out []Mapping
	err := s.db.SelectContext(ctx, &out, `SELECT m.client_id, m.display_name, m.role_code,
			(SELECT count(*) FROM scim_group_members gm JOIN scim_groups g ON g.id = gm.group_id
			  WHERE g.client_id = m.client_id AND lower(g.display_name) = lower(m.display_name)) AS members
		FROM scim_group_roles m WHERE m.client_id = $1 ORDER BY lower(m.display_name)`, client)
	if err != nil {
		return nil, fmt.Errorf("scim: mappings: %w", err)
	}
	return out, nil
}

// managedRoles are the job roles a client's mappings grant.
func managedRoles(ctx context.Context, q sqlx.QueryerContext, client int64) ([]string, error) {
	out := []string{}
	err := sqlx.SelectContext(ctx, q, &out, `SELECT DISTINCT role_code FROM scim_group_roles WHERE client_id = $1`, client)
	if err != nil {
		return nil, fmt.Errorf("scim: managed roles: %w", err)
	}
	return out, nil
}

func isUnique(err error) bool {
	var pe *pq.Error
	return asPQ(err, &pe) && pe.Code == "23505"
}

func asPQ(err error, pe **pq.Error) bool { return errors.As(err, pe) }

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}
