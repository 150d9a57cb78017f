package report

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/store"
)

// Service answers the report pages.
type Service struct {
	db   *sqlx.DB
	loc  *time.Location
	now  func() time.Time
	mail *mail.Renderer
}

// Options are the settings a Service runs with.
type Options struct {
	Location *time.Location   // every "today" and month is counted in it; default UTC
	Now      func() time.Time // default time.Now
	Mail     *mail.Renderer   // renders the nudge email
}

// New returns the report service.
func New(db *sqlx.DB, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	return &Service{db: db, loc: o.Location, now: o.Now, mail: o.Mail}
}

// Today is the local day figures are counted as of.
func (s *Service) Today() Day { return DayOf(s.now(), s.loc) }

// Scope is what a viewer may see: the whole state or the union of the
// subtrees of Roots.
type Scope = store.Scope

// ScopeFor builds a viewer's scope.
func (s *Service) ScopeFor(ctx context.Context, isAdmin bool, scopeOrgs []int64) (Scope, error) {
	if isAdmin {
		return Scope{All: true}, nil
	}
	roots, err := store.ScopeRoots(ctx, s.db, scopeOrgs)
	if err != nil {
		return Scope{}, fmt.Errorf("report: scope: %w", err)
	}
	return Scope{Roots: roots}, nil
}

// Contains reports whether org lies in the scope.
func (s *Service) Contains(ctx context.Context, sc Scope, org int64) (bool, error) {
	ok, err := store.ScopeContains(ctx, s.db, sc, org)
	if err != nil {
		return false, fmt.Errorf("report: scope check: %w", err)
	}
	return ok, nil
}

// View is a scope narrowed to one organization's subtree (Focus), or the
// whole scope (Focus 0).
type View struct {
	Scope
	Focus int64
}

// ViewOf checks focus against the scope (an organization outside it is
// store.ErrNotFound, like one that does not exist) and returns the view.
// A manager with a single scope organization is focused on it.
func (s *Service) ViewOf(ctx context.Context, sc Scope, focus int64) (View, error) {
	if focus == 0 && !sc.All && len(sc.Roots) == 1 {
		focus = sc.Roots[0]
	}
	if focus == 0 {
		return View{Scope: sc}, nil
	}
	ok, err := s.Contains(ctx, sc, focus)
	if err != nil {
		return View{}, err
	}
	if !ok {
		return View{}, fmt.Errorf("report: organization %d: %w", focus, store.ErrNotFound)
	}
	return View{Scope: sc, Focus: focus}, nil
}

// roots are the subtrees the view covers; nil means the whole state.
func (v View) roots() []int64 {
	switch {
	case v.Focus != 0:
		return []int64{v.Focus}
	case v.All:
		return nil
	case len(v.Roots) == 0:
		return []int64{} // a manager without scope sees nothing
	}
	return v.Roots
}

// inView is a SQL condition: col's organization lies in the view. arg is
// the placeholder of the roots array.
func (v View) inView(col, arg string) string {
	if v.roots() == nil {
		return "(" + arg + "::bigint[] IS NULL)" // the whole state (the argument is NULL)
	}
	return store.InSubtrees(col, arg)
}

// rootsArg is the roots array as a query argument.
func (v View) rootsArg() any { return pq.Array(v.roots()) }

// readTx runs fn in a read-only repeatable-read transaction, so every
// query of one page (or one whole export) sees the same snapshot.
func (s *Service) readTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return fmt.Errorf("report: begin: %w", err)
	}
	defer tx.Rollback()
	// JIT compiles for seconds; these queries run in milliseconds.
	if _, err := tx.ExecContext(ctx, `SET LOCAL jit = off`); err != nil {
		return fmt.Errorf("report: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// Advance moves the report clock forward to today, so the stored
// time-dependent counters need no correction when read. Readers are exact
// without it; it only keeps their correction small. It never moves the
// clock back (a reader with an earlier clock is corrected instead).
func (s *Service) Advance(ctx context.Context) error {
	today := s.Today().String()
	_, err := s.db.ExecContext(ctx, `SELECT report_advance($1::date) FROM report_clock WHERE day < $1::date`, today)
	if err != nil {
		return fmt.Errorf("report: advance clock: %w", err)
	}
	return nil
}

// EnsureTimeZone makes the report tables count days in loc, rebuilding
// them when the zone changed (a start-up step; rare and slow on a large
// database).
func (s *Service) EnsureTimeZone(ctx context.Context) error {
	var tz string
	if err := s.db.GetContext(ctx, &tz, `SELECT tz FROM report_clock`); err != nil {
		return fmt.Errorf("report: clock: %w", err)
	}
	if tz == s.loc.String() {
		return nil
	}
	return store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE report_clock SET tz = $1, day = $2::date`, s.loc.String(), s.Today().String()); err != nil {
			return fmt.Errorf("report: set time zone: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `SELECT report_rebuild()`); err != nil {
			return fmt.Errorf("report: rebuild: %w", err)
		}
		return nil
	})
}

// clockDay reads the day the stored counters are as of.
func clockDay(ctx context.Context, q sqlx.QueryerContext) (string, error) {
	var day time.Time
	if err := sqlx.GetContext(ctx, q, &day, `SELECT day FROM report_clock`); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return "", fmt.Errorf("report: no report clock row: %w", store.ErrNotFound)
		}
		return "", fmt.Errorf("report: clock: %w", err)
	}
	return day.Format(time.DateOnly), nil
}
