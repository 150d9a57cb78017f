package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/validate"
)

// Person is a user as the admin pages show them and as the audit log
// records them (before and after a change). It never holds the password.
type Person struct {
	ID            int64      `json:"id"`
	Email         string     `json:"email"`
	Name          string     `json:"name"`
	OrgID         int64      `json:"-"`
	OrgCode       string     `json:"org"`
	OrgName       string     `json:"-"`
	Roles         []string   `json:"roles"`
	ScopeIDs      []int64    `json:"-"`
	Scopes        []string   `json:"manager_scopes"` // organization codes
	IsAdmin       bool       `json:"admin"`
	IsFacilitator bool       `json:"facilitator"`
	Active        bool       `json:"active"`
	HasPassword   bool       `json:"-"`
	CreatedAt     time.Time  `json:"-"`
	LastLoginAt   *time.Time `json:"-"`
}

// IsManager reports whether the person manages any organization.
func (p Person) IsManager() bool { return len(p.ScopeIDs) > 0 }

// UserInput is what the admin form (or the demo data) sets on a person.
type UserInput struct {
	Email         string
	Name          string
	OrgCode       string
	Roles         []string // job-role codes
	Scopes        []string // organization codes the person manages
	IsAdmin       bool
	IsFacilitator bool

	passwordHash string // demo data only: people otherwise choose their own
}

// Person loads one person with their roles and scopes.
func (s *Service) Person(ctx context.Context, id int64) (Person, error) {
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return Person{}, fmt.Errorf("people: begin: %w", err)
	}
	defer tx.Rollback()
	return s.personTx(ctx, tx, id, false)
}

// personTx loads a person inside tx, locking their row when lock is set.
func (s *Service) personTx(ctx context.Context, tx *sqlx.Tx, id int64, lock bool) (Person, error) {
	var u store.User
	var err error
	if lock {
		u, err = s.users.ByIDForUpdate(ctx, tx, id)
	} else {
		u, err = s.users.ByIDTx(ctx, tx, id)
	}
	if err != nil {
		return Person{}, err
	}
	p := Person{ID: u.ID, Email: u.Email, Name: u.Name, OrgID: u.OrgID, IsAdmin: u.IsAdmin, IsFacilitator: u.IsFacilitator,
		Active: u.Active(), HasPassword: u.PasswordHash != "", CreatedAt: u.CreatedAt, LastLoginAt: u.LastLoginAt}
	if p.Roles, err = s.users.RolesTx(ctx, tx, id); err != nil {
		return Person{}, err
	}
	if p.ScopeIDs, err = s.users.ScopeOrgsTx(ctx, tx, id); err != nil {
		return Person{}, err
	}
	orgs, err := s.orgs.ByIDs(ctx, tx, append([]int64{u.OrgID}, p.ScopeIDs...))
	if err != nil {
		return Person{}, err
	}
	p.Scopes = []string{}
	for _, o := range orgs {
		if o.ID == u.OrgID {
			p.OrgCode, p.OrgName = o.Code, o.Name
		}
		if slices.Contains(p.ScopeIDs, o.ID) {
			p.Scopes = append(p.Scopes, o.Code)
		}
	}
	return p, nil
}

// SaveUser creates (id 0) or updates a person from the admin form: details,
// organization, job roles, manager scopes and flags. A new person without a
// password gets an invitation email. Field problems come back as validate.Errors.
func (s *Service) SaveUser(ctx context.Context, actor, id int64, in UserInput) (int64, error) {
	var newID int64
	err := store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var before *Person
		if id != 0 {
			p, err := s.personTx(ctx, tx, id, true)
			if err != nil {
				return err
			}
			before = &p
		}
		after, err := s.validateUser(ctx, tx, actor, before, in)
		if err != nil {
			return err
		}
		newID, err = s.applyChange(ctx, tx, actor, before, after, in.passwordHash)
		if err != nil {
			return err
		}
		if before == nil && in.passwordHash == "" {
			after.ID = newID
			return s.sendInvite(ctx, tx, after)
		}
		return nil
	})
	return newID, err
}

// SetActive deactivates or reactivates a person. A deactivated person keeps
// every training record, cannot sign in, and their sessions and unused
// links end at once.
func (s *Service) SetActive(ctx context.Context, actor, id int64, active bool) error {
	return store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		before, err := s.personTx(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if !active && actor == id {
			return validate.Errors{"form": "You cannot deactivate your own account. Ask another administrator."}
		}
		after := before
		after.Active = active
		_, err = s.applyChange(ctx, tx, actor, &before, after, "")
		return err
	})
}

