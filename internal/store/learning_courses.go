package store

import (
	"context"
	"fmt"

	"github.com/lib/pq"
)

// CourseRef ties a course slug to its database ids: the course and the
// version with a given content hash.
type CourseRef struct {
	Slug      string `db:"slug"`
	CourseID  int64  `db:"course_id"`
	VersionID int64  `db:"version_id"`
}

// Refs looks up the course and version ids of slug × content hash pairs
// (slugs[i] with hashes[i]); pairs not stored are left out.
func (s *Courses) Refs(ctx context.Context, slugs, hashes []string) ([]CourseRef, error) {
	var rows []CourseRef
	err := s.db.SelectContext(ctx, &rows, `SELECT c.slug, c.id AS course_id, v.id AS version_id
		FROM unnest($1::text[], $2::text[]) AS k(slug, hash)
		JOIN courses c ON c.slug = k.slug
		JOIN course_versions v ON v.course_id = c.id AND v.content_hash = k.hash`, pq.Array(slugs), pq.Array(hashes))
	if err != nil {
		return nil, fmt.Errorf("store: course ids: %w", err)
	}
	return rows, nil
}
