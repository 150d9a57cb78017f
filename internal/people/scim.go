package people

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/validate"
)

// This file is how a provisioning client (SCIM, internal/scim) changes
// people: through the same writeChange as the admin pages, with the same
// audit entries and the same OnPeopleChanged hook, but limited to the
// client's organization subtree and named in the audit log by the client.

// ErrOutsideScope means a provisioning client tried to place a person in
// an organization outside its subtree. Nothing is written.
var ErrOutsideScope = errors.New("people: organization outside the provisioning client's subtree")

// Provisioner is a provisioning client acting on people: its name (the
// audit log's actor) and the root of the organization subtree it may touch.
type Provisioner struct {
	Name string
	Root int64
}

// Provisioned is what a provisioning client sets on a person. An empty
// OrgCode keeps a person's organization (a new person: the client's root).
type Provisioned struct {
	Email   string
	Name    string
	OrgCode string
	Active  bool
}

// Batch is one provisioning transaction: the client's own writes (its
// tables, in Tx) and its changes to people, with OnPeopleChanged called
// once, at the end, for everyone changed.
type Batch struct {
	Tx      *sqlx.Tx
	s       *Service
	by      Provisioner
	changed []int64
}

// Provision runs fn in one transaction for the client. When fn succeeds,
// the hook reconciles everyone fn changed, in that transaction; an error
// anywhere rolls everything back.
func (s *Service) Provision(ctx context.Context, by Provisioner, fn func(b *Batch) error) error {
	return store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		b := &Batch{Tx: tx, s: s, by: by}
		if err := fn(b); err != nil {
			return err
		}
		return s.peopleChanged(ctx, tx, sortedUnique(b.changed))
	})
}

// Person loads, and locks, a person in the client's subtree; a person
// outside it is not found.
func (b *Batch) Person(ctx context.Context, id int64) (Person, error) {
	p, err := b.s.personTx(ctx, b.Tx, id, true)
	if err != nil {
		return Person{}, err
	}
	in, err := b.s.orgs.InSubtreeTx(ctx, b.Tx, p.OrgID, b.by.Root)
	if err != nil {
		return Person{}, err
	}
	if !in {
		return Person{}, fmt.Errorf("people: person %d outside the client's subtree: %w", id, store.ErrNotFound)
	}
	return p, nil
}

// Save creates (id 0) or updates a person. A new person has no job roles
// until a group grants them (SetRoles) and no password: they sign in
// through their identity provider or set one by a reset link. Field
// problems are validate.Errors; an address another account uses is
// store.ErrConflict; an organization outside the subtree ErrOutsideScope.
func (b *Batch) Save(ctx context.Context, id int64, in Provisioned) (int64, error) {
	var before *Person
	after := Person{Roles: []string{}, Scopes: []string{}, ScopeIDs: []int64{}, OrgID: b.by.Root}
	if id != 0 {
		p, err := b.Person(ctx, id)
		if err != nil {
			return 0, err
		}
		before, after = &p, p
	}
	after.Email, after.Name, after.Active = strings.TrimSpace(in.Email), strings.TrimSpace(in.Name), in.Active
	inv := validate.Errors{}
	if msg := checkEmail(after.Email); msg != "" {
		inv["email"] = msg
	}
	if msg := checkName(after.Name); msg != "" {
		inv["name"] = msg
	}
	if len(inv) > 0 {
		return 0, inv
	}
	if err := b.placeIn(ctx, &after, before, in.OrgCode); err != nil {
		return 0, err
	}
	if before == nil {
		after.Active = true // created active; a new inactive person is deactivated below
	}
	newID, hook, err := b.s.writeChange(ctx, b.Tx, auditActor{label: b.by.Name}, before, after, "")
	if err != nil {
		return 0, err
	}
	if before == nil && !in.Active {
		p, err := b.s.personTx(ctx, b.Tx, newID, true)
		if err != nil {
			return 0, err
		}
		after = p
		after.Active = false
		if _, _, err := b.s.writeChange(ctx, b.Tx, auditActor{label: b.by.Name}, &p, after, ""); err != nil {
			return 0, err
		}
	}
	if hook || (before == nil && !in.Active) {
		b.changed = append(b.changed, newID)
	}
	return newID, nil
}

