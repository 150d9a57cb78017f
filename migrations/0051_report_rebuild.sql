-- report_rebuild, set-based: the same pairs and sums report_refresh keeps,
-- computed with sorts and hash joins over whole tables instead of index
-- probes per pair (a 2M-assignment state in a minute, not half an hour).
-- internal/report's TestTriggersMatchRebuild checks that both agree.
CREATE OR REPLACE FUNCTION report_rebuild() RETURNS void
LANGUAGE plpgsql SET jit = off SET work_mem = '256MB' SET enable_nestloop = off AS $fn$
DECLARE
    v_tz  text;
    v_day date;
    d0    timestamptz;
    d14   timestamptz;
    d30   timestamptz;
BEGIN
    PERFORM pg_advisory_xact_lock(727050);
    SELECT tz, day INTO v_tz, v_day FROM report_clock;
    d0 := report_midnight(v_day, v_tz);
    d14 := report_midnight(v_day + 14, v_tz);
    d30 := report_midnight(v_day + 30, v_tz);
    TRUNCATE report_pairs, report_org_course, report_org_role, report_org_month;
    -- Fresh statistics after a bulk load keep the plan set-based.
    ANALYZE assignments, completions, certificates, users, user_roles;

    INSERT INTO report_pairs (user_id, course_id, org_id, user_name, roles, assignment_id, cycle, status,
        due_at, completed_at, on_time, first_month, has_credit, credit_expires_at, credit_months, lapse_months, done_months)
    WITH cur AS (
        SELECT DISTINCT ON (a.user_id, a.course_id) a.id, a.user_id, a.course_id, a.cycle, a.source, a.status,
            a.due_at, a.completed_at,
            min(a.assigned_at) FILTER (WHERE a.status <> 'withdrawn' AND a.source <> 'self')
                OVER (PARTITION BY a.user_id, a.course_id) AS first_assigned_at
        FROM assignments a ORDER BY a.user_id, a.course_id, a.cycle DESC
    ), r AS (
        SELECT ur.user_id, array_agg(ur.role_code ORDER BY ur.role_code) AS roles FROM user_roles ur GROUP BY ur.user_id
    ), c AS (
        SELECT cm.id, cm.user_id, cm.course_id, cm.completed_at, cm.expires_at,
            (cm.completed_at AT TIME ZONE v_tz)::date AS start_day,
            lead((cm.completed_at AT TIME ZONE v_tz)::date)
                OVER (PARTITION BY cm.user_id, cm.course_id ORDER BY cm.completed_at, cm.id) AS next_day
        FROM completions cm
        WHERE NOT EXISTS (SELECT 1 FROM certificates ce WHERE ce.completion_id = cm.id AND ce.revoked_at IS NOT NULL)
    ), w AS (
        SELECT c.id, c.user_id, c.course_id, c.completed_at, c.expires_at, c.start_day,
            CASE WHEN c.next_day IS NULL THEN (c.expires_at AT TIME ZONE v_tz)::date
                 WHEN c.expires_at IS NULL THEN c.next_day - 1
                 ELSE least((c.expires_at AT TIME ZONE v_tz)::date, c.next_day - 1) END AS end_day
        FROM c
    ), ev AS (
        SELECT w.user_id, w.course_id, count(*) AS n,
            (array_agg(w.expires_at ORDER BY w.completed_at DESC, w.id DESC))[1] AS credit_expires_at,
            array_agg(date_trunc('month', w.start_day)::date ORDER BY w.start_day)
                FILTER (WHERE w.end_day IS NULL OR w.end_day >= w.start_day) AS credit_months,
            array_agg(date_trunc('month', w.end_day + 1)::date ORDER BY w.start_day)
                FILTER (WHERE w.end_day >= w.start_day) AS lapse_months,
            array_agg(date_trunc('month', w.start_day)::date ORDER BY w.start_day) AS done_months
        FROM w GROUP BY w.user_id, w.course_id
    )
    SELECT cur.user_id, cur.course_id, u.org_id, u.name, coalesce(r.roles, '{}'),
        cur.id, cur.cycle, cur.status, cur.due_at, cur.completed_at,
        coalesce(cur.status = 'completed' AND (cur.due_at IS NULL OR
            cur.completed_at < report_midnight((cur.due_at AT TIME ZONE v_tz)::date + 1, v_tz)), false),
        date_trunc('month', cur.first_assigned_at AT TIME ZONE v_tz)::date,
        coalesce(ev.n, 0) > 0, ev.credit_expires_at,
        coalesce(ev.credit_months, '{}'), coalesce(ev.lapse_months, '{}'), coalesce(ev.done_months, '{}')
    FROM cur
    JOIN users u ON u.id = cur.user_id AND u.deactivated_at IS NULL
    LEFT JOIN r ON r.user_id = cur.user_id
    LEFT JOIN ev ON ev.user_id = cur.user_id AND ev.course_id = cur.course_id
    WHERE cur.status IN ('open', 'completed') AND cur.source <> 'self';

    INSERT INTO report_org_course (org_id, course_id, pairs, open, completed, on_time, credit,
        due_lt_d0, due_lt_d14, exp_lt_d0, exp_lt_d30)
    SELECT p.org_id, p.course_id, count(*),
        count(*) FILTER (WHERE p.status = 'open'), count(*) FILTER (WHERE p.status = 'completed'),
        count(*) FILTER (WHERE p.on_time), count(*) FILTER (WHERE p.has_credit),
        count(*) FILTER (WHERE p.status = 'open' AND p.due_at < d0),
        count(*) FILTER (WHERE p.status = 'open' AND p.due_at < d14),
        count(*) FILTER (WHERE p.has_credit AND p.credit_expires_at < d0),
        count(*) FILTER (WHERE p.has_credit AND p.credit_expires_at < d30)
    FROM report_pairs p GROUP BY p.org_id, p.course_id;

    INSERT INTO report_org_role (org_id, role_code, pairs, open, completed, on_time, credit,
        due_lt_d0, due_lt_d14, exp_lt_d0, exp_lt_d30)
    SELECT p.org_id, rc.role_code, count(*),
        count(*) FILTER (WHERE p.status = 'open'), count(*) FILTER (WHERE p.status = 'completed'),
        count(*) FILTER (WHERE p.on_time), count(*) FILTER (WHERE p.has_credit),
        count(*) FILTER (WHERE p.status = 'open' AND p.due_at < d0),
        count(*) FILTER (WHERE p.status = 'open' AND p.due_at < d14),
        count(*) FILTER (WHERE p.has_credit AND p.credit_expires_at < d0),
        count(*) FILTER (WHERE p.has_credit AND p.credit_expires_at < d30)
    FROM report_pairs p
    CROSS JOIN LATERAL unnest(CASE WHEN cardinality(p.roles) = 0 THEN ARRAY[''] ELSE p.roles END) AS rc(role_code)
    GROUP BY p.org_id, rc.role_code;

    INSERT INTO report_org_month (org_id, month, assigned, credit_start, credit_end, completions)
    SELECT e.org_id, e.month, sum(e.assigned), sum(e.credit_start), sum(e.credit_end), sum(e.completions)
    FROM (
        SELECT p.org_id, p.first_month AS month, 1 AS assigned, 0 AS credit_start, 0 AS credit_end, 0 AS completions
        FROM report_pairs p
        UNION ALL SELECT p.org_id, m, 0, 1, 0, 0 FROM report_pairs p, unnest(p.credit_months) AS m
        UNION ALL SELECT p.org_id, m, 0, 0, 1, 0 FROM report_pairs p, unnest(p.lapse_months) AS m
        UNION ALL SELECT p.org_id, m, 0, 0, 0, 1 FROM report_pairs p, unnest(p.done_months) AS m
    ) e GROUP BY e.org_id, e.month;
END $fn$;
