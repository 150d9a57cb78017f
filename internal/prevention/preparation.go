package prevention

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/store"
)

// DefaultPrepCourse is the preparation course of our curricula and the
// default for licensed programs.
const DefaultPrepCourse = "facilitator-preparation"

// Preparation is a person's standing for a curriculum's preparation course.
type Preparation struct {
	Course      string // slug; "" when the curriculum requires none
	Title       string
	Valid       bool
	CompletedAt *time.Time
	ExpiresAt   *time.Time // nil: does not expire
}

// Preparation reports whether user holds a valid (unexpired) completion of
// the preparation course slug ("" requires nothing).
func (s *Service) Preparation(ctx context.Context, userID int64, slug string) (Preparation, error) {
	return s.preparation(ctx, s.db, userID, slug)
}

func (s *Service) preparation(ctx context.Context, q sqlx.QueryerContext, userID int64, slug string) (Preparation, error) {
	p := Preparation{Course: slug}
	if slug == "" {
		p.Valid = true
		return p, nil
	}
	if c := s.cat.Get(slug); c != nil {
		p.Title = c.Title
	}
	var row struct {
		CompletedAt time.Time  `db:"completed_at"`
		ExpiresAt   *time.Time `db:"expires_at"`
	}
	err := sqlx.GetContext(ctx, q, &row, `SELECT c.completed_at, c.expires_at FROM completions c
		JOIN courses co ON co.id = c.course_id
		WHERE c.user_id = $1 AND co.slug = $2 AND (c.expires_at IS NULL OR c.expires_at > $3)
		ORDER BY c.expires_at DESC NULLS FIRST LIMIT 1`, userID, slug, s.now())
	switch err = notFound(err); {
	case err == store.ErrNotFound:
		return p, nil
	case err != nil:
		return p, fmt.Errorf("prevention: preparation of user %d: %w", userID, err)
	}
	p.Valid, p.CompletedAt, p.ExpiresAt = true, &row.CompletedAt, row.ExpiresAt
	return p, nil
}

// requirePrepared returns ErrNotPrepared unless user may log for cur.
func (s *Service) requirePrepared(ctx context.Context, q sqlx.QueryerContext, userID int64, cur Curriculum) error {
	p, err := s.preparation(ctx, q, userID, cur.PrepCourse)
	if err != nil {
		return err
	}
	if !p.Valid {
		return ErrNotPrepared
	}
	return nil
}