// placeIn sets the person's organization from a code: it must exist, be
// active (unless unchanged) and lie in the client's subtree.
func (b *Batch) placeIn(ctx context.Context, after *Person, before *Person, code string) error {
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "" {
		if before == nil {
			orgs, err := b.s.orgs.ByIDs(ctx, b.Tx, []int64{b.by.Root})
			if err != nil || len(orgs) == 0 {
				return fmt.Errorf("people: the client's organization: %w", store.ErrNotFound)
			}
			after.OrgID, after.OrgCode = orgs[0].ID, orgs[0].Code
		}
		return nil
	}
	o, err := b.s.orgs.ByCode(ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return validate.Errors{"org": fmt.Sprintf("No organization has the code %q.", code)}
	}
	if err != nil {
		return err
	}
	in, err := b.s.orgs.InSubtreeTx(ctx, b.Tx, o.ID, b.by.Root)
	if err != nil {
		return err
	}
	if !in {
		return fmt.Errorf("people: organization %s: %w", code, ErrOutsideScope)
	}
	if !o.Active() && (before == nil || before.OrgID != o.ID) {
		return validate.Errors{"org": fmt.Sprintf("%s is deactivated; choose an active organization.", code)}
	}
	after.OrgID, after.OrgCode = o.ID, o.Code
	return nil
}

// SetRoles sets the job roles a client manages (the roles its groups
// grant) on people in its subtree: each keeps their other roles and has,
// of the managed ones, exactly want[id]. Anyone not found or outside the
// subtree is store.ErrNotFound, and nothing is written. The people are
// read and locked together (a group's PATCH names a hundred at once).
func (b *Batch) SetRoles(ctx context.Context, ids []int64, managed []string, want map[int64][]string) error {
	ids = sortedUnique(ids)
	ps, err := b.s.peopleTx(ctx, b.Tx, ids)
	if err != nil {
		return err
	}
	orgs := make([]int64, len(ps))
	for i, p := range ps {
		orgs[i] = p.OrgID
	}
	in, err := b.s.orgs.InSubtreeOfTx(ctx, b.Tx, orgs, b.by.Root)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if !in[p.OrgID] {
			return fmt.Errorf("people: person %d outside the client's subtree: %w", p.ID, store.ErrNotFound)
		}
	}
	for _, before := range ps {
		after := before
		after.Roles = []string{}
		for _, r := range before.Roles {
			if !slices.Contains(managed, r) {
				after.Roles = append(after.Roles, r)
			}
		}
		for _, r := range want[before.ID] {
			if slices.Contains(managed, r) {
				after.Roles = append(after.Roles, r)
			}
		}
		after.Roles = sortedUnique(after.Roles)
		if slices.Equal(before.Roles, after.Roles) {
			continue
		}
		if _, _, err := b.s.writeChange(ctx, b.Tx, auditActor{label: b.by.Name}, &before, after, ""); err != nil {
			return err
		}
		b.changed = append(b.changed, before.ID)
	}
	return nil
}

// peopleTx loads and locks the people with the given (sorted, distinct)
// ids, as personTx does one; a missing one is store.ErrNotFound.
func (s *Service) peopleTx(ctx context.Context, tx *sqlx.Tx, ids []int64) ([]Person, error) {
	us, err := s.users.ByIDsForUpdateTx(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	if len(us) != len(ids) {
		return nil, fmt.Errorf("people: %d of %d people: %w", len(us), len(ids), store.ErrNotFound)
	}
	roles, err := s.users.RolesOfTx(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	scopes, err := s.users.ScopeOrgsOfTx(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	var orgIDs []int64
	for _, u := range us {
		orgIDs = append(orgIDs, u.OrgID)
		orgIDs = append(orgIDs, scopes[u.ID]...)
	}
	orgs, err := s.orgs.ByIDs(ctx, tx, sortedUnique(orgIDs))
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]store.Org, len(orgs))
	for _, o := range orgs {
		byID[o.ID] = o
	}
	out := make([]Person, len(us))
	for i, u := range us {
		p := Person{ID: u.ID, Email: u.Email, Name: u.Name, OrgID: u.OrgID, IsAdmin: u.IsAdmin, IsFacilitator: u.IsFacilitator,
			Active: u.Active(), HasPassword: u.PasswordHash != "", CreatedAt: u.CreatedAt, LastLoginAt: u.LastLoginAt,
			Roles: append([]string{}, roles[u.ID]...), ScopeIDs: append([]int64{}, scopes[u.ID]...), Scopes: []string{},
			OrgCode: byID[u.OrgID].Code, OrgName: byID[u.OrgID].Name}
		for _, id := range p.ScopeIDs {
			p.Scopes = append(p.Scopes, byID[id].Code)
		}
		sort.Strings(p.Scopes)
		out[i] = p
	}
	return out, nil
}
