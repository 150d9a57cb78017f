-- report_refresh_people: the report rows of a set of people, refreshed in
-- one set-based pass. A bulk writer (the roster import) sets
-- waymark.report_deferred = on for its transaction, so the triggers skip
-- their refreshes (statement by statement, and row by row for updates of
-- people and assignments), and calls this once before committing with
-- everyone it changed. Only those people's rows are read and written:
-- their pairs are replaced and every rollup moves by the difference, with
-- the definitions of report_refresh and report_rebuild (docs/METRICS.md;
-- internal/people's TestWiredImportMatchesRebuild compares the outcome
-- with report_rebuild).

-- report_add adds the sums of source's counters, grouped by keys, to the
-- rollup target, in key order (as report_refresh, so that concurrent
-- writers cannot deadlock).
CREATE FUNCTION report_add(target text, keys text, source text, counters text[]) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
    EXECUTE format('INSERT INTO %1$I AS t (%2$s, %3$s) SELECT %2$s, %4$s FROM (%5$s) d GROUP BY %2$s ORDER BY %2$s
            ON CONFLICT (%2$s) DO UPDATE SET %6$s',
        target, keys, array_to_string(counters, ', '),
        (SELECT string_agg(format('sum(%I)', c), ', ') FROM unnest(counters) c),
        source,
        (SELECT string_agg(format('%1$I = t.%1$I + EXCLUDED.%1$I', c), ', ') FROM unnest(counters) c));
END $fn$;

