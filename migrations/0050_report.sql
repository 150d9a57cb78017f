-- Reports: what the manager dashboards, drill-downs and exports read.
--
-- report_pairs holds one row per counted person × course (the current cycle
-- and the latest credit); report_org_course, report_org_role and
-- report_org_month sum those rows per organization (its own people only,
-- so a subtree is a sum over org_closure). Triggers keep all of it current
-- in the same transaction as every change to assignments, completions,
-- certificates, users and job roles. Definitions: docs/METRICS.md.

-- The time zone and the local day the time-dependent counters (overdue,
-- due soon, lapsed, expiring) are counted as of. Readers asking about
-- another day add the difference (report_clock_delta); report_advance
-- moves the day forward.
CREATE TABLE report_clock (
    id  boolean PRIMARY KEY DEFAULT true CHECK (id),
    tz  text NOT NULL,
    day date NOT NULL
);
INSERT INTO report_clock (tz, day) VALUES ('America/New_York', (now() AT TIME ZONE 'America/New_York')::date);

-- The instant a local day starts.
CREATE FUNCTION report_midnight(d date, tz text) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT d::timestamp AT TIME ZONE tz $$;

CREATE TABLE report_pairs (
    user_id           bigint NOT NULL,
    course_id         bigint NOT NULL,
    org_id            bigint NOT NULL,
    user_name         text NOT NULL,
    roles             text[] NOT NULL,      -- the person's job roles, sorted
    assignment_id     bigint NOT NULL,      -- the current cycle
    cycle             int NOT NULL,
    status            text NOT NULL,        -- open | completed
    due_at            timestamptz,
    completed_at      timestamptz,
    on_time           boolean NOT NULL,     -- completed no later than the due date
    first_month       date NOT NULL,        -- month of the first counted assignment
    has_credit        boolean NOT NULL,     -- a completion (not revoked) exists
    credit_expires_at timestamptz,          -- the latest completion's expiry; NULL: none
    credit_months     date[] NOT NULL,      -- months a credit window opens
    lapse_months      date[] NOT NULL,      -- months a credit window closes
    done_months       date[] NOT NULL,      -- month of each completion
    PRIMARY KEY (user_id, course_id)
);
CREATE UNIQUE INDEX report_pairs_assignment_key ON report_pairs (assignment_id);
CREATE INDEX report_pairs_org_name_idx ON report_pairs (org_id, user_name, user_id, course_id);
CREATE INDEX report_pairs_name_idx ON report_pairs (user_name, user_id, course_id);
CREATE INDEX report_pairs_due_idx ON report_pairs (due_at) WHERE status = 'open';
CREATE INDEX report_pairs_expiry_idx ON report_pairs (credit_expires_at) WHERE has_credit;

-- The refresh reads one person's completions of one course.
CREATE INDEX completions_user_course_idx ON completions (user_id, course_id, completed_at);

CREATE TABLE report_org_course (
    org_id     bigint NOT NULL,
    course_id  bigint NOT NULL,
    pairs      int NOT NULL DEFAULT 0,
    open       int NOT NULL DEFAULT 0,
    completed  int NOT NULL DEFAULT 0,
    on_time    int NOT NULL DEFAULT 0,
    credit     int NOT NULL DEFAULT 0,
    due_lt_d0  int NOT NULL DEFAULT 0,   -- open, due before the clock day
    due_lt_d14 int NOT NULL DEFAULT 0,   -- open, due before the clock day + 14
    exp_lt_d0  int NOT NULL DEFAULT 0,   -- credit expired before the clock day
    exp_lt_d30 int NOT NULL DEFAULT 0,   -- credit expires before the clock day + 30
    PRIMARY KEY (org_id, course_id)
);

CREATE TABLE report_org_role (
    org_id     bigint NOT NULL,
    role_code  text NOT NULL,            -- '' for people without a job role
    pairs      int NOT NULL DEFAULT 0,
    open       int NOT NULL DEFAULT 0,
    completed  int NOT NULL DEFAULT 0,
    on_time    int NOT NULL DEFAULT 0,
    credit     int NOT NULL DEFAULT 0,
    due_lt_d0  int NOT NULL DEFAULT 0,
    due_lt_d14 int NOT NULL DEFAULT 0,
    exp_lt_d0  int NOT NULL DEFAULT 0,
    exp_lt_d30 int NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, role_code)
);

