// Package prevention keeps facilitator-led youth prevention: curricula (ours
// from the catalog and registered licensed programs), classes and groups,
// delivered sessions with fidelity marks, anonymous survey tallies, parent
// notices and the aggregate reports. It never stores a student's name or an
// answer per student: youth data are counts, and every figure derived from
// fewer than MinCell students is suppressed (smallcell.go).
package prevention

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/store"
)

// EditWindow is how long after logging a delivered session its facilitators
// may still change it. After that the record is locked.
const EditWindow = 7 * 24 * time.Hour

var (
	// ErrNotPrepared means the facilitator holds no valid completion of the
	// curriculum's facilitator-preparation course.
	ErrNotPrepared = errors.New("prevention: a valid completion of the facilitator preparation course is required to log sessions")
	// ErrLocked means a delivered session was logged more than EditWindow ago.
	ErrLocked = fmt.Errorf("prevention: a session record can be changed for 7 days after it was logged: %w", store.ErrConflict)
)

// Service holds the prevention domain logic. The SQL of the prevention_*
// tables lives next to each method; shared tables are read through
// internal/store, and where a query of its own joins them (names for
// display, the report's one set-based statement) it composes the scope
// rule from the store's fragments.
type Service struct {
	db  *sqlx.DB
	cat *catalog.Catalog
	now func() time.Time
}

// Options are the settings a Service runs with.
type Options struct {
	Now func() time.Time // default time.Now
}

// New returns the service over the catalog's prevention curricula.
func New(db *sqlx.DB, cat *catalog.Catalog, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{db: db, cat: cat, now: o.Now}
}

// Actor is the signed-in person acting.
type Actor struct {
	UserID  int64
	OrgID   int64
	IsAdmin bool
}

func ptr[T any](v T) *T { return &v }

// notFound maps sql.ErrNoRows to store.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

// isUnique reports whether err is a unique-constraint violation.
func isUnique(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "23505"
}

// int64Array adapts a slice for = ANY($n).
func int64Array(v []int64) any { return pq.Int64Array(v) }
