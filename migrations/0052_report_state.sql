-- Rollups that keep the statewide dashboard small at 5,000 organizations:
-- report_org (each organization's own people, all courses) for the
-- breakdowns by organization, county and type; and the statewide sums by
-- course, job role and month, striped over 16 shards (org_id % 16) so
-- concurrent changes in different organizations rarely wait on the same
-- row. report_refresh, report_advance and report_rebuild now keep them
-- too. Definitions: docs/METRICS.md.

CREATE TABLE report_org (
    org_id     bigint PRIMARY KEY,
    pairs      int NOT NULL DEFAULT 0,
    open       int NOT NULL DEFAULT 0,
    completed  int NOT NULL DEFAULT 0,
    on_time    int NOT NULL DEFAULT 0,
    credit     int NOT NULL DEFAULT 0,
    due_lt_d0  int NOT NULL DEFAULT 0,
    due_lt_d14 int NOT NULL DEFAULT 0,
    exp_lt_d0  int NOT NULL DEFAULT 0,
    exp_lt_d30 int NOT NULL DEFAULT 0
);

CREATE TABLE report_state_course (
    shard      smallint NOT NULL,
    course_id  bigint NOT NULL,
    pairs      int NOT NULL DEFAULT 0,
    open       int NOT NULL DEFAULT 0,
    completed  int NOT NULL DEFAULT 0,
    on_time    int NOT NULL DEFAULT 0,
    credit     int NOT NULL DEFAULT 0,
    due_lt_d0  int NOT NULL DEFAULT 0,
    due_lt_d14 int NOT NULL DEFAULT 0,
    exp_lt_d0  int NOT NULL DEFAULT 0,
    exp_lt_d30 int NOT NULL DEFAULT 0,
    PRIMARY KEY (shard, course_id)
);

CREATE TABLE report_state_role (
    shard      smallint NOT NULL,
    role_code  text NOT NULL,
    pairs      int NOT NULL DEFAULT 0,
    open       int NOT NULL DEFAULT 0,
    completed  int NOT NULL DEFAULT 0,
    on_time    int NOT NULL DEFAULT 0,
    credit     int NOT NULL DEFAULT 0,
    due_lt_d0  int NOT NULL DEFAULT 0,
    due_lt_d14 int NOT NULL DEFAULT 0,
    exp_lt_d0  int NOT NULL DEFAULT 0,
    exp_lt_d30 int NOT NULL DEFAULT 0,
    PRIMARY KEY (shard, role_code)
);

CREATE TABLE report_state_month (
    shard        smallint NOT NULL,
    month        date NOT NULL,
    assigned     int NOT NULL DEFAULT 0,
    credit_start int NOT NULL DEFAULT 0,
    credit_end   int NOT NULL DEFAULT 0,
    completions  int NOT NULL DEFAULT 0,
    PRIMARY KEY (shard, month)
);

CREATE OR REPLACE FUNCTION report_refresh(p_users bigint[], p_courses bigint[]) RETURNS void
LANGUAGE plpgsql SET jit = off AS $fn$
DECLARE
    v_tz  text;
    v_day date;
    d0    timestamptz;
    d14   timestamptz;
    d30   timestamptz;
BEGIN
    IF p_users IS NULL OR cardinality(p_users) = 0 THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock_shared(727050);
    SELECT tz, day INTO v_tz, v_day FROM report_clock;
    d0 := report_midnight(v_day, v_tz);
    d14 := report_midnight(v_day + 14, v_tz);
    d30 := report_midnight(v_day + 30, v_tz);

    WITH k AS (
        SELECT DISTINCT t.user_id, t.course_id FROM unnest(p_users, p_courses) AS t(user_id, course_id)
        WHERE t.user_id IS NOT NULL AND t.course_id IS NOT NULL
    ), pairs AS (
        -- Every key, computed from its own rows through the indexes, so the
        -- cost is linear in the number of keys whatever the planner guesses.
        SELECT k.user_id, k.course_id, u.org_id, u.name AS user_name, coalesce(r.roles, '{}') AS roles,
            cur.id AS assignment_id, cur.cycle, cur.status, cur.due_at, cur.completed_at,
            coalesce(cur.status = 'completed' AND (cur.due_at IS NULL OR
                cur.completed_at < report_midnight((cur.due_at AT TIME ZONE v_tz)::date + 1, v_tz)), false) AS on_time,
            date_trunc('month', cur.first_assigned_at AT TIME ZONE v_tz)::date AS first_month,
            coalesce(ev.n, 0) > 0 AS has_credit, ev.credit_expires_at,
            coalesce(ev.credit_months, '{}') AS credit_months, coalesce(ev.lapse_months, '{}') AS lapse_months,
            coalesce(ev.done_months, '{}') AS done_months,
            coalesce(u.id IS NOT NULL AND u.deactivated_at IS NULL AND cur.status IN ('open', 'completed') AND cur.source <> 'self', false) AS counted
        FROM k
        LEFT JOIN users u ON u.id = k.user_id
        LEFT JOIN LATERAL (
            -- The current cycle and the first counted assignment, in one index scan.
            SELECT (array_agg(a.id ORDER BY a.cycle DESC))[1] AS id, max(a.cycle) AS cycle,
                (array_agg(a.source ORDER BY a.cycle DESC))[1] AS source,
                (array_agg(a.status ORDER BY a.cycle DESC))[1] AS status,
                (array_agg(a.due_at ORDER BY a.cycle DESC))[1] AS due_at,
                (array_agg(a.completed_at ORDER BY a.cycle DESC))[1] AS completed_at,
                min(a.assigned_at) FILTER (WHERE a.status <> 'withdrawn' AND a.source <> 'self') AS first_assigned_at
            FROM assignments a WHERE a.user_id = k.user_id AND a.course_id = k.course_id
        ) cur ON true
        LEFT JOIN LATERAL (
            SELECT array_agg(ur.role_code ORDER BY ur.role_code) AS roles FROM user_roles ur WHERE ur.user_id = k.user_id
        ) r ON true
        LEFT JOIN LATERAL (
            -- A completion's credit runs from its day through its expiry
            -- day, or to the day before the next completion.
            SELECT count(*) AS n,
                (array_agg(w.expires_at ORDER BY w.completed_at DESC, w.id DESC))[1] AS credit_expires_at,
                array_agg(date_trunc('month', w.start_day)::date ORDER BY w.start_day)
                    FILTER (WHERE w.end_day IS NULL OR w.end_day >= w.start_day) AS credit_months,
                array_agg(date_trunc('month', w.end_day + 1)::date ORDER BY w.start_day)
                    FILTER (WHERE w.end_day >= w.start_day) AS lapse_months,
                array_agg(date_trunc('month', w.start_day)::date ORDER BY w.start_day) AS done_months
            FROM (
                SELECT c.id, c.completed_at, c.expires_at, c.start_day,
                    CASE WHEN c.next_day IS NULL THEN (c.expires_at AT TIME ZONE v_tz)::date
                         WHEN c.expires_at IS NULL THEN c.next_day - 1
                         ELSE least((c.expires_at AT TIME ZONE v_tz)::date, c.next_day - 1) END AS end_day
                FROM (
                    SELECT cm.id, cm.completed_at, cm.expires_at, (cm.completed_at AT TIME ZONE v_tz)::date AS start_day,
                        lead((cm.completed_at AT TIME ZONE v_tz)::date) OVER (ORDER BY cm.completed_at, cm.id) AS next_day
                    FROM completions cm
                    WHERE cm.user_id = k.user_id AND cm.course_id = k.course_id
                      AND NOT EXISTS (SELECT 1 FROM certificates ce WHERE ce.completion_id = cm.id AND ce.revoked_at IS NOT NULL)
                ) c
            ) w
        ) ev ON true
    ), fresh AS (
        SELECT p.user_id, p.course_id, p.org_id, p.user_name, p.roles, p.assignment_id, p.cycle, p.status,
            p.due_at, p.completed_at, p.on_time, p.first_month, p.has_credit, p.credit_expires_at,
            p.credit_months, p.lapse_months, p.done_months
        FROM pairs p WHERE p.counted
    ), stale AS (
        SELECT rp.user_id, rp.course_id, rp.org_id, rp.user_name, rp.roles, rp.assignment_id, rp.cycle, rp.status,
            rp.due_at, rp.completed_at, rp.on_time, rp.first_month, rp.has_credit, rp.credit_expires_at,
            rp.credit_months, rp.lapse_months, rp.done_months
        FROM report_pairs rp JOIN k ON k.user_id = rp.user_id AND k.course_id = rp.course_id
    ), gone AS (
        SELECT * FROM stale EXCEPT ALL SELECT * FROM fresh
    ), came AS (
        SELECT * FROM fresh EXCEPT ALL SELECT * FROM stale
    ), delta AS (
        SELECT -1 AS s, gone.* FROM gone UNION ALL SELECT 1 AS s, came.* FROM came
    ), upsert_pairs AS (
        INSERT INTO report_pairs AS t (user_id, course_id, org_id, user_name, roles, assignment_id, cycle, status,
            due_at, completed_at, on_time, first_month, has_credit, credit_expires_at, credit_months, lapse_months, done_months)
        SELECT came.* FROM came ORDER BY came.user_id, came.course_id
        ON CONFLICT (user_id, course_id) DO UPDATE SET org_id = EXCLUDED.org_id, user_name = EXCLUDED.user_name,
            roles = EXCLUDED.roles, assignment_id = EXCLUDED.assignment_id, cycle = EXCLUDED.cycle,
            status = EXCLUDED.status, due_at = EXCLUDED.due_at, completed_at = EXCLUDED.completed_at,
            on_time = EXCLUDED.on_time, first_month = EXCLUDED.first_month, has_credit = EXCLUDED.has_credit,
            credit_expires_at = EXCLUDED.credit_expires_at, credit_months = EXCLUDED.credit_months,
            lapse_months = EXCLUDED.lapse_months, done_months = EXCLUDED.done_months
    ), delete_pairs AS (
        DELETE FROM report_pairs rp USING pairs p
        WHERE rp.user_id = p.user_id AND rp.course_id = p.course_id AND p.counted IS NOT TRUE
    ), by_course AS (
        INSERT INTO report_org_course AS t (org_id, course_id, pairs, open, completed, on_time, credit,
            due_lt_d0, due_lt_d14, exp_lt_d0, exp_lt_d30)
        SELECT d.org_id, d.course_id, sum(d.s),
            sum(CASE WHEN d.status = 'open' THEN d.s ELSE 0 END),
            sum(CASE WHEN d.status = 'completed' THEN d.s ELSE 0 END),
            sum(CASE WHEN d.on_time THEN d.s ELSE 0 END),
            sum(CASE WHEN d.has_credit THEN d.s ELSE 0 END),
            sum(CASE WHEN d.status = 'open' AND d.due_at < d0 THEN d.s ELSE 0 END),
            sum(CASE WHEN d.status = 'open' AND d.due_at < d14 THEN d.s ELSE 0 END),
            sum(CASE WHEN d.has_credit AND d.credit_expires_at < d0 THEN d.s ELSE 0 END),
            sum(CASE WHEN d.has_credit AND d.credit_expires_at < d30 THEN d.s ELSE 0 END)
        FROM delta d GROUP BY d.org_id, d.course_id ORDER BY d.org_id, d.course_id
        ON CONFLICT (org_id, course_id) DO UPDATE SET pairs = t.pairs + EXCLUDED.pairs, open = t.open + EXCLUDED.open,
            completed = t.completed + EXCLUDED.completed, on_time = t.on_time + EXCLUDED.on_time,
            credit = t.credit + EXCLUDED.credit, due_lt_d0 = t.due_lt_d0 + EXCLUDED.due_lt_d0,
            due_lt_d14 = t.due_lt_d14 + EXCLUDED.due_lt_d14, exp_lt_d0 = t.exp_lt_d0 + EXCLUDED.exp_lt_d0,
            exp_lt_d30 = t.exp_lt_d30 + EXCLUDED.exp_lt_d30
    ), by_role AS (
        INSERT INTO report_org_role AS t (org_id, role_code, pairs, open, completed, on_time, credit,
            due_lt_d0, due_lt_d14, exp_lt_d0, exp_lt_d30)
        SELECT d.org_id, rc.role_code, sum(d.s),
            sum(CASE WHEN d.status = 'open' THEN d.s ELSE 0 END),
            sum(CASE WHEN d.status = 'completed' THEN d.s ELSE 0 END),
            sum(CASE WHEN d.on_time THEN d.s ELSE 0 END),
            sum(CASE WHEN d.has_credit THEN d.s ELSE 0 END),
            sum(CASE WHEN d.status = 'open' AND d.due_at < d0 THEN d.s ELSE 0 END),
            sum(CASE WHEN d.status = 'open' AND d.due_at < d14 THEN d.s ELSE 0 END),
            sum(CASE WHEN d.has_credit AND d.credit_expires_at < d0 THEN d.s ELSE 0 END),
            sum(CASE WHEN d.has_credit AND d.credit_expires_at < d30 THEN d.s ELSE 0 END)
        FROM delta d
        CROSS JOIN LATERAL unnest(CASE WHEN cardinality(d.roles) = 0 THEN ARRAY[''] ELSE d.roles END) AS rc(role_code)
        GROUP BY d.org_id, rc.role_code ORDER BY d.org_id, rc.role_code
        ON CONFLICT (org_id, role_code) DO UPDATE SET pairs = t.pairs + EXCLUDED.pairs, open = t.open + EXCLUDED.open,
            completed = t.completed + EXCLUDED.completed, on_time = t.on_time + EXCLUDED.on_time,
            credit = t.credit + EXCLUDED.credit, due_lt_d0 = t.due_lt_d0 + EXCLUDED.due_lt_d0,
            due_lt_d14 = t.due_lt_d14 + EXCLUDED.due_lt_d14, exp_lt_d0 = t.exp_lt_d0 + EXCLUDED.exp_lt_d0,
            exp_lt_d30 = t.exp_lt_d30 + EXCLUDED.exp_lt_d30
    ), by_org AS (
        INSERT INTO report_org AS t (org_id, pairs, open, completed, on_time, credit, due_lt_d0, due_lt_d14, exp_lt_d0, exp_lt_d30)
        SELECT d.org_id, sum(d.s),
            sum(CASE WHEN d.status = 'open' THEN d.s ELSE 0 END),
            sum(CASE WHEN d.status = 'completed' THEN d.s ELSE 0 END),
            sum(CASE WHEN d.on_time THEN d.s ELSE 0 END),
            sum(CASE WHEN d.has_credit THEN d.s ELSE 0 END),
            sum(CASE WHEN d.status = 'open' AND d.due_at < d0 THEN d.s ELSE 0 END),
            sum(CASE WHEN d.status = 'open' AND d.due_at < d14 THEN d.s ELSE 0 END),
            sum(CASE WHEN d.has_credit AND d.credit_expires_at < d0 THEN d.s ELSE 0 END),
            sum(CASE WHEN d.has_credit AND d.credit_expires_at < d30 THEN d.s ELSE 0 END)
        FROM delta d GROUP BY d.org_id ORDER BY d.org_id
        ON CONFLICT (org_id) DO UPDATE SET pairs = t.pairs + EXCLUDED.pairs, open = t.open + EXCLUDED.open,
            completed = t.completed + EXCLUDED.completed, on_time = t.on_time + EXCLUDED.on_time,
            credit = t.credit + EXCLUDED.credit, due_lt_d0 = t.due_lt_d0 + EXCLUDED.due_lt_d0,
            due_lt_d14 = t.due_lt_d14 + EXCLUDED.due_lt_d14, exp_lt_d0 = t.exp_lt_d0 + EXCLUDED.exp_lt_d0,
            exp_lt_d30 = t.exp_lt_d30 + EXCLUDED.exp_lt_d30
    ), state_course AS (
        INSERT INTO report_state_course AS t (shard, course_id, pairs, open, completed, on_time, credit, due_lt_d0, due_lt_d14, exp_lt_d0, exp_lt_d30)
        SELECT (d.org_id % 16)::smallint, d.course_id, sum(d.s),
            sum(CASE WHEN d.status = 'open' THEN d.s ELSE 0 END),
            sum(CASE WHEN d.status = 'completed' THEN d.s ELSE 0 END),
            sum(CASE WHEN d.on_time THEN d.s ELSE 0 END),
            sum(CASE WHEN d.has_credit THEN d.s ELSE 0 END),
            sum(CASE WHEN d.status = 'open' AND d.due_at < d0 THEN d.s ELSE 0 END),
            sum(CASE WHEN d.status = 'open' AND d.due_at < d14 THEN d.s ELSE 0 END),
            sum(CASE WHEN d.has_credit AND d.credit_expires_at < d0 THEN d.s ELSE 0 END),
            sum(CASE WHEN d.has_credit AND d.credit_expires_at < d30 THEN d.s ELSE 0 END)
        FROM delta d GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (shard, course_id) DO UPDATE SET pairs = t.pairs + EXCLUDED.pairs, open = t.open + EXCLUDED.open,
            completed = t.completed + EXCLUDED.completed, on_time = t.on_time + EXCLUDED.on_time,
            credit = t.credit + EXCLUDED.credit, due_lt_d0 = t.due_lt_d0 + EXCLUDED.due_lt_d0,
            due_lt_d14 = t.due_lt_d14 + EXCLUDED.due_lt_d14, exp_lt_d0 = t.exp_lt_d0 + EXCLUDED.exp_lt_d0,
            exp_lt_d30 = t.exp_lt_d30 + EXCLUDED.exp_lt_d30
    ), state_role AS (
        INSERT INTO report_state_role AS t (shard, role_code, pairs, open, completed, on_time, credit, due_lt_d0, due_lt_d14, exp_lt_d0, exp_lt_d30)
        SELECT (d.org_id % 16)::smallint, rc.role_code, sum(d.s),
            sum(CASE WHEN d.status = 'open' THEN d.s ELSE 0 END),
            sum(CASE WHEN d.status = 'completed' THEN d.s ELSE 0 END),
            sum(CASE WHEN d.on_time THEN d.s ELSE 0 END),
            sum(CASE WHEN d.has_credit THEN d.s ELSE 0 END),
            sum(CASE WHEN d.status = 'open' AND d.due_at < d0 THEN d.s ELSE 0 END),
            sum(CASE WHEN d.status = 'open' AND d.due_at < d14 THEN d.s ELSE 0 END),
            sum(CASE WHEN d.has_credit AND d.credit_expires_at < d0 THEN d.s ELSE 0 END),
            sum(CASE WHEN d.has_credit AND d.credit_expires_at < d30 THEN d.s ELSE 0 END)
        FROM delta d
        CROSS JOIN LATERAL unnest(CASE WHEN cardinality(d.roles) = 0 THEN ARRAY[''] ELSE d.roles END) AS rc(role_code)
        GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (shard, role_code) DO UPDATE SET pairs = t.pairs + EXCLUDED.pairs, open = t.open + EXCLUDED.open,
            completed = t.completed + EXCLUDED.completed, on_time = t.on_time + EXCLUDED.on_time,
            credit = t.credit + EXCLUDED.credit, due_lt_d0 = t.due_lt_d0 + EXCLUDED.due_lt_d0,
            due_lt_d14 = t.due_lt_d14 + EXCLUDED.due_lt_d14, exp_lt_d0 = t.exp_lt_d0 + EXCLUDED.exp_lt_d0,
            exp_lt_d30 = t.exp_lt_d30 + EXCLUDED.exp_lt_d30
    ), events AS (
        SELECT d.org_id, d.first_month AS month, d.s AS assigned, 0 AS credit_start, 0 AS credit_end, 0 AS completions FROM delta d
        UNION ALL SELECT d.org_id, m, 0, d.s, 0, 0 FROM delta d, unnest(d.credit_months) AS m
        UNION ALL SELECT d.org_id, m, 0, 0, d.s, 0 FROM delta d, unnest(d.lapse_months) AS m
        UNION ALL SELECT d.org_id, m, 0, 0, 0, d.s FROM delta d, unnest(d.done_months) AS m
    ), state_month AS (
        INSERT INTO report_state_month AS t (shard, month, assigned, credit_start, credit_end, completions)
        SELECT (e.org_id % 16)::smallint, e.month, sum(e.assigned), sum(e.credit_start), sum(e.credit_end), sum(e.completions)
        FROM events e GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (shard, month) DO UPDATE SET assigned = t.assigned + EXCLUDED.assigned,
            credit_start = t.credit_start + EXCLUDED.credit_start, credit_end = t.credit_end + EXCLUDED.credit_end,
            completions = t.completions + EXCLUDED.completions
    )
    INSERT INTO report_org_month AS t (org_id, month, assigned, credit_start, credit_end, completions)
    SELECT e.org_id, e.month, sum(e.assigned), sum(e.credit_start), sum(e.credit_end), sum(e.completions)
    FROM events e GROUP BY e.org_id, e.month ORDER BY e.org_id, e.month
    ON CONFLICT (org_id, month) DO UPDATE SET assigned = t.assigned + EXCLUDED.assigned,
        credit_start = t.credit_start + EXCLUDED.credit_start, credit_end = t.credit_end + EXCLUDED.credit_end,
        completions = t.completions + EXCLUDED.completions;
END $fn$;

-- report_advance moves the clock to new_day and every time-dependent
-- counter with it, the statewide shards included.
CREATE OR REPLACE FUNCTION report_advance(new_day date) RETURNS void
LANGUAGE plpgsql SET jit = off AS $fn$
DECLARE
    v_day date;
BEGIN
    PERFORM pg_advisory_xact_lock(727050);
    SELECT day INTO v_day FROM report_clock;
    IF v_day = new_day THEN
        RETURN;
    END IF;
    WITH d AS (
        SELECT * FROM report_clock_delta(v_day, new_day)
    ), dr AS (
        SELECT d.*, rc.role_code FROM d
        CROSS JOIN LATERAL unnest(CASE WHEN cardinality(d.roles) = 0 THEN ARRAY[''] ELSE d.roles END) AS rc(role_code)
    ), by_course AS (
        INSERT INTO report_org_course AS t (org_id, course_id, due_lt_d0, due_lt_d14, exp_lt_d0, exp_lt_d30)
        SELECT d.org_id, d.course_id, sum(d.dd0), sum(d.dd14), sum(d.de0), sum(d.de30) FROM d GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (org_id, course_id) DO UPDATE SET due_lt_d0 = t.due_lt_d0 + EXCLUDED.due_lt_d0,
            due_lt_d14 = t.due_lt_d14 + EXCLUDED.due_lt_d14, exp_lt_d0 = t.exp_lt_d0 + EXCLUDED.exp_lt_d0,
            exp_lt_d30 = t.exp_lt_d30 + EXCLUDED.exp_lt_d30
    ), by_role AS (
        INSERT INTO report_org_role AS t (org_id, role_code, due_lt_d0, due_lt_d14, exp_lt_d0, exp_lt_d30)
        SELECT d.org_id, d.role_code, sum(d.dd0), sum(d.dd14), sum(d.de0), sum(d.de30) FROM dr d GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (org_id, role_code) DO UPDATE SET due_lt_d0 = t.due_lt_d0 + EXCLUDED.due_lt_d0,
            due_lt_d14 = t.due_lt_d14 + EXCLUDED.due_lt_d14, exp_lt_d0 = t.exp_lt_d0 + EXCLUDED.exp_lt_d0,
            exp_lt_d30 = t.exp_lt_d30 + EXCLUDED.exp_lt_d30
    ), by_org AS (
        INSERT INTO report_org AS t (org_id, due_lt_d0, due_lt_d14, exp_lt_d0, exp_lt_d30)
        SELECT d.org_id, sum(d.dd0), sum(d.dd14), sum(d.de0), sum(d.de30) FROM d GROUP BY 1 ORDER BY 1
        ON CONFLICT (org_id) DO UPDATE SET due_lt_d0 = t.due_lt_d0 + EXCLUDED.due_lt_d0,
            due_lt_d14 = t.due_lt_d14 + EXCLUDED.due_lt_d14, exp_lt_d0 = t.exp_lt_d0 + EXCLUDED.exp_lt_d0,
            exp_lt_d30 = t.exp_lt_d30 + EXCLUDED.exp_lt_d30
    ), state_course AS (
        INSERT INTO report_state_course AS t (shard, course_id, due_lt_d0, due_lt_d14, exp_lt_d0, exp_lt_d30)
        SELECT (d.org_id % 16)::smallint, d.course_id, sum(d.dd0), sum(d.dd14), sum(d.de0), sum(d.de30) FROM d GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (shard, course_id) DO UPDATE SET due_lt_d0 = t.due_lt_d0 + EXCLUDED.due_lt_d0,
            due_lt_d14 = t.due_lt_d14 + EXCLUDED.due_lt_d14, exp_lt_d0 = t.exp_lt_d0 + EXCLUDED.exp_lt_d0,
            exp_lt_d30 = t.exp_lt_d30 + EXCLUDED.exp_lt_d30
    )
    INSERT INTO report_state_role AS t (shard, role_code, due_lt_d0, due_lt_d14, exp_lt_d0, exp_lt_d30)
    SELECT (d.org_id % 16)::smallint, d.role_code, sum(d.dd0), sum(d.dd14), sum(d.de0), sum(d.de30) FROM dr d GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (shard, role_code) DO UPDATE SET due_lt_d0 = t.due_lt_d0 + EXCLUDED.due_lt_d0,
            due_lt_d14 = t.due_lt_d14 + EXCLUDED.due_lt_d14, exp_lt_d0 = t.exp_lt_d0 + EXCLUDED.exp_lt_d0,
            exp_lt_d30 = t.exp_lt_d30 + EXCLUDED.exp_lt_d30;
    UPDATE report_clock SET day = new_day;
END $fn$;

-- report_rollups_from_pairs refills every rollup from report_pairs (the
-- second half of report_rebuild; also used once below).
CREATE FUNCTION report_rollups_from_pairs() RETURNS void
LANGUAGE plpgsql SET jit = off SET work_mem = '256MB' AS $fn$
DECLARE
    v_tz  text;
    v_day date;
    d0    timestamptz;
    d14   timestamptz;
    d30   timestamptz;
BEGIN
    SELECT tz, day INTO v_tz, v_day FROM report_clock;
    d0 := report_midnight(v_day, v_tz);
    d14 := report_midnight(v_day + 14, v_tz);
    d30 := report_midnight(v_day + 30, v_tz);
    TRUNCATE report_org_course, report_org_role, report_org_month,
        report_org, report_state_course, report_state_role, report_state_month;

    INSERT INTO report_org_course (org_id, course_id, pairs, open, completed, on_time, credit, due_lt_d0, due_lt_d14, exp_lt_d0, exp_lt_d30)
    SELECT p.org_id, p.course_id, count(*),
        count(*) FILTER (WHERE p.status = 'open'), count(*) FILTER (WHERE p.status = 'completed'),
        count(*) FILTER (WHERE p.on_time), count(*) FILTER (WHERE p.has_credit),
        count(*) FILTER (WHERE p.status = 'open' AND p.due_at < d0),
        count(*) FILTER (WHERE p.status = 'open' AND p.due_at < d14),
        count(*) FILTER (WHERE p.has_credit AND p.credit_expires_at < d0),
        count(*) FILTER (WHERE p.has_credit AND p.credit_expires_at < d30)
    FROM report_pairs p GROUP BY p.org_id, p.course_id;

    INSERT INTO report_org_role (org_id, role_code, pairs, open, completed, on_time, credit, due_lt_d0, due_lt_d14, exp_lt_d0, exp_lt_d30)
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

    INSERT INTO report_org (org_id, pairs, open, completed, on_time, credit, due_lt_d0, due_lt_d14, exp_lt_d0, exp_lt_d30)
    SELECT org_id, sum(pairs), sum(open), sum(completed), sum(on_time), sum(credit), sum(due_lt_d0), sum(due_lt_d14), sum(exp_lt_d0), sum(exp_lt_d30) FROM report_org_course GROUP BY org_id;
    INSERT INTO report_state_course (shard, course_id, pairs, open, completed, on_time, credit, due_lt_d0, due_lt_d14, exp_lt_d0, exp_lt_d30)
    SELECT (org_id % 16)::smallint, course_id, sum(pairs), sum(open), sum(completed), sum(on_time), sum(credit), sum(due_lt_d0), sum(due_lt_d14), sum(exp_lt_d0), sum(exp_lt_d30) FROM report_org_course GROUP BY 1, 2;
    INSERT INTO report_state_role (shard, role_code, pairs, open, completed, on_time, credit, due_lt_d0, due_lt_d14, exp_lt_d0, exp_lt_d30)
    SELECT (org_id % 16)::smallint, role_code, sum(pairs), sum(open), sum(completed), sum(on_time), sum(credit), sum(due_lt_d0), sum(due_lt_d14), sum(exp_lt_d0), sum(exp_lt_d30) FROM report_org_role GROUP BY 1, 2;
    INSERT INTO report_state_month (shard, month, assigned, credit_start, credit_end, completions)
    SELECT (org_id % 16)::smallint, month, sum(assigned), sum(credit_start), sum(credit_end), sum(completions)
    FROM report_org_month GROUP BY 1, 2;
END $fn$;

-- report_rebuild recomputes the pairs set-based, then every rollup.
CREATE OR REPLACE FUNCTION report_rebuild() RETURNS void
LANGUAGE plpgsql SET jit = off SET work_mem = '256MB' SET enable_nestloop = off AS $fn$
DECLARE
    v_tz  text;
BEGIN
    PERFORM pg_advisory_xact_lock(727050);
    SELECT tz INTO v_tz FROM report_clock;
    TRUNCATE report_pairs;
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

    PERFORM report_rollups_from_pairs();
END $fn$;

-- Fill the new rollups on a database that already has report pairs.
SELECT report_rollups_from_pairs();
