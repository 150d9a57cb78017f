package store

import (
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
