package scim

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	filter "github.com/scim2/filter-parser/v2"

	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/store"
)

// groupDoc is a Group as a client sends it.
type groupDoc struct {
	Schemas     []string `json:"schemas"`
	ID          string   `json:"id"`
	DisplayName string   `json:"displayName"`
	ExternalID  string   `json:"externalId"`
	Members     []ref    `json:"members"`
}

// ref is a member reference: {"value": "<user id>"}.
type ref struct {
	Value string `json:"value"`
}

func refIDs(refs []ref) ([]int64, error) {
	out := make([]int64, 0, len(refs))
	for _, r := range refs {
		id, err := strconv.ParseInt(strings.TrimSpace(r.Value), 10, 64)
		if err != nil || id <= 0 {
			return nil, bad("invalidValue", "No User has the id %q.", r.Value)
		}
		out = append(out, id)
	}
	return out, nil
}

// ListGroups answers GET /Groups (members left out when excludedAttributes
// names them, as Entra ID asks).
func (s *Service) ListGroups(ctx context.Context, c Client, q ListQuery) ([]byte, error) {
	offset, limit, f, cond, err := q.compile(&sqlFilter{first: 1, resolve: groupAttrs, valuePath: membersValuePath})
	if err != nil {
		return nil, err
	}
	rows, total, err := listGroups(ctx, s.db, c.ID, cond, f.args, offset, limit)
	if err != nil {
		return nil, err
	}
	docs, err := s.groupsJSON(ctx, rows, !excludes(q.ExcludedAttributes, "members"))
	if err != nil {
		return nil, err
	}
	return listJSON(total, offset, docs), nil
}

func excludes(list, attr string) bool {
	for _, a := range strings.Split(list, ",") {
		if strings.EqualFold(strings.TrimSpace(a), attr) {
			return true
		}
	}
	return false
}

// GetGroup answers GET /Groups/{id}.
func (s *Service) GetGroup(ctx context.Context, c Client, rawID string, q ListQuery) ([]byte, error) {
	id, err := resourceID(rawID)
	if err != nil {
		return nil, err
	}
	g, err := groupByID(ctx, s.db, c.ID, id, false)
	if err != nil {
		return nil, AsError(err)
	}
	docs, err := s.groupsJSON(ctx, []groupRow{g}, !excludes(q.ExcludedAttributes, "members"))
	if err != nil {
		return nil, err
	}
	return mustJSON(docs[0]), nil
}

