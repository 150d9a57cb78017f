// Package bench generates a deterministic synthetic state in PostgreSQL and
// measures the real server against it: pages under load, the bare SQL of
// each report, and the timed jobs (reminder sweep, mail sending, roster
// import, certificate PDFs).
package bench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Password is every generated person's password. All of them share one
// bcrypt hash computed once per generation, so any bench user can sign in.
const Password = "bench password for waymark"

// EmailDomain is the domain of every generated address (reserved, never
// delivered to).
const EmailDomain = "bench.example.org"

// Well-known accounts the load harness signs in as, besides learners.
const (
	AdminEmail        = "bench-admin@" + EmailDomain
	LargeManagerEmail = "bench-manager-large@" + EmailDomain
)

// Sizes are the generator's flags.
type Sizes struct {
	Orgs, Users, Assignments, Completions, Outbox, Classes int
	// Seed makes every pseudo-random choice; the same seed and sizes give
	// the same rows (dates are relative to AsOf).
	Seed int
	AsOf time.Time
}

// DefaultSizes is a statewide-scale dataset.
func DefaultSizes() Sizes {
	return Sizes{Orgs: 5000, Users: 200000, Assignments: 2000000, Completions: 1200000,
		Outbox: 200000, Classes: 2000, Seed: 1}
}

func (s Sizes) validate() error {
	switch {
	case s.Orgs < 10:
		return errors.New("bench: --orgs must be at least 10")
	case s.Users < 20:
		return errors.New("bench: --users must be at least 20")
	case s.Assignments < 1 || s.Completions < 0 || s.Outbox < 0 || s.Classes < 0:
		return errors.New("bench: sizes must not be negative")
	case s.Completions > s.Assignments:
		return errors.New("bench: --completions cannot exceed --assignments")
	}
	return nil
}

// Generator writes the dataset. Every statement runs on one connection so
// the session's temporary helper tables and functions are visible to all.
type Generator struct {
	DB           *sqlx.DB
	PasswordHash string
	Progress     io.Writer
}

// step is one set-based part of the generation.
type step struct {
	name string
	run  func(ctx context.Context, c *sql.Conn, s Sizes) (int64, error)
}

// Generate fills an empty database (refusing one that already has people)
// with the state described by s.
func (g *Generator) Generate(ctx context.Context, s Sizes) error {
	if err := s.validate(); err != nil {
		return err
	}
	if s.AsOf.IsZero() {
		s.AsOf = time.Now().UTC().Truncate(24 * time.Hour)
	}
	conn, err := g.DB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("bench: connect: %w", err)
	}
	defer conn.Close()
	if err := checkEmpty(ctx, conn); err != nil {
		return err
	}
	if err := helpers(ctx, conn, s, g.PasswordHash); err != nil {
		return err
	}
	// The rows are consistent by construction, so a superuser skips the
	// per-row foreign-key triggers (three times faster); others check them.
	if _, err := conn.ExecContext(ctx, `SET session_replication_role = replica`); err != nil {
		fmt.Fprintln(g.Progress, "  note: not a superuser, so foreign keys are checked row by row (slower)")
	}
	steps := []step{
		{"organizations", genOrgs},
		{"people", genUsers},
		{"job roles", genUserRoles},
		{"manager scopes", genScopes},
		{"assignments", g.genAssignments},
		{"completions", genCompletions},
		{"certificates", genCertificates},
		{"lesson progress", genProgress},
		{"outbox", genOutbox},
		{"delivered sessions", genClasses},
		{"report rollups", rebuildReports},
		{"analyze", analyze},
	}
	total := time.Now()
	for _, st := range steps {
		start := time.Now()
		n, err := st.run(ctx, conn, s)
		if err != nil {
			return fmt.Errorf("bench: %s: %w", st.name, err)
		}
		fmt.Fprintf(g.Progress, "  %-20s %10d rows  %6.1fs\n", st.name, n, time.Since(start).Seconds())
	}
	fmt.Fprintf(g.Progress, "generated in %.1fs\n", time.Since(total).Seconds())
	return nil
}

// checkEmpty refuses to write next to real data: the database must be
// named for benchmarks and hold no people yet.
func checkEmpty(ctx context.Context, c *sql.Conn) error {
	var name string
	var people int64
	if err := c.QueryRowContext(ctx, `SELECT current_database(), (SELECT count(*) FROM users)`).Scan(&name, &people); err != nil {
		return fmt.Errorf("bench: check database: %w", err)
	}
	if !strings.Contains(name, "bench") {
		return fmt.Errorf("bench: refusing to generate into database %q: use a dedicated one whose name contains \"bench\" (scripts/dev-db.sh waymark_bench)", name)
	}
	if people > 0 {
		return fmt.Errorf("bench: database %q already has %d people; drop and recreate it first (dropdb %s)", name, people, name)
	}
	return nil
}

// run runs statements in order and returns the rows the last one touched,
// or, when the last one is a SELECT, the number it returns.
func run(ctx context.Context, c *sql.Conn, stmts ...string) (int64, error) {
	var n int64
	for _, q := range stmts {
		if strings.HasPrefix(q, "SELECT") {
			if err := c.QueryRowContext(ctx, q).Scan(&n); err != nil {
				return 0, fmt.Errorf("%w\n-- in:\n%s", err, firstLines(q, 6))
			}
			continue
		}
		res, err := c.ExecContext(ctx, q)
		if err != nil {
			return 0, fmt.Errorf("%w\n-- in:\n%s", err, firstLines(q, 6))
		}
		n, _ = res.RowsAffected()
	}
	return n, nil
}

func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return strings.Join(lines, "\n")
}

// helpers creates the session's deterministic random function and
// reference tables. pg_temp.u(tag, n) is uniform in [0, 1), a pure function
// of the seed, the tag and n.
func helpers(ctx context.Context, c *sql.Conn, s Sizes, hash string) error {
	_, err := run(ctx, c,
		// The report package's triggers keep rollups current row by row;
		// for a bulk load they wait and the rollups are rebuilt once.
		`SET waymark.report_deferred = 'on'`,
		`SET synchronous_commit = off`,
		`SET work_mem = '256MB'`,
		// JIT compiling the long generated expressions costs far more
		// than it saves (seconds per statement).
		`SET jit = off`,
		fmt.Sprintf(`CREATE FUNCTION pg_temp.u(tag text, n bigint) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
			$$ SELECT ('x' || substr(md5('%d:' || tag || ':' || n), 1, 8))::bit(32)::bigint::float8 / 4294967296.0::float8 $$`, s.Seed),
		fmt.Sprintf(`CREATE TEMP TABLE bench_params AS SELECT %s::timestamptz AS as_of, %s::text AS password_hash`,
			quote(s.AsOf.Format(time.RFC3339)), quote(hash)),
	)
	return err
}

// quote is a SQL string literal for values the generator itself made.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// rebuildReports fills the report package's rollup tables once, when they
// exist; their row triggers were deferred for the load (see helpers).
func rebuildReports(ctx context.Context, c *sql.Conn, _ Sizes) (int64, error) {
	var present bool
	if err := c.QueryRowContext(ctx, `SELECT to_regproc('report_rebuild') IS NOT NULL`).Scan(&present); err != nil || !present {
		return 0, err
	}
	_, err := run(ctx, c, `RESET waymark.report_deferred`, `SELECT 1 FROM (SELECT report_rebuild()) r`)
	return 0, err
}

func analyze(ctx context.Context, c *sql.Conn, _ Sizes) (int64, error) {
	return run(ctx, c, `VACUUM (ANALYZE)`)
}
