package scim

import (
	"context"
	"fmt"
	"strings"

	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/validate"
)

// SetMapping maps a client's group (by display name, before or after the
// provider pushes it) to a job role; the group's members get the role at
// once, through the people service, in the same transaction.
func (s *Service) SetMapping(ctx context.Context, actor, client int64, displayName, role string) error {
	c, err := s.ClientByID(ctx, client)
	if err != nil {
		return err
	}
	displayName, role = strings.TrimSpace(displayName), strings.TrimSpace(role)
	inv := validate.Errors{}
	if displayName == "" || len(displayName) > 256 {
		inv["group"] = "Enter the group's display name as the identity provider sends it."
	}
	roles, err := store.ListRoles(ctx, s.db)
	if err != nil {
		return err
	}
	known := false
	for _, r := range roles {
		known = known || r.Code == role
	}
	if !known {
		inv["role"] = "Choose a job role."
	}
	if len(inv) > 0 {
		return inv
	}
	return s.people.Provision(ctx, s.provisioner(c), func(b *people.Batch) error {
		var old []string
		err := b.Tx.SelectContext(ctx, &old, `DELETE FROM scim_group_roles WHERE client_id = $1 AND lower(display_name) = lower($2)
			RETURNING role_code`, client, displayName)
		if err != nil {
			return fmt.Errorf("scim: set mapping: %w", err)
		}
		if _, err := b.Tx.ExecContext(ctx, `INSERT INTO scim_group_roles (client_id, display_name, role_code, created_at) VALUES ($1, $2, $3, $4)`,
			client, displayName, role, s.now()); err != nil {
			return fmt.Errorf("scim: set mapping: %w", err)
		}
		if err := store.Audit(ctx, b.Tx, store.AuditEntry{ActorID: &actor, Action: "scim.mapping.set", Entity: "scim_client",
			EntityID: fmt.Sprint(client), OrgID: &c.RootOrgID, After: map[string]string{"group": displayName, "role": role}}); err != nil {
			return err
		}
		return s.regrantGroup(ctx, b, client, displayName, old...)
	})
}

// DeleteMapping removes a mapping; the group's members lose its role.
func (s *Service) DeleteMapping(ctx context.Context, actor, client int64, displayName string) error {
	c, err := s.ClientByID(ctx, client)
	if err != nil {
		return err
	}
	return s.people.Provision(ctx, s.provisioner(c), func(b *people.Batch) error {
		var old []string
		err := b.Tx.SelectContext(ctx, &old, `DELETE FROM scim_group_roles WHERE client_id = $1 AND lower(display_name) = lower($2)
			RETURNING role_code`, client, displayName)
		if err != nil {
			return fmt.Errorf("scim: delete mapping: %w", err)
		}
		if len(old) == 0 {
			return fmt.Errorf("scim: mapping %q: %w", displayName, store.ErrNotFound)
		}
		if err := store.Audit(ctx, b.Tx, store.AuditEntry{ActorID: &actor, Action: "scim.mapping.delete", Entity: "scim_client",
			EntityID: fmt.Sprint(client), OrgID: &c.RootOrgID, Before: map[string]string{"group": displayName, "role": old[0]}}); err != nil {
			return err
		}
		return s.regrantGroup(ctx, b, client, displayName, old...)
	})
}

// regrantGroup regrants the members of the client's group of that name.
func (s *Service) regrantGroup(ctx context.Context, b *people.Batch, client int64, displayName string, extra ...string) error {
	var ids []int64
	err := b.Tx.SelectContext(ctx, &ids, `SELECT gm.user_id FROM scim_group_members gm JOIN scim_groups g ON g.id = gm.group_id
		WHERE g.client_id = $1 AND lower(g.display_name) = lower($2)`, client, displayName)
	if err != nil {
		return fmt.Errorf("scim: group members: %w", err)
	}
	return regrant(ctx, b, client, ids, extra...)
}

// GroupNames are the display names of a client's groups, for the admin
// page's mapping form.
func (s *Service) GroupNames(ctx context.Context, client int64) ([]string, error) {
	out := []string{}
	err := s.db.SelectContext(ctx, &out, `SELECT display_name FROM scim_groups WHERE client_id = $1 ORDER BY lower(display_name) LIMIT 500`, client)
	if err != nil {
		return nil, fmt.Errorf("scim: group names: %w", err)
	}
	return out, nil
}
