package report

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/waymark/waymark/internal/store"
)

// SynthSizes sizes a synthetic statewide dataset for benchmarks. Every
// size is a parameter so the same generator fills a test database (a few
// thousand rows) or the benchmark one (2M assignments).
type SynthSizes struct {
	Orgs        int       // organizations, in a three-level tree
	Users       int       // people, spread unevenly (a few large organizations)
	Assignments int       // about this many assignments, first cycles and renewals
	Courses     int       // courses to spread them over; existing courses are used first
	Prefix      string    // upper-case letters/digits that mark this run's codes and emails
	Now         time.Time // the dataset's today (default time.Now)
	Seed        float64   // random seed in [-1, 1]; the same seed gives the same data
}

// SynthResult counts what Synthesize wrote.
type SynthResult struct {
	Orgs        int `db:"orgs"`
	Users       int `db:"users"`
	Assignments int `db:"assignments"`
	Completions int `db:"completions"`
	RootOrgs    []int64
	LargestOrg  int64 // the organization with the most people in its subtree below the roots
}

var synthPrefix = regexp.MustCompile(`^[A-Z][A-Z0-9]{0,11}$`)

// Synthesize writes a deterministic synthetic state with set-based SQL in
// one transaction: organizations (with closure rows), users with job
// roles, assignments over the last three years (about 60% completed, 35%
// open, 5% withdrawn, with a renewal cycle for expiring completions) and
// their completions. Report triggers are deferred during the load and the
// report tables rebuilt once at the end.
func Synthesize(ctx context.Context, db *sqlx.DB, s SynthSizes) (SynthResult, error) {
	var res SynthResult
	if s.Orgs < 1 || s.Users < 1 || s.Assignments < 1 {
		return res, fmt.Errorf("report: synthesize: sizes must be positive")
	}
	if s.Prefix == "" {
		s.Prefix = "SYN"
	}
	if !synthPrefix.MatchString(s.Prefix) {
		return res, fmt.Errorf("report: synthesize: prefix %q must be upper-case letters and digits", s.Prefix)
	}
	if s.Courses < 1 {
		s.Courses = 12
	}
	if s.Now.IsZero() {
		s.Now = time.Now()
	}
	if s.Seed == 0 {
		s.Seed = 0.42
	}
	err := store.InTx(ctx, db, func(tx *sqlx.Tx) error {
		for _, q := range []string{`SET LOCAL waymark.report_deferred = 'on'`, `SET LOCAL synchronous_commit = off`,
			`SET LOCAL work_mem = '256MB'`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `SELECT setseed($1)`, s.Seed); err != nil {
			return err
		}
		roles, err := synthRoles(ctx, tx)
		if err != nil {
			return err
		}
		courses, err := synthCourses(ctx, tx, s.Prefix, s.Courses)
		if err != nil {
			return err
		}
		if err := synthOrgs(ctx, tx, s.Prefix, s.Orgs); err != nil {
			return err
		}
		if err := synthUsers(ctx, tx, s, roles); err != nil {
			return err
		}
		if err := synthAssignments(ctx, tx, s, courses); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `SELECT report_rebuild()`); err != nil {
			return fmt.Errorf("report: synthesize: rebuild: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `ANALYZE organizations, org_closure, users, user_roles, assignments, completions,
			report_pairs, report_org_course, report_org_role, report_org_month`); err != nil {
			return fmt.Errorf("report: synthesize: analyze: %w", err)
		}
		like := s.Prefix + "-%"
		if err := tx.GetContext(ctx, &res, `SELECT
			(SELECT count(*) FROM organizations WHERE code LIKE $1) AS orgs,
			(SELECT count(*) FROM users WHERE email LIKE lower($1)) AS users,
			(SELECT count(*) FROM assignments a JOIN users u ON u.id = a.user_id WHERE u.email LIKE lower($1)) AS assignments,
			(SELECT count(*) FROM completions c JOIN users u ON u.id = c.user_id WHERE u.email LIKE lower($1)) AS completions`,
			like); err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &res.RootOrgs, `SELECT id FROM organizations WHERE code LIKE $1 AND parent_id IS NULL ORDER BY id`,
			like); err != nil {
			return err
		}
		return tx.GetContext(ctx, &res.LargestOrg, `SELECT oc.ancestor_id FROM org_closure oc
			JOIN organizations o ON o.id = oc.ancestor_id AND o.code LIKE $1 AND o.parent_id IS NOT NULL
			JOIN users u ON u.org_id = oc.descendant_id
			GROUP BY oc.ancestor_id ORDER BY count(*) DESC, oc.ancestor_id LIMIT 1`, like)
	})
	if err != nil {
		return res, fmt.Errorf("report: synthesize: %w", err)
	}
	return res, nil
}

// synthRoles returns the job-role codes, adding eight when there are none.
func synthRoles(ctx context.Context, tx *sqlx.Tx) ([]string, error) {
	_, err := tx.ExecContext(ctx, `INSERT INTO job_roles (code, name, sector)
		SELECT 'synthetic-role-' || n, 'Synthetic role ' || n, 'synthetic' FROM generate_series(1, 8) n
		WHERE NOT EXISTS (SELECT 1 FROM job_roles)`)
	if err != nil {
		return nil, err
	}
	var roles []string
	err = tx.SelectContext(ctx, &roles, `SELECT code FROM job_roles ORDER BY code`)
	return roles, err
}

// synthCourses returns n course ids, creating synthetic courses as needed.
func synthCourses(ctx context.Context, tx *sqlx.Tx, prefix string, n int) ([]int64, error) {
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, `SELECT id FROM courses WHERE current_version_id IS NOT NULL AND retired_at IS NULL
		ORDER BY id LIMIT $1`, n); err != nil {
		return nil, err
	}
	for k := len(ids) + 1; k <= n; k++ {
		var id, vid int64
		slug := fmt.Sprintf("synthetic-%s-%d", strings.ToLower(prefix), k)
		if err := tx.GetContext(ctx, &id, `INSERT INTO courses (slug) VALUES ($1) RETURNING id`, slug); err != nil {
			return nil, err
		}
		err := tx.GetContext(ctx, &vid, `INSERT INTO course_versions (course_id, content_hash, version, code, title, kind,
			language, minutes, pass_mark, renewal_months, lesson_count, audiences, content)
			VALUES ($1, $2, '1', 'S' || $3::text, 'Synthetic course ' || $3::text, 'training', 'en', 30, 80, 12, 3, '{}', '{}')
			RETURNING id`, id, slug, k)
		if err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE courses SET current_version_id = $1 WHERE id = $2`, vid, id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// synthOrgs writes a tree: agencies at the top (one per 250), units below
// them (one per 25) and the rest under the units, with closure rows.
func synthOrgs(ctx context.Context, tx *sqlx.Tx, prefix string, n int) error {
	top := max(1, n/250)
	mid := min(n-top, max(0, n/25))
	leaf := n - top - mid
	stmts := []struct {
		q    string
		args []any
	}{
		{`INSERT INTO organizations (code, name, type, county)
			SELECT $1 || '-A' || i, 'Agency ' || i,
				(ARRAY['state_agency','police_department','school_district','health_system','dcf_region','hotel_group'])[1 + i % 6],
				(ARRAY['Barnstable','Berkshire','Bristol','Dukes','Essex','Franklin','Hampden','Hampshire','Middlesex',
				       'Nantucket','Norfolk','Plymouth','Suffolk','Worcester'])[1 + i % 14]
			FROM generate_series(1, $2::int) i`, []any{prefix, top}},
		{`INSERT INTO organizations (parent_id, code, name, type, county)
			SELECT p.id, $1 || '-B' || i, 'Unit ' || i,
				(ARRAY['police_unit','school','hospital','dcf_area_office','youth_program','hotel'])[1 + i % 6],
				(ARRAY['Barnstable','Berkshire','Bristol','Dukes','Essex','Franklin','Hampden','Hampshire','Middlesex',
				       'Nantucket','Norfolk','Plymouth','Suffolk','Worcester'])[1 + (i * 5) % 14]
			FROM generate_series(1, $2::int) i JOIN organizations p ON p.code = $1 || '-A' || (1 + (i - 1) % $3::int)`,
			[]any{prefix, mid, top}},
		{`INSERT INTO organizations (parent_id, code, name, type, county)
			SELECT p.id, $1 || '-C' || i, 'Team ' || i,
				(ARRAY['school','police_unit','hospital','residential_program','cac','hotel','other'])[1 + i % 7],
				(ARRAY['Barnstable','Berkshire','Bristol','Dukes','Essex','Franklin','Hampden','Hampshire','Middlesex',
				       'Nantucket','Norfolk','Plymouth','Suffolk','Worcester'])[1 + (i * 3) % 14]
			FROM generate_series(1, $2::int) i
			JOIN organizations p ON p.code = $1 || CASE WHEN $3::int > 0 THEN '-B' || (1 + (i - 1) % greatest($3::int, 1))
			                                              ELSE '-A' || (1 + (i - 1) % $4::int) END`,
			[]any{prefix, leaf, mid, top}},
		{`INSERT INTO org_closure (ancestor_id, descendant_id, depth)
			SELECT id, id, 0 FROM organizations WHERE code LIKE $1 || '-%'`, []any{prefix}},
		{`INSERT INTO org_closure (ancestor_id, descendant_id, depth)
			SELECT o.parent_id, o.id, 1 FROM organizations o WHERE o.code LIKE $1 || '-%' AND o.parent_id IS NOT NULL`, []any{prefix}},
		{`INSERT INTO org_closure (ancestor_id, descendant_id, depth)
			SELECT p.parent_id, o.id, 2 FROM organizations o JOIN organizations p ON p.id = o.parent_id
			WHERE o.code LIKE $1 || '-C%' AND p.parent_id IS NOT NULL`, []any{prefix}},
	}
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
			return fmt.Errorf("organizations: %w", err)
		}
	}
	return nil
}

// synthUsers writes people skewed towards the first organizations (the
// agencies), 2% deactivated, each with one job role and 15% with two.
func synthUsers(ctx context.Context, tx *sqlx.Tx, s SynthSizes, roles []string) error {
	_, err := tx.ExecContext(ctx, `WITH ids AS (
			SELECT array_agg(id ORDER BY id) AS a FROM organizations WHERE code LIKE $1 || '-%'
		)
		INSERT INTO users (org_id, email, name, created_at, deactivated_at)
		SELECT ids.a[1 + floor(power(random(), 2) * cardinality(ids.a))::int], lower($1) || '-' || i || '@example.invalid',
			(ARRAY['Alex','Blair','Casey','Devon','Emery','Frankie','Gray','Harper','Indra','Jordan','Kai','Logan','Morgan',
			       'Noor','Oakley','Parker','Quinn','Riley','Sage','Taylor'])[1 + i % 20] || ' ' ||
			(ARRAY['Alvarez','Brennan','Chen','Dubois','Evans','Fitzgerald','Garcia','Huang','Ibrahim','Jones','Kowalski',
			       'Lopez','Murphy','Nguyen','O''Brien','Patel','Quintero','Rossi','Silva','Tran','Walsh','Xavier',
			       'Yilmaz','Zhang'])[1 + (i / 20) % 24] || ' ' || i,
			$2::timestamptz - interval '4 years',
			CASE WHEN i % 50 = 0 THEN $2::timestamptz - interval '30 days' END
		FROM generate_series(1, $3::int) i, ids`, s.Prefix, s.Now, s.Users)
	if err != nil {
		return fmt.Errorf("users: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role_code)
		SELECT u.id, r.code FROM users u
		CROSS JOIN LATERAL (SELECT ($2::text[])[1 + u.id % cardinality($2::text[])] AS code
			UNION SELECT ($2::text[])[1 + (u.id * 7 + 3) % cardinality($2::text[])] WHERE u.id % 7 = 0) r
		WHERE u.email LIKE lower($1) || '-%'`, s.Prefix, pq.Array(roles))
	if err != nil {
		return fmt.Errorf("job roles: %w", err)
	}
	return nil
}

// synthAssignments writes first cycles for each person's courses, renewal
// cycles for the completions that expired or are about to, and every
// completion. Courses at every fourth position never expire.
func synthAssignments(ctx context.Context, tx *sqlx.Tx, s SynthSizes, courses []int64) error {
	perUser := max(1, min(len(courses), (s.Assignments*4/5+s.Users/2)/s.Users))
	_, err := tx.ExecContext(ctx, `WITH g AS MATERIALIZED (
			SELECT u.id AS user_id, ($3::bigint[])[1 + (u.id + j) % cardinality($3::bigint[])] AS course_id,
				$2::timestamptz - random() * interval '1095 days' AS assigned_at,
				30 + floor(random() * 60)::int AS due_days, random() AS r, random() AS late
			FROM users u, generate_series(0, $4::int - 1) j
			WHERE u.email LIKE lower($1) || '-%'
		)
		INSERT INTO assignments (user_id, course_id, cycle, source, assigned_at, available_from, due_at, status,
			started_at, last_activity_at, completed_at, withdrawn_at)
		SELECT g.user_id, g.course_id, 1, 'requirement', g.assigned_at, g.assigned_at, g.assigned_at + g.due_days * interval '1 day',
			CASE WHEN g.r < 0.60 THEN 'completed' WHEN g.r < 0.95 THEN 'open' ELSE 'withdrawn' END,
			CASE WHEN g.r < 0.80 THEN g.assigned_at + interval '1 day' END,
			CASE WHEN g.r < 0.60 THEN least($2::timestamptz, g.assigned_at + g.late * 1.3 * g.due_days * interval '1 day')
			     WHEN g.r < 0.80 THEN least($2::timestamptz, g.assigned_at + interval '2 days') END,
			CASE WHEN g.r < 0.60 THEN least($2::timestamptz, g.assigned_at + g.late * 1.3 * g.due_days * interval '1 day') END,
			CASE WHEN g.r >= 0.95 THEN least($2::timestamptz, g.assigned_at + interval '10 days') END
		FROM g`, s.Prefix, s.Now, pq.Array(courses), perUser)
	if err != nil {
		return fmt.Errorf("assignments: %w", err)
	}
	if err := synthCompletions(ctx, tx, s, courses, 1); err != nil {
		return err
	}
	// Renewals: the next cycle opens 60 days before expiry and is due on it.
	_, err = tx.ExecContext(ctx, `WITH g AS MATERIALIZED (
			SELECT c.user_id, c.course_id, c.expires_at, random() AS r
			FROM completions c JOIN users u ON u.id = c.user_id
			WHERE u.email LIKE lower($1) || '-%' AND c.cycle = 1 AND c.expires_at - interval '60 days' <= $2::timestamptz
		)
		INSERT INTO assignments (user_id, course_id, cycle, source, assigned_at, available_from, due_at, status,
			started_at, last_activity_at, completed_at)
		SELECT g.user_id, g.course_id, 2, 'renewal', g.expires_at - interval '60 days', g.expires_at - interval '60 days',
			g.expires_at, CASE WHEN g.r < 0.6 THEN 'completed' ELSE 'open' END,
			CASE WHEN g.r < 0.6 THEN g.expires_at - interval '50 days' END,
			CASE WHEN g.r < 0.6 THEN least($2::timestamptz, g.expires_at - interval '60 days' + g.r * interval '80 days') END,
			CASE WHEN g.r < 0.6 THEN least($2::timestamptz, g.expires_at - interval '60 days' + g.r * interval '80 days') END
		FROM g`, s.Prefix, s.Now)
	if err != nil {
		return fmt.Errorf("renewals: %w", err)
	}
	return synthCompletions(ctx, tx, s, courses, 2)
}

func synthCompletions(ctx context.Context, tx *sqlx.Tx, s SynthSizes, courses []int64, cycle int) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO completions (user_id, course_id, course_version_id, assignment_id, cycle,
			score, minutes, completed_at, expires_at)
		SELECT a.user_id, a.course_id, c.current_version_id, a.id, a.cycle, 80 + a.id % 21, 30, a.completed_at,
			CASE WHEN array_position($3::bigint[], a.course_id) % 4 <> 0 THEN a.completed_at + interval '12 months' END
		FROM assignments a JOIN users u ON u.id = a.user_id JOIN courses c ON c.id = a.course_id
		WHERE u.email LIKE lower($1) || '-%' AND a.status = 'completed' AND a.cycle = $2`, s.Prefix, cycle, pq.Array(courses))
	if err != nil {
		return fmt.Errorf("completions: %w", err)
	}
	return nil
}