-- report_people_rollups moves every rollup by the rows of
-- report_people_delta (s = -1: a pair as it was, s = 1: as it is now): the
-- delta is summed once per organization, course and job roles and once
-- per organization and month, and each rollup adds up those sums.
CREATE FUNCTION report_people_rollups(d0 timestamptz, d14 timestamptz, d30 timestamptz) RETURNS void
LANGUAGE plpgsql SET jit = off SET work_mem = '64MB' AS $fn$
DECLARE
    counters text[] := ARRAY['pairs', 'open', 'completed', 'on_time', 'credit',
        'due_lt_d0', 'due_lt_d14', 'exp_lt_d0', 'exp_lt_d30'];
    months   text[] := ARRAY['assigned', 'credit_start', 'credit_end', 'completions'];
    by_role  text := 'SELECT c.*, rc.role_code FROM report_people_sums c
        CROSS JOIN LATERAL unnest(CASE WHEN cardinality(c.roles) = 0 THEN ARRAY[''''] ELSE c.roles END) AS rc(role_code)';
BEGIN
    CREATE TEMP TABLE report_people_sums ON COMMIT DROP AS
    SELECT d.org_id, (d.org_id % 16)::smallint AS shard, d.course_id, d.roles, sum(d.s) AS pairs,
        sum(d.s * (d.status = 'open')::int) AS open,
        sum(d.s * (d.status = 'completed')::int) AS completed,
        sum(d.s * d.on_time::int) AS on_time,
        sum(d.s * d.has_credit::int) AS credit,
        sum(d.s * coalesce(d.status = 'open' AND d.due_at < d0, false)::int) AS due_lt_d0,
        sum(d.s * coalesce(d.status = 'open' AND d.due_at < d14, false)::int) AS due_lt_d14,
        sum(d.s * coalesce(d.has_credit AND d.credit_expires_at < d0, false)::int) AS exp_lt_d0,
        sum(d.s * coalesce(d.has_credit AND d.credit_expires_at < d30, false)::int) AS exp_lt_d30
    FROM report_people_delta d GROUP BY d.org_id, d.course_id, d.roles;
    PERFORM report_add('report_org_course', 'org_id, course_id', 'SELECT * FROM report_people_sums', counters);
    PERFORM report_add('report_org_role', 'org_id, role_code', by_role, counters);
    PERFORM report_add('report_org', 'org_id', 'SELECT * FROM report_people_sums', counters);
    PERFORM report_add('report_state_course', 'shard, course_id', 'SELECT * FROM report_people_sums', counters);
    PERFORM report_add('report_state_role', 'shard, role_code', by_role, counters);

    CREATE TEMP TABLE report_people_months ON COMMIT DROP AS
    SELECT e.org_id, (e.org_id % 16)::smallint AS shard, e.month, sum(e.assigned) AS assigned,
        sum(e.credit_start) AS credit_start, sum(e.credit_end) AS credit_end, sum(e.completions) AS completions
    FROM (
        SELECT d.org_id, d.first_month AS month, d.s AS assigned, 0 AS credit_start, 0 AS credit_end, 0 AS completions
        FROM report_people_delta d
        UNION ALL SELECT d.org_id, m, 0, d.s, 0, 0 FROM report_people_delta d, unnest(d.credit_months) AS m
        WHERE d.credit_months <> '{}'
        UNION ALL SELECT d.org_id, m, 0, 0, d.s, 0 FROM report_people_delta d, unnest(d.lapse_months) AS m
        WHERE d.lapse_months <> '{}'
        UNION ALL SELECT d.org_id, m, 0, 0, 0, d.s FROM report_people_delta d, unnest(d.done_months) AS m
        WHERE d.done_months <> '{}'
    ) e GROUP BY e.org_id, e.month;
    PERFORM report_add('report_org_month', 'org_id, month', 'SELECT * FROM report_people_months', months);
    PERFORM report_add('report_state_month', 'shard, month', 'SELECT * FROM report_people_months', months);
    DROP TABLE report_people_sums, report_people_months;
END $fn$;

-- report_people_insert writes the pairs of the people in report_people
-- as they are now, in key order, and adds each row it wrote
-- to report_people_delta with s = 1. A pair that another transaction added
-- meanwhile keeps that transaction's row (and its sums).
CREATE FUNCTION report_people_insert(v_tz text) RETURNS void
LANGUAGE plpgsql SET jit = off SET work_mem = '64MB' AS $fn$
BEGIN
    WITH fresh AS (
        INSERT INTO report_pairs (user_id, course_id, org_id, user_name, roles, assignment_id, cycle, status,
            due_at, completed_at, on_time, first_month, has_credit, credit_expires_at, credit_months, lapse_months, done_months)
        SELECT p.user_id, cur.course_id, p.org_id, p.name, r.roles, cur.id, cur.cycle, cur.status,
            cur.due_at, cur.completed_at,
            coalesce(cur.status = 'completed' AND (cur.due_at IS NULL OR
                cur.completed_at < report_midnight((cur.due_at AT TIME ZONE v_tz)::date + 1, v_tz)), false),
            date_trunc('month', cur.first_assigned_at AT TIME ZONE v_tz)::date,
            cr.user_id IS NOT NULL, cr.expires_at, coalesce(cr.starts, '{}'), coalesce(cr.lapses, '{}'), coalesce(cr.done, '{}')
        FROM report_people p
        -- Per person, through the indexes, so the cost is linear in the number
        -- of people whatever the planner guesses.
        CROSS JOIN LATERAL (
            SELECT coalesce(array_agg(ur.role_code ORDER BY ur.role_code), '{}') AS roles
            FROM user_roles ur WHERE ur.user_id = p.user_id
        ) r
        CROSS JOIN LATERAL (
            -- Each course's current cycle, and when it was first assigned.
            SELECT DISTINCT ON (a.course_id) a.course_id, a.id, a.cycle, a.source, a.status, a.due_at, a.completed_at,
                min(a.assigned_at) FILTER (WHERE a.status <> 'withdrawn' AND a.source <> 'self')
                    OVER (PARTITION BY a.course_id ORDER BY a.cycle DESC ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
                    AS first_assigned_at
            FROM assignments a WHERE a.user_id = p.user_id
            ORDER BY a.course_id, a.cycle DESC
        ) cur
        LEFT JOIN (
            -- Each pair's credit windows: a completion's runs from its day
            -- through its expiry day, or to the day before the next one.
            SELECT w.user_id, w.course_id, (array_agg(w.expires_at ORDER BY w.completed_at DESC, w.id DESC))[1] AS expires_at,
                array_agg(date_trunc('month', w.start_day)::date ORDER BY w.start_day)
                    FILTER (WHERE w.end_day IS NULL OR w.end_day >= w.start_day) AS starts,
                array_agg(date_trunc('month', w.end_day + 1)::date ORDER BY w.start_day)
                    FILTER (WHERE w.end_day >= w.start_day) AS lapses,
                array_agg(date_trunc('month', w.start_day)::date ORDER BY w.start_day) AS done
            FROM (
                SELECT c.*, CASE WHEN c.next_day IS NULL THEN (c.expires_at AT TIME ZONE v_tz)::date
                        WHEN c.expires_at IS NULL THEN c.next_day - 1
                        ELSE least((c.expires_at AT TIME ZONE v_tz)::date, c.next_day - 1) END AS end_day
                FROM (
                    SELECT cm.id, cm.user_id, cm.course_id, cm.completed_at, cm.expires_at,
                        (cm.completed_at AT TIME ZONE v_tz)::date AS start_day,
                        lead((cm.completed_at AT TIME ZONE v_tz)::date)
                            OVER (PARTITION BY cm.user_id, cm.course_id ORDER BY cm.completed_at, cm.id) AS next_day
                    FROM report_people p
                    -- OFFSET 0 keeps this a scan of each person's completions.
                    CROSS JOIN LATERAL (SELECT * FROM completions cm WHERE cm.user_id = p.user_id OFFSET 0) cm
                    WHERE NOT EXISTS (SELECT 1 FROM certificates ce WHERE ce.completion_id = cm.id AND ce.revoked_at IS NOT NULL)
                ) c
            ) w GROUP BY w.user_id, w.course_id
        ) cr ON cr.user_id = p.user_id AND cr.course_id = cur.course_id
        WHERE cur.status IN ('open', 'completed') AND cur.source <> 'self'
        ORDER BY p.user_id, cur.course_id
        ON CONFLICT (user_id, course_id) DO NOTHING
        RETURNING *
    )
    INSERT INTO report_people_delta SELECT 1, fresh.* FROM fresh;
END $fn$;

CREATE FUNCTION report_refresh_people(p_users bigint[]) RETURNS void
LANGUAGE plpgsql SET jit = off SET work_mem = '64MB' AS $fn$
DECLARE
    v_tz  text;
    v_day date;
BEGIN
    IF p_users IS NULL OR cardinality(p_users) = 0 THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock_shared(727050);
    SELECT tz, day INTO v_tz, v_day FROM report_clock;
    -- The people who count (not deactivated), with their organization and name.
    CREATE TEMP TABLE report_people ON COMMIT DROP AS
    SELECT u.id AS user_id, u.org_id, u.name FROM users u WHERE u.id = ANY (p_users) AND u.deactivated_at IS NULL;
    ANALYZE report_people;
    CREATE TEMP TABLE report_people_delta ON COMMIT DROP AS SELECT 0 AS s, * FROM report_pairs WITH NO DATA;
    WITH gone AS (
        DELETE FROM report_pairs rp WHERE rp.user_id = ANY (p_users) RETURNING rp.*
    )
    INSERT INTO report_people_delta SELECT -1, gone.* FROM gone;
    PERFORM report_people_insert(v_tz);
    PERFORM report_people_rollups(report_midnight(v_day, v_tz), report_midnight(v_day + 14, v_tz),
        report_midnight(v_day + 30, v_tz));
    DROP TABLE report_people, report_people_delta;
END $fn$;
