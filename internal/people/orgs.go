package people

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/validate"
)

// OrgInput is what the admin form sets on an organization.
type OrgInput struct {
	Code       string
	Name       string
	Type       string
	County     string // "" for statewide bodies
	ParentCode string // "" for a root
}

// orgRecord is an organization as the audit log records it.
type orgRecord struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Type   string `json:"type"`
	County string `json:"county"`
	Parent string `json:"parent"`
	Active bool   `json:"active"`
}

var orgCode = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{0,31}$`)

// SaveOrg creates (id 0) or updates an organization, moving it (with its
// subtree) when the parent changes. Field problems come back as validate.Errors.
func (s *Service) SaveOrg(ctx context.Context, actor, id int64, in OrgInput) (int64, error) {
	err := store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var before *store.Org
		if id != 0 {
			o, err := s.orgs.ByIDForUpdate(ctx, tx, id)
			if err != nil {
				return err
			}
			before = &o
		}
		o, err := s.validateOrg(ctx, tx, before, in)
		if err != nil {
			return err
		}
		var beforeRec any
		action := "org.create"
		if before == nil {
			if id, err = s.orgs.CreateTx(ctx, tx, o); err != nil {
				return codeTaken(err)
			}
		} else {
			action, beforeRec = "org.update", s.orgRecord(ctx, tx, *before)
			o.ID, o.DeactivatedAt = id, before.DeactivatedAt
			if err := s.orgs.UpdateTx(ctx, tx, o); err != nil {
				return codeTaken(err)
			}
			if !sameParent(before.ParentID, o.ParentID) {
				if err := s.orgs.MoveTx(ctx, tx, id, o.ParentID); err != nil {
					return err
				}
			}
		}
		o.ID = id
		return store.Audit(ctx, tx, store.AuditEntry{ActorID: actorRef(actor), Action: action, Entity: "organization",
			EntityID: fmt.Sprint(id), OrgID: &id, Before: beforeRec, After: s.orgRecord(ctx, tx, o)})
	})
	return id, err
}

// SetOrgActive deactivates or reactivates an organization. One with active
// people or active child organizations cannot be deactivated; nothing
// recorded under it is removed.
func (s *Service) SetOrgActive(ctx context.Context, actor, id int64, active bool) error {
	return store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		before, err := s.orgs.ByIDForUpdate(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Active() == active {
			return nil
		}
		after := before
		action := "org.reactivate"
		if active {
			after.DeactivatedAt = nil
			if before.ParentID != nil {
				if p, err := s.orgs.ByIDForUpdate(ctx, tx, *before.ParentID); err == nil && !p.Active() {
					return validate.Errors{"form": fmt.Sprintf("Reactivate its parent organization %s first.", p.Code)}
				}
			}
		} else {
			action = "org.deactivate"
			children, people, err := s.orgs.ActiveDependents(ctx, tx, id)
			if err != nil {
				return err
			}
			if children > 0 || people > 0 {
				return validate.Errors{"form": fmt.Sprintf("%s still has %d active organization(s) under it and %d active people. "+
					"Move or deactivate them first.", before.Code, children, people)}
			}
			now := s.now()
			after.DeactivatedAt = &now
		}
		if err := s.orgs.SetActiveTx(ctx, tx, id, after.DeactivatedAt); err != nil {
			return err
		}
		return store.Audit(ctx, tx, store.AuditEntry{ActorID: actorRef(actor), Action: action, Entity: "organization",
			EntityID: fmt.Sprint(id), OrgID: &id, Before: s.orgRecord(ctx, tx, before), After: s.orgRecord(ctx, tx, after)})
	})
}

func (s *Service) validateOrg(ctx context.Context, tx *sqlx.Tx, before *store.Org, in OrgInput) (store.Org, error) {
	inv := validate.Errors{}
	o := store.Org{Code: strings.ToUpper(strings.TrimSpace(in.Code)), Name: strings.TrimSpace(in.Name),
		Type: in.Type, County: in.County}
	if !orgCode.MatchString(o.Code) {
		inv["code"] = "Use 1 to 32 capital letters, digits and hyphens, starting with a letter or digit (e.g. SPRINGFIELD-PD)."
	}
	if o.Name == "" {
		inv["name"] = "Enter the organization's name."
	} else if utf8.RuneCountInString(o.Name) > 200 || strings.ContainsFunc(o.Name, func(r rune) bool { return r < 0x20 }) {
		inv["name"] = "Use 200 characters or fewer, on one line."
	}
	if !slices.Contains(store.OrgTypes, o.Type) {
		inv["type"] = "Choose the kind of organization."
	}
	if o.County != "" && !slices.Contains(store.Counties, o.County) {
		inv["county"] = "Choose a Massachusetts county, or statewide."
	}
	if pc := strings.ToUpper(strings.TrimSpace(in.ParentCode)); pc != "" {
		codes, err := s.orgs.CodeIndex(ctx, tx)
		if err != nil {
			return o, err
		}
		p, ok := codes[pc]
		switch {
		case !ok:
			inv["parent"] = fmt.Sprintf("No organization has the code %q.", pc)
		case before != nil && sameParent(before.ParentID, &p.ID):
			o.ParentID = &p.ID // unchanged, even if the parent was deactivated since
		case !p.Active:
			inv["parent"] = fmt.Sprintf("%s is deactivated; choose an active organization.", pc)
		case before != nil:
			inside, err := s.orgs.InSubtreeTx(ctx, tx, p.ID, before.ID)
			if err != nil {
				return o, err
			}
			if inside {
				inv["parent"] = "An organization cannot sit under itself or one of its own units."
			} else {
				o.ParentID = &p.ID
			}
		default:
			o.ParentID = &p.ID
		}
	}
	if len(inv) > 0 {
		return o, inv
	}
	return o, nil
}

func (s *Service) orgRecord(ctx context.Context, tx *sqlx.Tx, o store.Org) orgRecord {
	r := orgRecord{Code: o.Code, Name: o.Name, Type: o.Type, County: o.County, Active: o.Active()}
	if o.ParentID != nil {
		if ps, err := s.orgs.ByIDs(ctx, tx, []int64{*o.ParentID}); err == nil && len(ps) == 1 {
			r.Parent = ps[0].Code
		}
	}
	return r
}

func sameParent(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

func codeTaken(err error) error {
	if errors.Is(err, store.ErrConflict) {
		return validate.Errors{"code": "Another organization already uses this code."}
	}
	return err
}
