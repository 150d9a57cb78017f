-- Report totals kept beside their detail, written in the same transaction,
-- so statewide reports read one row per delivered session and per survey
-- phase instead of aggregating every component mark and tally cell.

ALTER TABLE prevention_deliveries
    ADD COLUMN marks      int NOT NULL DEFAULT 0 CHECK (marks >= 0),
    ADD COLUMN marks_full int NOT NULL DEFAULT 0 CHECK (marks_full BETWEEN 0 AND marks);

UPDATE prevention_deliveries d SET marks = m.n, marks_full = m.full
FROM (SELECT delivery_id, count(*)::int AS n, count(*) FILTER (WHERE status = 'delivered')::int AS full
      FROM prevention_component_marks GROUP BY delivery_id) m
WHERE m.delivery_id = d.id;

ALTER TABLE prevention_survey_phases
    ADD COLUMN correct  int NOT NULL DEFAULT 0 CHECK (correct >= 0),
    ADD COLUMN answered int NOT NULL DEFAULT 0 CHECK (answered BETWEEN 0 AND 100000 AND correct <= answered);

UPDATE prevention_survey_phases p SET correct = t.correct, answered = t.answered
FROM (SELECT class_id, phase, COALESCE(sum(count) FILTER (WHERE correct), 0)::int AS correct, sum(count)::int AS answered
      FROM prevention_survey_tallies GROUP BY class_id, phase) t
WHERE t.class_id = p.class_id AND t.phase = p.phase;
