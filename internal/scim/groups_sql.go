package scim

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/store"
)

// groupRow is one of a client's groups.
type groupRow struct {
	ID          int64     `db:"id"`
	DisplayName string    `db:"display_name"`
	ExternalID  string    `db:"external_id"`
	CreatedAt   time.Time `db:"created_at"`
	UpdatedAt   time.Time `db:"updated_at"`
}

// member is a person in a group, as the group resource lists them.
type member struct {
	GroupID int64  `db:"group_id"`
	UserID  int64  `db:"user_id"`
	Name    string `db:"name"`
}

const groupFrom = `SELECT g.id, g.display_name, g.external_id, g.created_at, g.updated_at FROM scim_groups g WHERE g.client_id = $1`

// groupAttrs are the Group attributes a filter may name.
func groupAttrs(key string) (attr, bool) {
	switch key {
	case "displayname":
		return attr{col: "g.display_name", kind: textCI}, true
	case "externalid":
		return attr{col: "g.external_id", kind: textExact}, true
	case "id":
		return attr{col: "g.id", kind: idKind}, true
	case "members", "members.value":
		return attr{col: "''", kind: textExact, eq: func(ph string) string {
			return "EXISTS (SELECT 1 FROM scim_group_members m WHERE m.group_id = g.id AND m.user_id::text = " + ph + ")"
		}}, true
	}
	return attr{}, false
}

func listGroups(ctx context.Context, q sqlx.QueryerContext, client int64, cond string, args []any, offset, limit int) ([]groupRow, int, error) {
	return page[groupRow](ctx, q, groupFrom+` AND `+cond, "g.id", append([]any{client}, args...), offset, limit)
}

func groupByID(ctx context.Context, q sqlx.QueryerContext, client, id int64, lock bool) (groupRow, error) {
	var g groupRow
	sql := groupFrom + ` AND g.id = $2`
	if lock {
		sql += ` FOR UPDATE`
	}
	if err := sqlx.GetContext(ctx, q, &g, sql, client, id); err != nil {
		return g, fmt.Errorf("scim: group %d: %w", id, notFound(err))
	}
	return g, nil
}

// membersOf lists the members of the groups, by group and name.
func membersOf(ctx context.Context, q sqlx.QueryerContext, groups []int64) ([]member, error) {
	out := []member{}
	err := sqlx.SelectContext(ctx, q, &out, `SELECT gm.group_id, gm.user_id, u.name FROM scim_group_members gm
		JOIN users u ON u.id = gm.user_id WHERE gm.group_id = ANY($1) ORDER BY gm.group_id, gm.user_id`, pq.Array(groups))
	if err != nil {
		return nil, fmt.Errorf("scim: group members: %w", err)
	}
	return out, nil
}

// memberIDs lists a group's members' ids.
func memberIDs(ctx context.Context, q sqlx.QueryerContext, group int64) ([]int64, error) {
	out := []int64{}
	err := sqlx.SelectContext(ctx, q, &out, `SELECT user_id FROM scim_group_members WHERE group_id = $1`, group)
	if err != nil {
		return nil, fmt.Errorf("scim: group members: %w", err)
	}
	return out, nil
}

// addMembers adds people to a group and returns those who were not in it.
func addMembers(ctx context.Context, tx *sqlx.Tx, group int64, ids []int64) ([]int64, error) {
	out := []int64{}
	if len(ids) == 0 {
		return out, nil
	}
	err := tx.SelectContext(ctx, &out, `INSERT INTO scim_group_members (group_id, user_id)
		SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING RETURNING user_id`, group, pq.Array(ids))
	if isForeignKey(err) {
		return nil, fmt.Errorf("scim: add members: %w", store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("scim: add members: %w", err)
	}
	return out, nil
}

// removeMembers takes people out of a group (all, when ids is nil) and
// returns those who were in it.
func removeMembers(ctx context.Context, tx *sqlx.Tx, group int64, ids []int64) ([]int64, error) {
	out := []int64{}
	q, args := `DELETE FROM scim_group_members WHERE group_id = $1 RETURNING user_id`, []any{group}
	if ids != nil {
		q, args = `DELETE FROM scim_group_members WHERE group_id = $1 AND user_id = ANY($2) RETURNING user_id`, []any{group, pq.Array(ids)}
	}
	if err := tx.SelectContext(ctx, &out, q, args...); err != nil {
		return nil, fmt.Errorf("scim: remove members: %w", err)
	}
	return out, nil
}

// regrant sets, on each person, the job roles the client's mapped groups
// grant them (people keep roles the client does not manage). extra roles
// count as managed too (a mapping being removed).
func regrant(ctx context.Context, b *people.Batch, client int64, users []int64, extra ...string) error {
	if len(users) == 0 {
		return nil
	}
	managed, err := managedRoles(ctx, b.Tx, client)
	if err != nil {
		return err
	}
	managed = append(managed, extra...)
	var rows []struct {
		UserID int64  `db:"user_id"`
		Role   string `db:"role_code"`
	}
	err = b.Tx.SelectContext(ctx, &rows, `SELECT DISTINCT gm.user_id, m.role_code FROM scim_group_members gm
		JOIN scim_groups g ON g.id = gm.group_id
		JOIN scim_group_roles m ON m.client_id = g.client_id AND lower(m.display_name) = lower(g.display_name)
		WHERE g.client_id = $1 AND gm.user_id = ANY($2)`, client, pq.Array(users))
	if err != nil {
		return fmt.Errorf("scim: granted roles: %w", err)
	}
	want := map[int64][]string{}
	for _, r := range rows {
		want[r.UserID] = append(want[r.UserID], r.Role)
	}
	return b.SetRoles(ctx, users, managed, want)
}

func isForeignKey(err error) bool {
	var pe *pq.Error
	return asPQ(err, &pe) && pe.Code == "23503"
}