// CreateGroup answers POST /Groups: its document and location. Its
// members get the job role the group's name is mapped to.
func (s *Service) CreateGroup(ctx context.Context, c Client, body []byte) ([]byte, string, error) {
	var d groupDoc
	if err := decode(body, &d); err != nil {
		return nil, "", err
	}
	d.DisplayName = strings.TrimSpace(d.DisplayName)
	if d.DisplayName == "" || len(d.DisplayName) > 256 {
		return nil, "", bad("invalidValue", "displayName is required (up to 256 characters).")
	}
	ids, err := refIDs(d.Members)
	if err != nil {
		return nil, "", err
	}
	var id int64
	err = s.people.Provision(ctx, s.provisioner(c), func(b *people.Batch) error {
		err := b.Tx.GetContext(ctx, &id, `INSERT INTO scim_groups (client_id, display_name, external_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $4) RETURNING id`, c.ID, d.DisplayName, strings.TrimSpace(d.ExternalID), s.now())
		if isUnique(err) {
			return fmt.Errorf("scim: group %q: %w", d.DisplayName, store.ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("scim: create group: %w", err)
		}
		added, err := addMembers(ctx, b.Tx, id, ids)
		if err != nil {
			return err
		}
		if err := s.auditGroup(ctx, b, c, "scim.group.create", id, d.DisplayName, added, nil); err != nil {
			return err
		}
		return regrant(ctx, b, c.ID, added)
	})
	if err != nil {
		return nil, "", AsError(err)
	}
	doc, err := s.GetGroup(ctx, c, strconv.FormatInt(id, 10), ListQuery{})
	return doc, s.base + "/Groups/" + strconv.FormatInt(id, 10), err
}

// ReplaceGroup answers PUT /Groups/{id}: name and the whole membership.
func (s *Service) ReplaceGroup(ctx context.Context, c Client, rawID string, body []byte) ([]byte, error) {
	id, err := resourceID(rawID)
	if err != nil {
		return nil, err
	}
	var d groupDoc
	if err := decode(body, &d); err != nil {
		return nil, err
	}
	if strings.TrimSpace(d.DisplayName) == "" {
		return nil, bad("invalidValue", "displayName is required.")
	}
	ids, err := refIDs(d.Members)
	if err != nil {
		return nil, err
	}
	ext := strings.TrimSpace(d.ExternalID)
	err = s.changeGroup(ctx, c, id, func(g *groupChange) error {
		g.name, g.externalID, g.replace = strings.TrimSpace(d.DisplayName), &ext, ids
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.GetGroup(ctx, c, rawID, ListQuery{})
}

// PatchGroup answers PATCH /Groups/{id}: members added and removed (the
// role changes of group membership), renames. It answers 204, as Entra ID
// and Okta accept.
func (s *Service) PatchGroup(ctx context.Context, c Client, rawID string, body []byte) error {
	id, err := resourceID(rawID)
	if err != nil {
		return err
	}
	ops, err := decodePatch(body)
	if err != nil {
		return err
	}
	return s.changeGroup(ctx, c, id, func(g *groupChange) error { return g.apply(ops) })
}

// DeleteGroup answers DELETE /Groups/{id}: its members lose the role it granted.
func (s *Service) DeleteGroup(ctx context.Context, c Client, rawID string) error {
	id, err := resourceID(rawID)
	if err != nil {
		return err
	}
	err = s.people.Provision(ctx, s.provisioner(c), func(b *people.Batch) error {
		g, err := groupByID(ctx, b.Tx, c.ID, id, true)
		if err != nil {
			return err
		}
		removed, err := removeMembers(ctx, b.Tx, id, nil)
		if err != nil {
			return err
		}
		if _, err := b.Tx.ExecContext(ctx, `DELETE FROM scim_groups WHERE id = $1`, id); err != nil {
			return fmt.Errorf("scim: delete group: %w", err)
		}
		if err := s.auditGroup(ctx, b, c, "scim.group.delete", id, g.DisplayName, nil, removed); err != nil {
			return err
		}
		return regrant(ctx, b, c.ID, removed)
	})
	if err != nil {
		return AsError(err)
	}
	return nil
}

func (s *Service) provisioner(c Client) people.Provisioner {
	return people.Provisioner{Name: c.Name, Root: c.RootOrgID}
}

func (s *Service) auditGroup(ctx context.Context, b *people.Batch, c Client, action string, id int64, name string, added, removed []int64) error {
	return store.Audit(ctx, b.Tx, store.AuditEntry{ActorLabel: c.Name, Action: action, Entity: "scim_group", EntityID: fmt.Sprint(id),
		OrgID: &c.RootOrgID, After: map[string]any{"displayName": name, "added": added, "removed": removed}})
}

// groupsJSON renders groups, with their members when asked.
func (s *Service) groupsJSON(ctx context.Context, rows []groupRow, withMembers bool) ([]any, error) {
	byGroup := map[int64][]map[string]string{}
	if withMembers && len(rows) > 0 {
		ids := make([]int64, len(rows))
		for i, g := range rows {
			ids[i] = g.ID
		}
		ms, err := membersOf(ctx, s.db, ids)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			uid := strconv.FormatInt(m.UserID, 10)
			byGroup[m.GroupID] = append(byGroup[m.GroupID], map[string]string{"value": uid, "display": m.Name,
				"$ref": s.base + "/Users/" + uid})
		}
	}
	out := make([]any, len(rows))
	for i, g := range rows {
		id := strconv.FormatInt(g.ID, 10)
		doc := map[string]any{"schemas": []string{SchemaGroup}, "id": id, "displayName": g.DisplayName,
			"meta": map[string]string{"resourceType": "Group", "created": g.CreatedAt.UTC().Format(time.RFC3339),
				"lastModified": g.UpdatedAt.UTC().Format(time.RFC3339), "location": s.base + "/Groups/" + id}}
		if g.ExternalID != "" {
			doc["externalId"] = g.ExternalID
		}
		if withMembers {
			doc["members"] = append([]map[string]string{}, byGroup[g.ID]...)
		}
		out[i] = doc
	}
	return out, nil
}

// membersValuePath is members[value eq "…"] in a Group filter.
func membersValuePath(key string, inner filter.Expression, f *sqlFilter) (string, error) {
	if key != "members" {
		return "", bad("invalidFilter", "Filtering on %s[…] is not supported.", key)
	}
	sub := &sqlFilter{first: f.first + len(f.args), resolve: func(k string) (attr, bool) {
		if k == "value" {
			return groupAttrs("members.value")
		}
		return attr{}, false
	}}
	cond, err := sub.expr(inner, 1)
	f.args = append(f.args, sub.args...)
	return cond, err
}
