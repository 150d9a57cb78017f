package prevention

import (
	"context"
	"errors"
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
	row, err := store.CurrentCompletion(ctx, q, userID, slug, s.now())
	switch {
	case errors.Is(err, store.ErrNotFound):
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
