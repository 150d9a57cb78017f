package scim

import (
	"context"
	"strconv"
	"time"

	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/store"
)

// ListQuery is a list request's query: filter, startIndex and count as
// sent (RFC 7644 §3.4.2.4).
type ListQuery struct {
	Filter, StartIndex, Count string
	ExcludedAttributes        string
}

// maxResults is the most resources one list response holds.
const maxResults = 1000

// page reads startIndex (1-based, default 1) and count (default and at
// most maxResults).
func (q ListQuery) page() (offset, limit int, err error) {
	start, limit := 1, 100
	if q.StartIndex != "" {
		if start, err = strconv.Atoi(q.StartIndex); err != nil {
			return 0, 0, bad("invalidValue", "startIndex must be a number.")
		}
		start = max(start, 1) // RFC 7644: less than 1 means 1
	}
	if q.Count != "" {
		if limit, err = strconv.Atoi(q.Count); err != nil {
			return 0, 0, bad("invalidValue", "count must be a number.")
		}
		limit = min(max(limit, 0), maxResults)
	}
	return start - 1, limit, nil
}

// compile reads the page and the filter, as f's SQL.
func (q ListQuery) compile(f *sqlFilter) (offset, limit int, _ *sqlFilter, cond string, err error) {
	if offset, limit, err = q.page(); err != nil {
		return 0, 0, f, "", err
	}
	cond, err = f.compile(q.Filter)
	return offset, limit, f, cond, err
}

// resourceID reads a User or Group id from the path: anything but a
// Waymark id is not found.
func resourceID(raw string) (int64, error) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, AsError(store.ErrNotFound)
	}
	return id, nil
}

// ListUsers answers GET /Users.
func (s *Service) ListUsers(ctx context.Context, c Client, q ListQuery) ([]byte, error) {
	offset, limit, f, cond, err := q.compile(&sqlFilter{first: 2, resolve: userAttrs, valuePath: emailsValuePath})
	if err != nil {
		return nil, err
	}
	rows, total, err := listUsers(ctx, s.db, c, cond, f.args, offset, limit)
	if err != nil {
		return nil, err
	}
	res := make([]any, len(rows))
	for i, r := range rows {
		res[i] = s.userJSON(r)
	}
	return listJSON(total, offset, res), nil
}

// GetUser answers GET /Users/{id}.
func (s *Service) GetUser(ctx context.Context, c Client, rawID string) ([]byte, error) {
	id, err := resourceID(rawID)
	if err != nil {
		return nil, err
	}
	r, err := userByID(ctx, s.db, c, id)
	if err != nil {
		return nil, AsError(err)
	}
	return mustJSON(s.userJSON(r)), nil
}

// CreateUser answers POST /Users: the new person's document and location.
func (s *Service) CreateUser(ctx context.Context, c Client, body []byte) ([]byte, string, error) {
	var d userDoc
	if err := decode(body, &d); err != nil {
		return nil, "", err
	}
	st, err := fromDoc(d)
	if err != nil {
		return nil, "", err
	}
	id, err := s.saveUser(ctx, c, 0, func(userState) (userState, error) { return st, nil })
	if err != nil {
		return nil, "", err
	}
	doc, err := s.GetUser(ctx, c, strconv.FormatInt(id, 10))
	return doc, s.base + "/Users/" + strconv.FormatInt(id, 10), err
}

// ReplaceUser answers PUT /Users/{id}.
func (s *Service) ReplaceUser(ctx context.Context, c Client, rawID string, body []byte) ([]byte, error) {
	id, err := resourceID(rawID)
	if err != nil {
		return nil, err
	}
	var d userDoc
	if err := decode(body, &d); err != nil {
		return nil, err
	}
	st, err := fromDoc(d)
	if err != nil {
		return nil, err
	}
	if d.ID != "" && d.ID != rawID {
		return nil, bad("mutability", "id cannot change.")
	}
	if _, err := s.saveUser(ctx, c, id, func(userState) (userState, error) { return st, nil }); err != nil {
		return nil, err
	}
	return s.GetUser(ctx, c, rawID)
}

