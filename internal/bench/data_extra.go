package bench

import (
	"context"
	"database/sql"
	"fmt"
)

// genOutbox writes reminders already sent in the past: for assignments
// whose due date passed, the due-in-14-days and due-in-3-days steps with
// the reminder sweep's own dedupe keys (so a sweep never queues them
// again), and overdue-1 for those completed late or still open. Current
// reminders are left for the sweep to queue, which the benchmark times.
func genOutbox(ctx context.Context, c *sql.Conn, s Sizes) (int64, error) {
	if s.Outbox == 0 {
		return 0, nil
	}
	return run(ctx, c, fmt.Sprintf(`INSERT INTO email_outbox (dedupe_key, kind, user_id, assignment_id, to_addr, subject,
			text_body, html_body, created_at, next_attempt_at, attempts, status, sent_at)
		SELECT 'r:' || a.id || ':' || st.kind || ':' || to_char(a.due_at AT TIME ZONE 'UTC', 'YYYYMMDD'),
		       'reminder.' || st.kind, a.user_id, a.id, u.email, 'A training is due soon',
		       'Your training is due on ' || to_char(a.due_at, 'FMMonth FMDD, YYYY') || '.',
		       '<p>Your training is due on ' || to_char(a.due_at, 'FMMonth FMDD, YYYY') || '.</p>',
		       a.due_at + st.at, a.due_at + st.at, 1, 'sent', a.due_at + st.at + interval '2 seconds'
		FROM assignments a
		JOIN users u ON u.id = a.user_id
		CROSS JOIN bench_params bp
		JOIN (VALUES ('due-14', interval '-14 days'), ('due-3', interval '-3 days'), ('overdue-1', interval '1 day')) st(kind, at)
		  ON a.due_at + st.at < bp.as_of AND a.assigned_at < a.due_at + st.at
		 AND (st.kind <> 'overdue-1' OR a.completed_at IS NULL OR a.completed_at > a.due_at + st.at)
		ORDER BY hashint8(a.id * 4 + length(st.kind)), a.id, st.kind
		LIMIT %d`, s.Outbox))
}

// genClasses writes prevention classes (when the prevention tables exist):
// each led by a facilitator in a school or youth organization, teaching
// one of the prevention series, with its sessions planned and a varying
// number of them delivered, every core component of a delivered session
// marked (80% delivered in full, 15% in part, 5% not).
func genClasses(ctx context.Context, c *sql.Conn, s Sizes) (int64, error) {
	var present bool
	if err := c.QueryRowContext(ctx, `SELECT to_regclass('prevention_classes') IS NOT NULL`).Scan(&present); err != nil || !present || s.Classes == 0 {
		return 0, err
	}
	return run(ctx, c,
		`CREATE TEMP TABLE bench_facilitators AS
			SELECT row_number() OVER (ORDER BY u.id) AS idx, u.id, u.org_id FROM users u
			JOIN organizations o ON o.id = u.org_id AND o.type IN ('school', 'residential_program', 'youth_program')
			WHERE u.is_facilitator`,
		`CREATE TEMP TABLE bench_series AS
			SELECT row_number() OVER (ORDER BY c.slug) - 1 AS idx, c.id AS course_id, cv.id AS version_id,
			       cv.lesson_count, cv.content, CASE WHEN c.slug LIKE '%9-12%' THEN '9-12' ELSE '6-8' END AS band
			FROM courses c JOIN course_versions cv ON cv.id = c.current_version_id
			WHERE cv.kind = 'prevention' AND c.retired_at IS NULL`,
		fmt.Sprintf(`INSERT INTO prevention_classes (org_id, name, grade_band, student_count, course_id, opt_out_count,
				created_by, created_at, updated_at)
			SELECT f.org_id, 'Class ' || i || ' (' || se.band || ')', se.band, 15 + floor(pg_temp.u('students', i) * 21)::int,
			       se.course_id, floor(pg_temp.u('optout', i) * 3)::int, f.id,
			       bp.as_of - pg_temp.u('classdate', i) * interval '400 days', bp.as_of
			FROM generate_series(1, %d) i
			CROSS JOIN bench_params bp
			JOIN bench_facilitators f ON f.idx = 1 + floor(pg_temp.u('facilitator', i) * (SELECT count(*) FROM bench_facilitators))::int
			JOIN bench_series se ON se.idx = floor(pg_temp.u('series', i) * (SELECT count(*) FROM bench_series))::int
			ORDER BY i`, s.Classes),
		`INSERT INTO prevention_class_facilitators (class_id, user_id, lead, added_at)
			SELECT id, created_by, true, created_at FROM prevention_classes`,
		`INSERT INTO prevention_class_plans (class_id, session, planned_on)
			SELECT c.id, k, (c.created_at + k * interval '7 days')::date
			FROM prevention_classes c JOIN bench_series se ON se.course_id = c.course_id
			CROSS JOIN LATERAL generate_series(1, se.lesson_count) k`,
		`INSERT INTO prevention_deliveries (class_id, session, delivered_on, minutes, attendance, logged_by,
				course_version_id, created_at, updated_at)
			SELECT c.id, k, (c.created_at + k * interval '7 days')::date, 45,
			       c.student_count - c.opt_out_count - floor(pg_temp.u('absent', c.id * 64 + k) * 4)::int,
			       c.created_by, se.version_id, c.created_at + k * interval '7 days', c.created_at + k * interval '7 days'
			FROM prevention_classes c JOIN bench_series se ON se.course_id = c.course_id
			CROSS JOIN bench_params bp
			CROSS JOIN LATERAL generate_series(1, se.lesson_count) k
			WHERE c.created_at + k * interval '7 days' < bp.as_of
			  AND k <= 1 + floor(pg_temp.u('dosage', c.id) * se.lesson_count)`,
		`INSERT INTO prevention_component_marks (delivery_id, component, label, position, status)
			SELECT d.id, comp->>'id', comp->>'text', pos,
			       CASE WHEN pg_temp.u('mark', d.id * 64 + pos) < 0.80 THEN 'delivered'
			            WHEN pg_temp.u('mark', d.id * 64 + pos) < 0.95 THEN 'partly' ELSE 'not' END
			FROM prevention_deliveries d
			JOIN prevention_classes c ON c.id = d.class_id
			JOIN bench_series se ON se.course_id = c.course_id
			CROSS JOIN LATERAL jsonb_array_elements(COALESCE(se.content->'lessons'->(d.session - 1)->'core_components', '[]'))
				WITH ORDINALITY AS x(comp, pos)`,
		`SELECT count(*) FROM prevention_deliveries`)
}
