package bench

import (
	"context"
	"database/sql"
	"fmt"
)

// genAssignments follows the requirements matrix: every person gets each
// required (non-optional) course of their job roles. Renewing courses have
// several cycles so that the total is exactly s.Assignments (or every pair
// once, cut to s.Assignments when that is fewer). Cycle k of a pair is due
// (cycles-k) renewal periods before the last cycle, whose due date lies
// within the last renewal period; earlier cycles are completed, the last
// one is completed with the probability that makes s.Completions.
func (g *Generator) genAssignments(ctx context.Context, c *sql.Conn, s Sizes) (int64, error) {
	_, err := run(ctx, c,
		`CREATE TEMP TABLE bench_pairs AS
			SELECT row_number() OVER (ORDER BY pg_temp.u('pair', x.user_id * 100000 + x.course_id), x.user_id, x.course_id) AS pid, x.*,
			       1 AS cycles, 0::float8 AS p_last
			FROM (SELECT ur.user_id, r.course_id, min(r.due_days) AS due_days,
			             min(COALESCE(r.renewal_months, cv.renewal_months)) AS renew
			      FROM user_roles ur
			      JOIN requirements r ON r.role_code = ur.role_code AND r.removed_at IS NULL AND NOT r.optional
			      JOIN courses c ON c.id = r.course_id AND c.retired_at IS NULL
			      JOIN course_versions cv ON cv.id = c.current_version_id
			      GROUP BY ur.user_id, r.course_id) x`,
		`ALTER TABLE bench_pairs ADD PRIMARY KEY (pid)`,
		// Each pair's draws, made once.
		`ALTER TABLE bench_pairs ADD u_due float8, ADD u_early float8, ADD u_done float8, ADD u_took float8,
			ADD u_start float8, ADD u_started float8`,
		`UPDATE bench_pairs SET u_due = pg_temp.u('due', pid), u_early = pg_temp.u('early', pid),
			u_done = pg_temp.u('done', pid), u_took = pg_temp.u('took', pid), u_start = pg_temp.u('start', pid),
			u_started = pg_temp.u('started', pid)`)
	if err != nil {
		return 0, err
	}
	var pairs, renewing int64
	if err := c.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE renew > 0) FROM bench_pairs`).Scan(&pairs, &renewing); err != nil {
		return 0, err
	}
	if pairs == 0 {
		return 0, fmt.Errorf("no requirement matches any job role: run `waymark seed` so the requirements matrix is loaded")
	}
	want := int64(s.Assignments)
	included := min(want, pairs)
	stmts := []string{fmt.Sprintf(`DELETE FROM bench_pairs WHERE pid > %d`, included)}
	if extra := want - included; extra > 0 && renewing > 0 {
		stmts = append(stmts, fmt.Sprintf(`UPDATE bench_pairs p SET cycles = 1 + %[1]d / %[2]d + CASE WHEN r.rank <= %[1]d %% %[2]d THEN 1 ELSE 0 END
			FROM (SELECT pid, row_number() OVER (ORDER BY pid) AS rank FROM bench_pairs WHERE renew > 0) r
			WHERE r.pid = p.pid`, extra, renewing))
	} else if extra > 0 {
		fmt.Fprintf(g.Progress, "  note: no renewing course, so only %d assignments (one per person and course)\n", pairs)
	}
	if _, err := run(ctx, c, stmts...); err != nil {
		return 0, err
	}
	var total int64
	if err := c.QueryRowContext(ctx, `SELECT sum(cycles) FROM bench_pairs`).Scan(&total); err != nil {
		return 0, err
	}
	earlier := total - included
	pLast := float64(int64(s.Completions)-earlier) / float64(included)
	pLast = max(0, min(1, pLast))

	const chunks = 10
	step := (included + chunks - 1) / chunks
	var n int64
	for lo := int64(1); lo <= included; lo += step {
		k, err := run(ctx, c, fmt.Sprintf(assignmentsSQL, pLast, lo, lo+step-1))
		if err != nil {
			return 0, err
		}
		n += k
		fmt.Fprintf(g.Progress, "    assignments %d of %d\n", n, total)
	}
	return n, nil
}

// assignmentsSQL writes the cycles of pairs %[2]d..%[3]d; %[1]f is the
// probability that the last cycle is completed.
const assignmentsSQL = `INSERT INTO assignments (user_id, course_id, cycle, source, assigned_at, available_from, due_at,
		status, started_at, last_activity_at, completed_at)
	SELECT user_id, course_id, k, source, assigned_at, assigned_at, due_at,
	       CASE WHEN completed_at IS NULL THEN 'open' ELSE 'completed' END,
	       started_at, COALESCE(completed_at, started_at), completed_at
	FROM (
		SELECT y.*,
		       CASE WHEN completed_at IS NOT NULL THEN completed_at - (10 + 110 * u_took) * interval '1 minute'
		            WHEN assigned_at < as_of AND u_start < 0.35 THEN assigned_at + u_started * (as_of - assigned_at)
		       END AS started_at
		FROM (
			SELECT x.*,
			       CASE WHEN k < cycles THEN due_at - early
			                 + CASE WHEN late < 0.15 THEN late * 200 * interval '1 day' ELSE interval '0' END
			            WHEN assigned_at < as_of AND u_done < %[1]f
			            THEN assigned_at + u_took * LEAST(as_of - assigned_at, due_at + interval '20 days' - assigned_at)
			       END AS completed_at
			FROM (
				SELECT d.*, CASE WHEN k = 1 THEN 'requirement' ELSE 'renewal' END AS source,
				       due_at - CASE WHEN k = 1 THEN due_days * interval '1 day' ELSE interval '60 days' END AS assigned_at
				FROM (
					SELECT p.pid, p.user_id, p.course_id, p.cycles, p.due_days, p.u_done, p.u_took, p.u_start, p.u_started,
					       k, bp.as_of, e.early, pg_temp.u('late', p.pid * 16 + k) AS late,
					       CASE WHEN p.renew > 0
					            THEN bp.as_of + interval '60 days' - p.u_due * make_interval(months => p.renew)
					                 - (p.cycles - k) * (make_interval(months => p.renew) - e.early)
					            ELSE bp.as_of + interval '30 days' - p.u_due * interval '3 years'
					       END AS due_at
					FROM bench_pairs p
					CROSS JOIN bench_params bp
					CROSS JOIN LATERAL generate_series(1, p.cycles) k
					CROSS JOIN LATERAL (SELECT (5 + 50 * p.u_early) * interval '1 day' AS early) e
					WHERE p.pid BETWEEN %[2]d AND %[3]d
					OFFSET 0
				) d
				OFFSET 0
			) x
			OFFSET 0
		) y
		OFFSET 0
	) z`

// genCompletions records each completed assignment once, with the score,
// the minutes of the course version and expires_at from the renewal period.
func genCompletions(ctx context.Context, c *sql.Conn, _ Sizes) (int64, error) {
	return run(ctx, c,
		`CREATE INDEX ON bench_pairs (user_id, course_id)`,
		`INSERT INTO completions (user_id, course_id, course_version_id, assignment_id, cycle, score, minutes, completed_at, expires_at)
			SELECT a.user_id, a.course_id, co.current_version_id, a.id, a.cycle, 80 + floor(pg_temp.u('score', a.id) * 21)::int,
			       cv.minutes, a.completed_at,
			       CASE WHEN p.renew > 0 THEN a.completed_at + make_interval(months => p.renew) END
			FROM assignments a
			JOIN courses co ON co.id = a.course_id
			JOIN course_versions cv ON cv.id = co.current_version_id
			JOIN bench_pairs p ON p.user_id = a.user_id AND p.course_id = a.course_id
			WHERE a.status = 'completed'
			ORDER BY a.id`)
}

// genCertificates gives every completion its certificate. Codes are 16
// symbols of the certificate alphabet derived from the seed and the
// completion id (64 bits, so unique at any benchmark size); one in a
// thousand is revoked.
func genCertificates(ctx context.Context, c *sql.Conn, s Sizes) (int64, error) {
	return run(ctx, c, fmt.Sprintf(`INSERT INTO certificates (completion_id, code, issued_at, revoked_at, revoked_reason)
		SELECT id, translate(substr(md5('%d:cert:' || id), 1, 16), '0123456789abcdef', '23456789ABCDEFGH'), completed_at,
		       CASE WHEN pg_temp.u('revoke', id) < 0.001 THEN completed_at + interval '30 days' END,
		       CASE WHEN pg_temp.u('revoke', id) < 0.001 THEN 'Issued in error (benchmark data)' ELSE '' END
		FROM completions ORDER BY id`, s.Seed))
}

// genProgress marks lessons opened on started, open assignments: a prefix
// of the course's lessons, one a day from the start.
func genProgress(ctx context.Context, c *sql.Conn, _ Sizes) (int64, error) {
	return run(ctx, c, `INSERT INTO lesson_progress (assignment_id, lesson, opened_at)
		SELECT a.id, l, a.started_at + (l - 1) * interval '1 day'
		FROM assignments a
		JOIN courses co ON co.id = a.course_id
		JOIN course_versions cv ON cv.id = co.current_version_id
		CROSS JOIN LATERAL generate_series(1, 1 + floor(pg_temp.u('lessons', a.id) * (cv.lesson_count - 1))::int) l
		WHERE a.status = 'open' AND a.started_at IS NOT NULL`)
}