// PatchUser answers PATCH /Users/{id} (RFC 7644 §3.5.2).
func (s *Service) PatchUser(ctx context.Context, c Client, rawID string, body []byte) ([]byte, error) {
	id, err := resourceID(rawID)
	if err != nil {
		return nil, err
	}
	ops, err := decodePatch(body)
	if err != nil {
		return nil, err
	}
	if _, err := s.saveUser(ctx, c, id, func(st userState) (userState, error) { return patchUser(st, ops) }); err != nil {
		return nil, err
	}
	return s.GetUser(ctx, c, rawID)
}

// DeleteUser answers DELETE /Users/{id}: the person is deactivated, never
// deleted, so their completions, certificates and history stay.
func (s *Service) DeleteUser(ctx context.Context, c Client, rawID string) error {
	id, err := resourceID(rawID)
	if err != nil {
		return err
	}
	_, err = s.saveUser(ctx, c, id, func(st userState) (userState, error) { st.Active = false; return st, nil })
	return err
}

// saveUser creates (id 0) or changes a person: change turns the current
// state (as the transaction sees it, the person locked) into the new one,
// which people.Batch.Save writes, and the client's identity of the person
// is recorded in the same transaction.
func (s *Service) saveUser(ctx context.Context, c Client, id int64, change func(userState) (userState, error)) (int64, error) {
	by := people.Provisioner{Name: c.Name, Root: c.RootOrgID}
	err := s.people.Provision(ctx, by, func(b *people.Batch) error {
		var cur userState
		if id != 0 {
			if _, err := b.Person(ctx, id); err != nil {
				return err
			}
			r, err := userByID(ctx, b.Tx, c, id)
			if err != nil {
				return err
			}
			cur = r.state()
		}
		next, err := change(cur)
		if err != nil {
			return err
		}
		newID, err := b.Save(ctx, id, people.Provisioned{Email: next.emailAddress(), Name: next.displayName(),
			OrgCode: next.OrgCode, Active: next.Active})
		if err != nil {
			return err
		}
		id = newID
		return linkUser(ctx, b.Tx, c, id, next, s.now())
	})
	if err != nil {
		return 0, AsError(err)
	}
	return id, nil
}

// state is the row as SCIM state. The organization is unchanged unless a
// request names one.
func (r userRow) state() userState {
	return userState{ID: r.ID, UserName: r.UserName, ExternalID: r.ExternalID, GivenName: r.GivenName,
		FamilyName: r.FamilyName, Formatted: r.Name, Email: r.Email, Active: r.DeactivatedAt == nil}
}

// userJSON is the User resource.
func (s *Service) userJSON(r userRow) map[string]any {
	id := strconv.FormatInt(r.ID, 10)
	modified := r.CreatedAt
	if r.UpdatedAt != nil {
		modified = *r.UpdatedAt
	}
	doc := map[string]any{
		"schemas":        []string{SchemaUser, SchemaEnterprise, SchemaWaymark},
		"id":             id,
		"userName":       r.UserName,
		"name":           map[string]string{"formatted": r.Name, "givenName": r.GivenName, "familyName": r.FamilyName},
		"displayName":    r.Name,
		"emails":         []map[string]any{{"value": r.Email, "type": "work", "primary": true}},
		"active":         r.DeactivatedAt == nil,
		SchemaEnterprise: map[string]string{"department": r.OrgCode},
		SchemaWaymark:    map[string]string{"organizationCode": r.OrgCode},
		"meta": map[string]string{"resourceType": "User", "created": r.CreatedAt.UTC().Format(time.RFC3339),
			"lastModified": modified.UTC().Format(time.RFC3339), "location": s.base + "/Users/" + id},
	}
	if r.ExternalID != "" {
		doc["externalId"] = r.ExternalID
	}
	return doc
}

// listJSON is a ListResponse.
func listJSON(total, offset int, resources []any) []byte {
	return mustJSON(map[string]any{"schemas": []string{schemaList}, "totalResults": total,
		"startIndex": offset + 1, "itemsPerPage": len(resources), "Resources": resources})
}
