package people

import (
	"context"
	"errors"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/store"
)

// ErrOutsideSubtree means an identity provider asked for a person in an
// organization outside the subtree it serves.
var ErrOutsideSubtree = errors.New("people: the organization is outside the identity provider's subtree")

// FederatedPerson is a person an identity provider vouches for, created at
// their first sign-in (just in time).
type FederatedPerson struct {
	Email   string
	Name    string
	OrgCode string   // must lie in the subtree of Root
	Roles   []string // job-role codes
	Root    int64    // the organization subtree the provider serves
}

// CreateFederated creates a person at their first sign-in with an identity
// provider, with the organization and job roles its claims map to, and no
// password (they sign in with the provider) and no invitation. Like every
// new person it is audited (actor: the system) and runs OnPeopleChanged,
// so their training is assigned in the same transaction. link, when set,
// runs in that transaction too, with the new id (the provider's link).
func (s *Service) CreateFederated(ctx context.Context, p FederatedPerson, link func(tx *sqlx.Tx, userID int64) error) (int64, error) {
	var id int64
	err := store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		after, err := s.validateUser(ctx, tx, 0, nil, UserInput{Email: p.Email, Name: p.Name, OrgCode: p.OrgCode, Roles: p.Roles})
		if err != nil {
			return err
		}
		in, err := s.orgs.InSubtreeTx(ctx, tx, after.OrgID, p.Root)
		if err != nil {
			return err
		}
		if !in {
			return ErrOutsideSubtree
		}
		if id, err = s.applyChange(ctx, tx, 0, nil, after, ""); err != nil {
			return err
		}
		if link != nil {
			return link(tx, id)
		}
		return nil
	})
	return id, err
}
