package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// OrgName is an organization's id and name, for lists and breakdowns.
type OrgName struct {
	ID   int64  `db:"id"`
	Name string `db:"name"`
}

// OrgWithParent is an organization's name and its parent's, if any.
type OrgWithParent struct {
	Name       string         `db:"name"`
	ParentID   sql.NullInt64  `db:"parent_id"`
	ParentName sql.NullString `db:"parent_name"`
}

// OrgAndParent reads an organization's name and its parent's.
func OrgAndParent(ctx context.Context, q sqlx.QueryerContext, id int64) (OrgWithParent, error) {
	var f OrgWithParent
	err := sqlx.GetContext(ctx, q, &f, `SELECT o.name, o.parent_id, p.name AS parent_name
			FROM organizations o LEFT JOIN organizations p ON p.id = o.parent_id WHERE o.id = $1`, id)
	return f, err
}

// ChildNames lists an organization's children by name.
func ChildNames(ctx context.Context, q sqlx.QueryerContext, parentID int64) ([]OrgName, error) {
	var rows []OrgName
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT id, name FROM organizations WHERE parent_id = $1 ORDER BY name, id`, parentID)
	return rows, err
}

// TopNames lists the top-level organizations by name.
func TopNames(ctx context.Context, q sqlx.QueryerContext) ([]OrgName, error) {
	var rows []OrgName
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT id, name FROM organizations WHERE parent_id IS NULL ORDER BY name, id`)
	return rows, err
}

// OrgNames lists the organizations ids by name.
func OrgNames(ctx context.Context, q sqlx.QueryerContext, ids []int64) ([]OrgName, error) {
	var rows []OrgName
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT id, name FROM organizations WHERE id = ANY($1::bigint[]) ORDER BY name, id`,
		pq.Array(ids))
	return rows, err
}

// OrgOption is an organization in a filter's list, indented by depth.
type OrgOption struct {
	ID    int64  `db:"id"`
	Name  string `db:"name"`
	Depth int    `db:"depth"`
}

// OrgOptions lists up to 500 organizations of the subtrees of roots (nil:
// the whole state), three levels deep, in tree order by name.
func OrgOptions(ctx context.Context, q sqlx.QueryerContext, roots []int64) ([]OrgOption, error) {
	rootCond := "$1::bigint[] IS NULL AND o.parent_id IS NULL"
	if roots != nil {
		rootCond = "o.id = ANY($1::bigint[])"
	}
	var out []OrgOption
	err := sqlx.SelectContext(ctx, q, &out, `WITH RECURSIVE t AS (
				SELECT o.id, o.name, 0 AS depth, ARRAY[o.name || '#' || o.id] AS path
				FROM organizations o WHERE `+rootCond+`
				UNION ALL
				SELECT o.id, o.name, t.depth + 1, t.path || (o.name || '#' || o.id)
				FROM organizations o JOIN t ON o.parent_id = t.id WHERE t.depth < 3
			)
			SELECT id, name, depth FROM t ORDER BY path LIMIT 500`, pq.Array(roots))
	return out, err
}

// CourseTitles maps course ids to their current titles.
func CourseTitles(ctx context.Context, q sqlx.QueryerContext, ids []int64) (map[int64]string, error) {
	var rows []struct {
		ID    int64  `db:"id"`
		Title string `db:"title"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT c.id, coalesce(cv.title, c.slug) AS title
		FROM courses c LEFT JOIN course_versions cv ON cv.id = c.current_version_id WHERE c.id = ANY($1::bigint[])`, pq.Array(ids))
	if err != nil {
		return nil, fmt.Errorf("store: course titles: %w", err)
	}
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Title
	}
	return out, nil
}
