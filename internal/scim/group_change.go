package scim

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	filter "github.com/scim2/filter-parser/v2"

	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/store"
)

// groupChange is what a PUT or PATCH does to a group, in order.
type groupChange struct {
	name       string  // "" unchanged
	externalID *string // nil unchanged
	replace    []int64 // non-nil: the membership becomes exactly these
	steps      []memberStep
}

// memberStep adds or removes members; remove with nil ids removes all.
type memberStep struct {
	add bool
	ids []int64
}

// apply reads PATCH operations as Entra ID and Okta send them: members
// add/remove with a value list, remove by path members[value eq "…"],
// replace of members, displayName or externalId, and a replace without
// a path whose value names attributes.
func (g *groupChange) apply(ops []patchOp) error {
	for _, op := range ops {
		if op.Path == "" {
			var obj map[string]json.RawMessage
			if err := json.Unmarshal(op.Value, &obj); err != nil {
				return bad("invalidValue", "An operation without a path takes an object value.")
			}
			for k, v := range obj {
				if err := g.attr(op.Op, strings.ToLower(k), nil, v); err != nil {
					return err
				}
			}
			continue
		}
		p, err := parsePath(op.Path)
		if err != nil {
			return err
		}
		if err := g.attr(op.Op, pathKey(p.AttributePath), p.ValueExpression, op.Value); err != nil {
			return err
		}
	}
	return nil
}

func (g *groupChange) attr(op, key string, sel filter.Expression, val json.RawMessage) error {
	switch key {
	case "members":
		if sel != nil {
			id, err := selectedMember(sel)
			if err != nil {
				return err
			}
			if op != "remove" {
				return bad("invalidPath", "Only remove takes members[value eq \"…\"].")
			}
			g.steps = append(g.steps, memberStep{ids: []int64{id}})
			return nil
		}
		var refs []ref
		if len(val) > 0 {
			if err := json.Unmarshal(val, &refs); err != nil {
				return bad("invalidValue", "members takes a list of {\"value\": id}.")
			}
		}
		ids, err := refIDs(refs)
		if err != nil {
			return err
		}
		switch {
		case op == "add":
			g.steps = append(g.steps, memberStep{add: true, ids: ids})
		case op == "remove" && len(refs) == 0:
			g.steps = append(g.steps, memberStep{})
		case op == "remove":
			g.steps = append(g.steps, memberStep{ids: ids})
		default: // replace
			g.steps = append(g.steps, memberStep{}, memberStep{add: true, ids: ids})
		}
	case "displayname", "externalid":
		if op == "remove" {
			if key == "displayname" {
				return bad("invalidValue", "displayName is required.")
			}
			empty := ""
			g.externalID = &empty
			return nil
		}
		var s string
		if err := json.Unmarshal(val, &s); err != nil {
			return bad("invalidValue", "%s takes a string.", key)
		}
		s = strings.TrimSpace(s)
		if key == "displayname" {
			if s == "" {
				return bad("invalidValue", "displayName is required.")
			}
			g.name = s
		} else {
			g.externalID = &s
		}
	case "id", "meta":
		if op != "replace" || len(val) == 0 {
			return bad("mutability", "%s is read-only.", key)
		}
		// Okta repeats the id in a replace's value; an unchanged id is no change.
	}
	return nil
}

// selectedMember reads the id in members[value eq "…"].
func selectedMember(sel filter.Expression) (int64, error) {
	e, ok := sel.(*filter.AttributeExpression)
	if !ok || pathKey(e.AttributePath) != "value" || e.Operator != filter.EQ {
		return 0, bad("invalidPath", "Members are selected by members[value eq \"…\"].")
	}
	s, _ := e.CompareValue.(string)
	ids, err := refIDs([]ref{{Value: s}})
	if err != nil {
		return 0, bad("noTarget", "No member has the value %q.", s)
	}
	return ids[0], nil
}

// changeGroup applies a change in one transaction: the group row, its
// members, and the job roles of everyone whose membership (or whose
// group's name, and so its mapping) changed.
func (s *Service) changeGroup(ctx context.Context, c Client, id int64, build func(*groupChange) error) error {
	var g groupChange
	if err := build(&g); err != nil {
		return err
	}
	err := s.people.Provision(ctx, s.provisioner(c), func(b *people.Batch) error {
		row, err := groupByID(ctx, b.Tx, c.ID, id, true)
		if err != nil {
			return err
		}
		var added, removed []int64
		if g.replace != nil {
			g.steps = append([]memberStep{{}, {add: true, ids: g.replace}}, g.steps...)
		}
		for _, st := range g.steps {
			if st.add {
				ids, err := addMembers(ctx, b.Tx, id, st.ids)
				if err != nil {
					return err
				}
				added = append(added, ids...)
				continue
			}
			ids, err := removeMembers(ctx, b.Tx, id, st.ids)
			if err != nil {
				return err
			}
			removed = append(removed, ids...)
		}
		affected := append(append([]int64{}, added...), removed...)
		renamed := g.name != "" && g.name != row.DisplayName
		if renamed {
			all, err := memberIDs(ctx, b.Tx, id)
			if err != nil {
				return err
			}
			affected = append(affected, all...)
			row.DisplayName = g.name
		}
		if g.externalID != nil {
			row.ExternalID = *g.externalID
		}
		_, err = b.Tx.ExecContext(ctx, `UPDATE scim_groups SET display_name = $2, external_id = $3, updated_at = $4 WHERE id = $1`,
			id, row.DisplayName, row.ExternalID, s.now())
		if isUnique(err) {
			return fmt.Errorf("scim: group %q: %w", row.DisplayName, store.ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("scim: update group: %w", err)
		}
		if err := s.auditGroup(ctx, b, c, "scim.group.update", id, row.DisplayName, added, removed); err != nil {
			return err
		}
		return regrant(ctx, b, c.ID, affected)
	})
	if err != nil {
		return AsError(err)
	}
	return nil
}