// SetRoles replaces a person's job roles.
func (s *Service) SetRoles(ctx context.Context, actor, id int64, roles []string) error {
	return store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		before, err := s.personTx(ctx, tx, id, true)
		if err != nil {
			return err
		}
		in := UserInput{Email: before.Email, Name: before.Name, OrgCode: before.OrgCode, Roles: roles,
			Scopes: before.Scopes, IsAdmin: before.IsAdmin, IsFacilitator: before.IsFacilitator}
		after, err := s.validateUser(ctx, tx, actor, &before, in)
		if err != nil {
			return err
		}
		_, err = s.applyChange(ctx, tx, actor, &before, after, "")
		return err
	})
}

// applyChange is the one place a person's record is written. It writes what
// differs between before (nil: a new person) and after, records the change
// in the audit log and, when job roles, organization or active state
// changed, calls OnPeopleChanged — all in tx.
func (s *Service) applyChange(ctx context.Context, tx *sqlx.Tx, actor int64, before *Person, after Person, passwordHash string) (int64, error) {
	id, hook, err := s.writeChange(ctx, tx, auditActor{id: actor}, before, after, passwordHash)
	if err != nil {
		return 0, err
	}
	if hook {
		if err := s.peopleChanged(ctx, tx, []int64{id}); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// auditActor is who made a change: a person (id) or, with id 0, a named
// machine client (label), or the system (neither).
type auditActor struct {
	id    int64
	label string
}

// writeChange writes a change and its audit entry (applyChange without the
// hook) and reports whether OnPeopleChanged must see the person.
func (s *Service) writeChange(ctx context.Context, tx *sqlx.Tx, by auditActor, before *Person, after Person, passwordHash string) (int64, bool, error) {
	row := store.NewUser{OrgID: after.OrgID, Email: after.Email, Name: after.Name, PasswordHash: passwordHash,
		IsAdmin: after.IsAdmin, IsFacilitator: after.IsFacilitator}
	action := "user.update"
	var err error
	if before == nil {
		action = "user.create"
		if after.ID, err = s.users.CreateTx(ctx, tx, row); err != nil {
			return 0, false, emailTaken(err)
		}
		after.Active = true
	} else if before.Email != after.Email || before.Name != after.Name || before.OrgID != after.OrgID ||
		before.IsAdmin != after.IsAdmin || before.IsFacilitator != after.IsFacilitator {
		if err := s.users.UpdateTx(ctx, tx, after.ID, row); err != nil {
			return 0, false, emailTaken(err)
		}
	}
	// A new person's empty lists need no write.
	if (before == nil && len(after.Roles) > 0) || (before != nil && !slices.Equal(before.Roles, after.Roles)) {
		if err := s.users.SetRolesTx(ctx, tx, after.ID, after.Roles); err != nil {
			return 0, false, err
		}
	}
	if (before == nil && len(after.ScopeIDs) > 0) || (before != nil && !slices.Equal(before.ScopeIDs, after.ScopeIDs)) {
		if err := s.users.SetScopesTx(ctx, tx, after.ID, after.ScopeIDs); err != nil {
			return 0, false, err
		}
	}
	if before != nil && before.Active != after.Active {
		if action, err = s.writeActive(ctx, tx, after); err != nil {
			return 0, false, err
		}
	}
	var beforeRec any
	if before != nil {
		beforeRec = before
	}
	if err := store.Audit(ctx, tx, store.AuditEntry{ActorID: actorRef(by.id), ActorLabel: by.label, Action: action, Entity: "user",
		EntityID: fmt.Sprint(after.ID), OrgID: &after.OrgID, Before: beforeRec, After: after}); err != nil {
		return 0, false, err
	}
	hook := before == nil || before.OrgID != after.OrgID || before.Active != after.Active || !slices.Equal(before.Roles, after.Roles)
	return after.ID, hook, nil
}

// writeActive stores a change of active state; deactivation ends the
// person's sessions and unused links.
func (s *Service) writeActive(ctx context.Context, tx *sqlx.Tx, p Person) (string, error) {
	if p.Active {
		return "user.reactivate", s.users.SetActiveTx(ctx, tx, p.ID, nil)
	}
	now := s.now()
	if err := s.users.SetActiveTx(ctx, tx, p.ID, &now); err != nil {
		return "", err
	}
	if err := s.sessions.DeleteForUser(ctx, tx, p.ID); err != nil {
		return "", fmt.Errorf("people: end sessions: %w", err)
	}
	return "user.deactivate", s.tokens.RetireTx(ctx, tx, p.ID, "", now)
}

// emailTaken turns a taken address into the field problem the forms show;
// it is store.ErrConflict too, for callers that answer with a status.
func emailTaken(err error) error {
	if errors.Is(err, store.ErrConflict) {
		return takenError{validate.Errors{"email": "Another account already uses this email address."}}
	}
	return err
}

type takenError struct{ validate.Errors }

func (e takenError) Unwrap() []error { return []error{e.Errors, store.ErrConflict} }

// validateUser checks the form against the database and returns the person
// as they will be after the change.
func (s *Service) validateUser(ctx context.Context, tx *sqlx.Tx, actor int64, before *Person, in UserInput) (Person, error) {
	inv := validate.Errors{}
	after := Person{Email: strings.TrimSpace(in.Email), Name: strings.TrimSpace(in.Name), IsAdmin: in.IsAdmin,
		IsFacilitator: in.IsFacilitator, Active: true, Roles: []string{}, Scopes: []string{}, ScopeIDs: []int64{}}
	if before != nil {
		after.ID, after.Active = before.ID, before.Active
	}
	if msg := checkEmail(after.Email); msg != "" {
		inv["email"] = msg
	}
	if msg := checkName(after.Name); msg != "" {
		inv["name"] = msg
	}
	orgs, err := s.orgs.CodeIndex(ctx, tx)
	if err != nil {
		return after, err
	}
	code := strings.ToUpper(strings.TrimSpace(in.OrgCode))
	switch o, ok := orgs[code]; {
	case code == "":
		inv["org"] = "Enter the code of the person's organization."
	case !ok:
		inv["org"] = fmt.Sprintf("No organization has the code %q.", code)
	case !o.Active && (before == nil || before.OrgID != o.ID):
		inv["org"] = fmt.Sprintf("%s is deactivated; choose an active organization.", code)
	default:
		after.OrgID, after.OrgCode = o.ID, o.Code
	}
	roles, err := s.roleIndex(ctx)
	if err != nil {
		return after, err
	}
	for _, r := range in.Roles {
		code, ok := roles[strings.ToLower(strings.TrimSpace(r))]
		if !ok {
			inv["roles"] = fmt.Sprintf("%q is not a job role.", r)
			continue
		}
		after.Roles = append(after.Roles, code)
	}
	after.Roles = sortedUnique(after.Roles)
	if len(after.Roles) == 0 && inv["roles"] == "" {
		inv["roles"] = "Choose at least one job role."
	}
	for _, c := range in.Scopes {
		c = strings.ToUpper(strings.TrimSpace(c))
		o, ok := orgs[c]
		if !ok {
			inv["scopes"] = fmt.Sprintf("No organization has the code %q.", c)
			continue
		}
		after.ScopeIDs = append(after.ScopeIDs, o.ID)
	}
	after.ScopeIDs = sortedUnique(after.ScopeIDs)
	for _, id := range after.ScopeIDs {
		for c, o := range orgs {
			if o.ID == id {
				after.Scopes = append(after.Scopes, c)
			}
		}
	}
	after.Scopes = sortedUnique(after.Scopes)
	if before != nil && before.ID == actor && before.IsAdmin && !after.IsAdmin {
		inv["admin"] = "You cannot remove your own administrator access. Ask another administrator."
	}
	if len(inv) > 0 {
		return after, inv
	}
	return after, nil
}

// checkEmail returns what is wrong with an email address, or "".
func checkEmail(email string) string {
	switch {
	case email == "":
		return "Enter an email address."
	case len(email) > 254:
		return "This email address is too long."
	}
	a, err := mail.ParseAddress(email)
	at := strings.LastIndexByte(email, '@')
	if err != nil || a.Address != email || a.Name != "" || at < 1 || !strings.Contains(email[at:], ".") ||
		strings.ContainsAny(email, " ,;<>\"") {
		return "Enter an email address like name@example.org."
	}
	return ""
}

// checkName returns what is wrong with a person's name, or "".
func checkName(name string) string {
	switch {
	case name == "":
		return "Enter the person's name."
	case utf8.RuneCountInString(name) > 200:
		return "Use 200 characters or fewer."
	case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "A name cannot contain line breaks or control characters."
	}
	return ""
}