-- Monthly events for the trend; a month-end value is the sum of every
-- month up to it.
CREATE TABLE report_org_month (
    org_id       bigint NOT NULL,
    month        date NOT NULL,
    assigned     int NOT NULL DEFAULT 0,
    credit_start int NOT NULL DEFAULT 0,
    credit_end   int NOT NULL DEFAULT 0,
    completions  int NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, month)
);

-- Advisory lock key 727050: refreshes take it shared, report_advance and
-- report_rebuild exclusive. The functions run without JIT, whose compile
-- time (seconds) dwarfs these short statements.

-- report_refresh recomputes the given person × course pairs from the
-- source tables and moves the rollups by the difference. Rollup rows are
-- written in key order so concurrent refreshes cannot deadlock.
CREATE FUNCTION report_refresh(p_users bigint[], p_courses bigint[]) RETURNS void
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
    ), events AS (
        SELECT d.org_id, d.first_month AS month, d.s AS assigned, 0 AS credit_start, 0 AS credit_end, 0 AS completions FROM delta d
        UNION ALL SELECT d.org_id, m, 0, d.s, 0, 0 FROM delta d, unnest(d.credit_months) AS m
        UNION ALL SELECT d.org_id, m, 0, 0, d.s, 0 FROM delta d, unnest(d.lapse_months) AS m
        UNION ALL SELECT d.org_id, m, 0, 0, 0, d.s FROM delta d, unnest(d.done_months) AS m
    )
    INSERT INTO report_org_month AS t (org_id, month, assigned, credit_start, credit_end, completions)
    SELECT e.org_id, e.month, sum(e.assigned), sum(e.credit_start), sum(e.credit_end), sum(e.completions)
    FROM events e GROUP BY e.org_id, e.month ORDER BY e.org_id, e.month
    ON CONFLICT (org_id, month) DO UPDATE SET assigned = t.assigned + EXCLUDED.assigned,
        credit_start = t.credit_start + EXCLUDED.credit_start, credit_end = t.credit_end + EXCLUDED.credit_end,
        completions = t.completions + EXCLUDED.completions;
END $fn$;

-- report_clock_delta lists, for every pair whose time-dependent counters
-- differ between two local days, how much each counter changes from
-- from_day to to_day. Only pairs with a due date or expiry between the two
-- days' thresholds are read.
CREATE FUNCTION report_clock_delta(from_day date, to_day date)
RETURNS TABLE (org_id bigint, course_id bigint, roles text[], dd0 int, dd14 int, de0 int, de30 int)
LANGUAGE sql STABLE AS $fn$
    WITH t AS (
        SELECT report_midnight(from_day, c.tz) AS f0, report_midnight(from_day + 14, c.tz) AS f14,
               report_midnight(from_day + 30, c.tz) AS f30, report_midnight(to_day, c.tz) AS t0,
               report_midnight(to_day + 14, c.tz) AS t14, report_midnight(to_day + 30, c.tz) AS t30
        FROM report_clock c
    ), p AS (
        SELECT rp.org_id, rp.course_id, rp.roles, rp.status, rp.due_at, rp.has_credit, rp.credit_expires_at
        FROM report_pairs rp, t
        WHERE from_day <> to_day AND (
              (rp.status = 'open' AND rp.due_at >= least(t.f0, t.t0) AND rp.due_at < greatest(t.f0, t.t0))
           OR (rp.status = 'open' AND rp.due_at >= least(t.f14, t.t14) AND rp.due_at < greatest(t.f14, t.t14))
           OR (rp.has_credit AND rp.credit_expires_at >= least(t.f0, t.t0) AND rp.credit_expires_at < greatest(t.f0, t.t0))
           OR (rp.has_credit AND rp.credit_expires_at >= least(t.f30, t.t30) AND rp.credit_expires_at < greatest(t.f30, t.t30)))
    )
    SELECT p.org_id, p.course_id, p.roles,
        coalesce(p.status = 'open' AND p.due_at < t.t0, false)::int - coalesce(p.status = 'open' AND p.due_at < t.f0, false)::int,
        coalesce(p.status = 'open' AND p.due_at < t.t14, false)::int - coalesce(p.status = 'open' AND p.due_at < t.f14, false)::int,
        coalesce(p.has_credit AND p.credit_expires_at < t.t0, false)::int - coalesce(p.has_credit AND p.credit_expires_at < t.f0, false)::int,
        coalesce(p.has_credit AND p.credit_expires_at < t.t30, false)::int - coalesce(p.has_credit AND p.credit_expires_at < t.f30, false)::int
    FROM p, t
