package store

import (
	"context"
	"fmt"
	"sync"

	"github.com/jmoiron/sqlx"
)

// prepared is a hot query prepared once per store, on first use: each
// call then skips the parse and plan in PostgreSQL and the driver's extra
// round trip for an unprepared query with arguments. database/sql
// re-prepares it on every pooled connection as needed.
type prepared struct {
	query string
	once  sync.Once
	stmt  *sqlx.Stmt
	err   error
}

func (p *prepared) get(db *sqlx.DB) (*sqlx.Stmt, error) {
	p.once.Do(func() {
		if p.stmt, p.err = db.Preparex(p.query); p.err != nil {
			p.err = fmt.Errorf("store: prepare: %w", p.err)
		}
	})
	return p.stmt, p.err
}

// selectInto runs the query and scans every row into dest. A query with
// arguments that is not prepared costs lib/pq two round trips (parse,
// then bind and execute) and PostgreSQL a plan each time.
func (p *prepared) selectInto(ctx context.Context, db *sqlx.DB, dest any, args ...any) error {
	stmt, err := p.get(db)
	if err != nil {
		return err
	}
	return stmt.SelectContext(ctx, dest, args...)
}
