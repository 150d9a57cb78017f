package store

import (
	"fmt"

	"github.com/jmoiron/sqlx"
)

// preparer prepares a store's hot queries when the store is built: each
// call then skips the parse and plan in PostgreSQL and the driver's extra
// round trip: lib/pq sends an unprepared query with arguments in two (parse,
// then bind and execute). database/sql re-prepares a statement on every
// pooled connection as needed. The first failure is kept, naming the
// statement, so a query that no longer fits the schema stops start-up
// instead of failing every request.
type preparer struct {
	db    *sqlx.DB
	stmts []*sqlx.Stmt
	err   error
}

// prepare prepares query under name (store.statement), or does nothing
// after a failure.
func (p *preparer) prepare(name, query string) *sqlx.Stmt {
	if p.err != nil {
		return nil
	}
	stmt, err := p.db.Preparex(query)
	if err != nil {
		p.err = fmt.Errorf("store: prepare %s: %w", name, err)
		return nil
	}
	p.stmts = append(p.stmts, stmt)
	return stmt
}

// done returns the first failure, closing what was prepared when there
// is one.
func (p *preparer) done() error {
	if p.err != nil {
		for _, s := range p.stmts {
			s.Close()
		}
	}
	return p.err
}
