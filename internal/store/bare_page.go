package store

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// BarePage holds the two prepared, indexed queries of the benchmark's bare
// page (web.ListenBench): a session by its token, a person's first
// assignment.
type BarePage struct {
	session, first *sqlx.Stmt
}

// PrepareBarePage prepares the bare page's queries on db.
func PrepareBarePage(db *sqlx.DB) (*BarePage, error) {
	session, err := db.Preparex(`SELECT user_id FROM sessions WHERE token_hash = $1`)
	if err != nil {
		return nil, err
	}
	first, err := db.Preparex(`SELECT id FROM assignments WHERE user_id = $1 ORDER BY course_id, cycle LIMIT 1`)
	if err != nil {
		return nil, err
	}
	return &BarePage{session: session, first: first}, nil
}

// SessionUser is the person signed in with the session token's hash.
func (b *BarePage) SessionUser(ctx context.Context, tokenHash []byte) (int64, error) {
	var id int64
	err := b.session.QueryRowContext(ctx, tokenHash).Scan(&id)
	return id, err
}

// FirstAssignment is the person's first assignment by course and cycle.
func (b *BarePage) FirstAssignment(ctx context.Context, userID int64) (int64, error) {
	var id int64
	err := b.first.QueryRowContext(ctx, userID).Scan(&id)
	return id, err
}