$fn$;

-- report_advance moves the clock to day, adjusting the time-dependent
-- counters by the pairs that crossed a threshold. It waits for running
-- refreshes (their transactions) to finish.
CREATE FUNCTION report_advance(new_day date) RETURNS void
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
    ), by_course AS (
        INSERT INTO report_org_course AS t (org_id, course_id, due_lt_d0, due_lt_d14, exp_lt_d0, exp_lt_d30)
        SELECT d.org_id, d.course_id, sum(d.dd0), sum(d.dd14), sum(d.de0), sum(d.de30)
        FROM d GROUP BY d.org_id, d.course_id ORDER BY d.org_id, d.course_id
        ON CONFLICT (org_id, course_id) DO UPDATE SET due_lt_d0 = t.due_lt_d0 + EXCLUDED.due_lt_d0,
            due_lt_d14 = t.due_lt_d14 + EXCLUDED.due_lt_d14, exp_lt_d0 = t.exp_lt_d0 + EXCLUDED.exp_lt_d0,
            exp_lt_d30 = t.exp_lt_d30 + EXCLUDED.exp_lt_d30
    )
    INSERT INTO report_org_role AS t (org_id, role_code, due_lt_d0, due_lt_d14, exp_lt_d0, exp_lt_d30)
    SELECT d.org_id, rc.role_code, sum(d.dd0), sum(d.dd14), sum(d.de0), sum(d.de30)
    FROM d CROSS JOIN LATERAL unnest(CASE WHEN cardinality(d.roles) = 0 THEN ARRAY[''] ELSE d.roles END) AS rc(role_code)
    GROUP BY d.org_id, rc.role_code ORDER BY d.org_id, rc.role_code
    ON CONFLICT (org_id, role_code) DO UPDATE SET due_lt_d0 = t.due_lt_d0 + EXCLUDED.due_lt_d0,
        due_lt_d14 = t.due_lt_d14 + EXCLUDED.due_lt_d14, exp_lt_d0 = t.exp_lt_d0 + EXCLUDED.exp_lt_d0,
        exp_lt_d30 = t.exp_lt_d30 + EXCLUDED.exp_lt_d30;
    UPDATE report_clock SET day = new_day;
END $fn$;

-- report_rebuild recomputes everything from the source tables (after a
-- bulk load with waymark.report_deferred = on, or a time-zone change).
CREATE FUNCTION report_rebuild() RETURNS void
LANGUAGE plpgsql SET jit = off AS $fn$
DECLARE
    u bigint[];
    c bigint[];
BEGIN
    PERFORM pg_advisory_xact_lock(727050);
    TRUNCATE report_pairs, report_org_course, report_org_role, report_org_month;
    SELECT array_agg(x.user_id), array_agg(x.course_id) INTO u, c
    FROM (SELECT DISTINCT a.user_id, a.course_id FROM assignments a) x;
    PERFORM report_refresh(u, c);
END $fn$;

-- Triggers. Bulk writers may SET LOCAL waymark.report_deferred = on and
-- call report_rebuild() before committing.
CREATE FUNCTION report_deferred() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('waymark.report_deferred', true), '') = 'on'
$$;

-- Assignments and completions: every pair a statement touched.
CREATE FUNCTION report_pairs_changed() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
    u bigint[];
    c bigint[];
BEGIN
    IF report_deferred() THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(x.user_id), array_agg(x.course_id) INTO u, c
        FROM (SELECT DISTINCT n.user_id, n.course_id FROM new_rows n) x;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(x.user_id), array_agg(x.course_id) INTO u, c
        FROM (SELECT DISTINCT o.user_id, o.course_id FROM old_rows o) x;
    ELSE
        SELECT array_agg(x.user_id), array_agg(x.course_id) INTO u, c
        FROM (SELECT n.user_id, n.course_id FROM new_rows n UNION SELECT o.user_id, o.course_id FROM old_rows o) x;
    END IF;
    PERFORM report_refresh(u, c);
    RETURN NULL;
