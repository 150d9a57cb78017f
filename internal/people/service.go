// Package people holds organizations, people, their job roles and manager
// scopes, invitation and password-reset links, the roster import and the
// demo data. Every change writes the audit log in the same transaction.
package people

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/store"
)

// Service changes people and organizations.
type Service struct {
	db       *sqlx.DB
	users    *store.Users
	orgs     *store.Orgs
	tokens   *store.Tokens
	sessions *store.Sessions
	mail     *mail.Renderer
	now      func() time.Time

	// OnPeopleChanged is Options.OnPeopleChanged (tests swap it).
	OnPeopleChanged func(ctx context.Context, tx *sqlx.Tx, userIDs []int64) error
}

// Options are the settings and the hook a Service runs with.
type Options struct {
	Mail *mail.Renderer   // invitation and reset emails
	Now  func() time.Time // default time.Now
	// OnPeopleChanged, when set, runs inside the transaction of every
	// change to people's job roles, organization or active state (and of
	// every new person), with the ids of the people changed. The roster
	// import calls it once with every id it changed. An error rolls the
	// whole change back. The wiring passes learning's Reconcile, so that
	// assignments follow job roles. During a roster import the report area's triggers
	// wait and the import refreshes the report rows of the people it
	// changed after the hook: the hook changes rows of those people only.
	OnPeopleChanged func(ctx context.Context, tx *sqlx.Tx, userIDs []int64) error
}

// New returns the service over the stores.
func New(db *sqlx.DB, st *store.Stores, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{db: db, users: st.Users, orgs: st.Orgs, tokens: st.Tokens, sessions: st.Sessions,
		mail: o.Mail, now: o.Now, OnPeopleChanged: o.OnPeopleChanged}
}

// peopleChanged calls the hook when it is set and something changed.
func (s *Service) peopleChanged(ctx context.Context, tx *sqlx.Tx, ids []int64) error {
	if s.OnPeopleChanged == nil || len(ids) == 0 {
		return nil
	}
	return s.OnPeopleChanged(ctx, tx, ids)
}

// actorRef turns an actor id into the audit log's nullable actor (0: the
// system, e.g. a command-line import).
func actorRef(actor int64) *int64 {
	if actor == 0 {
		return nil
	}
	return &actor
}

// roleIndex maps job-role codes, and names in lower case, to codes.
func (s *Service) roleIndex(ctx context.Context) (map[string]string, error) {
	roles, err := store.ListRoles(ctx, s.db)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, 2*len(roles))
	for _, r := range roles {
		out[r.Code] = r.Code
		out[strings.ToLower(r.Name)] = r.Code
	}
	return out, nil
}

// splitList splits a ";"-separated list, trimming and dropping empties.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// sortedUnique returns the sorted distinct values.
func sortedUnique[T string | int64](v []T) []T {
	out := make([]T, 0, len(v))
	seen := make(map[T]bool, len(v))
	for _, x := range v {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
