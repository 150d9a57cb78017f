package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// FacilitatorAbove returns the id of the active facilitator with email
// (already normalized) whose organization's subtree holds org, else
// ErrNotFound.
func FacilitatorAbove(ctx context.Context, q sqlx.QueryerContext, email string, org int64) (int64, error) {
	var id int64
	err := sqlx.GetContext(ctx, q, &id, `SELECT u.id FROM users u
		WHERE lower(u.email) = $1 AND u.is_facilitator AND u.deactivated_at IS NULL AND `+Under("$2", "u.org_id"), email, org)
	if err = notFound(err); err != nil {
		return 0, fmt.Errorf("store: facilitator above organization %d: %w", org, err)
	}
	return id, nil
}

// CompletionSpan is when a completion was earned and when it expires (nil:
// never).
type CompletionSpan struct {
	CompletedAt time.Time  `db:"completed_at"`
	ExpiresAt   *time.Time `db:"expires_at"`
}

// CurrentCompletion returns the person's completion of the course slug
// that is still valid at now (the one that lasts longest), else
// ErrNotFound.
func CurrentCompletion(ctx context.Context, q sqlx.QueryerContext, userID int64, slug string, now time.Time) (CompletionSpan, error) {
	var c CompletionSpan
	err := sqlx.GetContext(ctx, q, &c, `SELECT c.completed_at, c.expires_at FROM completions c
		JOIN courses co ON co.id = c.course_id
		WHERE c.user_id = $1 AND co.slug = $2 AND (c.expires_at IS NULL OR c.expires_at > $3)
		ORDER BY c.expires_at DESC NULLS FIRST LIMIT 1`, userID, slug, now)
	if err = notFound(err); err != nil {
		return c, fmt.Errorf("store: current completion of %q by user %d: %w", slug, userID, err)
	}
	return c, nil
}

// CourseIDBySlug returns the id of the course slug, or ErrNotFound.
func CourseIDBySlug(ctx context.Context, q sqlx.QueryerContext, slug string) (int64, error) {
	var id int64
	if err := notFound(sqlx.GetContext(ctx, q, &id, `SELECT id FROM courses WHERE slug = $1`, slug)); err != nil {
		return 0, fmt.Errorf("store: course %q: %w", slug, err)
	}
	return id, nil
}

// CurrentVersionID returns the version a course serves now; nil for no
// course or no such course.
func CurrentVersionID(ctx context.Context, q sqlx.QueryerContext, courseID *int64) (*int64, error) {
	if courseID == nil {
		return nil, nil
	}
	var ids []*int64
	err := sqlx.SelectContext(ctx, q, &ids, `SELECT current_version_id FROM courses WHERE id = $1`, *courseID)
	if err != nil {
		return nil, fmt.Errorf("store: current version of course %d: %w", *courseID, err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return ids[0], nil
}