END $fn$;

-- One assignment row whose counted columns changed (progress saves, which
-- touch only started_at and last_activity_at, do not fire it).
CREATE FUNCTION report_assignment_changed() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    IF NOT report_deferred() THEN
        PERFORM report_refresh(ARRAY[NEW.user_id, OLD.user_id], ARRAY[NEW.course_id, OLD.course_id]);
    END IF;
    RETURN NULL;
END $fn$;

CREATE TRIGGER report_assignments_insert AFTER INSERT ON assignments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_pairs_changed();
CREATE TRIGGER report_assignments_delete AFTER DELETE ON assignments
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_pairs_changed();
CREATE TRIGGER report_assignments_update AFTER UPDATE ON assignments FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.due_at IS DISTINCT FROM NEW.due_at
       OR OLD.completed_at IS DISTINCT FROM NEW.completed_at OR OLD.source IS DISTINCT FROM NEW.source
       OR OLD.cycle IS DISTINCT FROM NEW.cycle OR OLD.assigned_at IS DISTINCT FROM NEW.assigned_at
       OR OLD.user_id IS DISTINCT FROM NEW.user_id OR OLD.course_id IS DISTINCT FROM NEW.course_id)
    EXECUTE FUNCTION report_assignment_changed();

CREATE TRIGGER report_completions_insert AFTER INSERT ON completions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_pairs_changed();
CREATE TRIGGER report_completions_update AFTER UPDATE ON completions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_pairs_changed();
CREATE TRIGGER report_completions_delete AFTER DELETE ON completions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_pairs_changed();

-- A revoked certificate takes its completion's credit away.
CREATE FUNCTION report_certificate_changed() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    IF NOT report_deferred() THEN
        PERFORM report_refresh(array_agg(cm.user_id), array_agg(cm.course_id))
        FROM completions cm WHERE cm.id IN (NEW.completion_id, OLD.completion_id);
    END IF;
    RETURN NULL;
END $fn$;
CREATE TRIGGER report_certificates_update AFTER UPDATE ON certificates FOR EACH ROW
    WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.completion_id IS DISTINCT FROM NEW.completion_id)
    EXECUTE FUNCTION report_certificate_changed();

-- A person's organization, name, deactivation or job roles change every
-- pair of theirs.
CREATE FUNCTION report_refresh_users(p_users bigint[]) RETURNS void
LANGUAGE sql AS $fn$
    SELECT report_refresh(array_agg(x.user_id), array_agg(x.course_id))
    FROM (SELECT DISTINCT a.user_id, a.course_id FROM assignments a WHERE a.user_id = ANY(p_users)) x
$fn$;

CREATE FUNCTION report_user_changed() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    IF NOT report_deferred() THEN
        PERFORM report_refresh_users(ARRAY[NEW.id, OLD.id]);
    END IF;
    RETURN NULL;
END $fn$;
CREATE TRIGGER report_users_update AFTER UPDATE ON users FOR EACH ROW
    WHEN (OLD.org_id IS DISTINCT FROM NEW.org_id OR OLD.name IS DISTINCT FROM NEW.name
       OR OLD.deactivated_at IS DISTINCT FROM NEW.deactivated_at)
    EXECUTE FUNCTION report_user_changed();

CREATE FUNCTION report_roles_changed() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
    u bigint[];
BEGIN
    IF report_deferred() THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT n.user_id) INTO u FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT o.user_id) INTO u FROM old_rows o;
    ELSE
        SELECT array_agg(DISTINCT x.user_id) INTO u
        FROM (SELECT n.user_id FROM new_rows n UNION SELECT o.user_id FROM old_rows o) x;
    END IF;
    IF u IS NOT NULL THEN
        PERFORM report_refresh_users(u);
    END IF;
    RETURN NULL;
END $fn$;
CREATE TRIGGER report_user_roles_insert AFTER INSERT ON user_roles
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_roles_changed();
CREATE TRIGGER report_user_roles_update AFTER UPDATE ON user_roles
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_roles_changed();
CREATE TRIGGER report_user_roles_delete AFTER DELETE ON user_roles
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_roles_changed();
