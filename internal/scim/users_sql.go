package scim

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/store"
)

// userRow is a person in the client's subtree with the SCIM identity the
// client gave them (none yet: userName is their email).
type userRow struct {
	ID            int64      `db:"id"`
	Email         string     `db:"email"`
	Name          string     `db:"name"`
	OrgCode       string     `db:"org_code"`
	DeactivatedAt *time.Time `db:"deactivated_at"`
	CreatedAt     time.Time  `db:"created_at"`
	UserName      string     `db:"user_name"`
	ExternalID    string     `db:"external_id"`
	GivenName     string     `db:"given_name"`
	FamilyName    string     `db:"family_name"`
	UpdatedAt     *time.Time `db:"updated_at"`
}

// userFrom reads people in the client's subtree ($2) with the client's
// ($1) SCIM identity of each. The scope rule comes from store/scope.go.
var userFrom = `SELECT u.id, u.email, u.name, o.code AS org_code, u.deactivated_at, u.created_at,
		COALESCE(su.user_name, u.email) AS user_name, COALESCE(su.external_id, '') AS external_id,
		COALESCE(su.given_name, '') AS given_name, COALESCE(su.family_name, '') AS family_name, su.updated_at
	FROM users u JOIN organizations o ON o.id = u.org_id
	LEFT JOIN scim_users su ON su.user_id = u.id AND su.client_id = $1
	WHERE ` + store.InSubtree("u.org_id", "$2")

// userAttrs are the User attributes a filter may name.
func userAttrs(key string) (attr, bool) {
	switch key {
	case "username":
		// userName is the client's name for the person, else their email:
		// an equality probe (Entra ID's, before every create) stays on
		// the two unique indexes.
		return attr{col: "COALESCE(su.user_name, u.email)", kind: textCI, eq: func(ph string) string {
			return "u.id IN (SELECT user_id FROM scim_users WHERE client_id = $1 AND lower(user_name) = " + ph +
				" UNION ALL SELECT x.id FROM users x WHERE lower(x.email) = " + ph +
				" AND NOT EXISTS (SELECT 1 FROM scim_users y WHERE y.user_id = x.id AND y.client_id = $1))"
		}}, true
	case "externalid":
		return attr{col: "COALESCE(su.external_id, '')", kind: textExact}, true
	case "emails", "emails.value":
		return attr{col: "u.email", kind: textCI}, true
	case "id":
		return attr{col: "u.id", kind: idKind}, true
	case "active":
		return attr{col: "(u.deactivated_at IS NULL)", kind: boolKind}, true
	case "displayname", "name.formatted":
		return attr{col: "u.name", kind: textCI}, true
	case "name.givenname":
		return attr{col: "COALESCE(su.given_name, '')", kind: textCI}, true
	case "name.familyname":
		return attr{col: "COALESCE(su.family_name, '')", kind: textCI}, true
	case "enterprise.department", "waymark.organizationcode":
		return attr{col: "o.code", kind: textCI}, true
	}
	return attr{}, false
}

// listUsers returns a page of the people the filter matches, by id, and
// how many match.
func listUsers(ctx context.Context, q sqlx.QueryerContext, c Client, cond string, args []any, offset, limit int) ([]userRow, int, error) {
	return page[userRow](ctx, q, userFrom+` AND `+cond, "u.id", append([]any{c.ID, c.RootOrgID}, args...), offset, limit)
}

// page runs a list query: how many rows match, and the page of them in
// order of key.
func page[T any](ctx context.Context, q sqlx.QueryerContext, query, key string, args []any, offset, limit int) ([]T, int, error) {
	var total int
	if err := sqlx.GetContext(ctx, q, &total, `SELECT count(*) FROM (`+query+`) t`, args...); err != nil {
		return nil, 0, fmt.Errorf("scim: count: %w", err)
	}
	rows := []T{}
	if limit == 0 || total <= offset {
		return rows, total, nil
	}
	n := len(args)
	err := sqlx.SelectContext(ctx, q, &rows, query+fmt.Sprintf(` ORDER BY %s OFFSET $%d LIMIT $%d`, key, n+1, n+2), append(args, offset, limit)...)
	if err != nil {
		return nil, 0, fmt.Errorf("scim: list: %w", err)
	}
	return rows, total, nil
}

// userByID returns one person in the client's subtree.
func userByID(ctx context.Context, q sqlx.QueryerContext, c Client, id int64) (userRow, error) {
	var r userRow
	err := sqlx.GetContext(ctx, q, &r, userFrom+` AND u.id = $3`, c.ID, c.RootOrgID, id)
	if err != nil {
		return r, fmt.Errorf("scim: user %d: %w", id, notFound(err))
	}
	return r, nil
}

// linkUser records the client's SCIM identity of a person; a userName or
// person another identity holds is store.ErrConflict.
func linkUser(ctx context.Context, tx *sqlx.Tx, c Client, id int64, st userState, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO scim_users (client_id, user_id, user_name, external_id, given_name, family_name, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (client_id, user_id) DO UPDATE SET user_name = EXCLUDED.user_name, external_id = EXCLUDED.external_id,
			given_name = EXCLUDED.given_name, family_name = EXCLUDED.family_name, updated_at = EXCLUDED.updated_at`,
		c.ID, id, st.UserName, st.ExternalID, st.GivenName, st.FamilyName, now)
	if isUnique(err) {
		return fmt.Errorf("scim: link user: %w", store.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("scim: link user: %w", err)
	}
	return nil
}
