package store

// The reminder sweep's rows, each a SELECT of outbox rows (dedupe_key,
// kind, user_id, assignment_id, to_addr, subject, text_body, html_body,
// next_attempt_at) for mail.EnqueueSelectSQL. Windows: $2 kinds, $3 lo,
// $4 hi, $5 lead seconds (a step's moment relative to the anchor date);
// $1 send-at, $6 now. Each row's dedupe key is the assignment, kind and
// due or lapse date, so a second sweep adds nothing.

const reminderSteps = `unnest($2::text[], $3::timestamptz[], $4::timestamptz[], $5::float8[]) AS s(kind, lo, hi, lead)`

// DueReminderRows: open, available assignments of active people, due-soon
// and overdue steps.
const DueReminderRows = `SELECT 'r:' || a.id || ':' || s.kind || ':' || to_char(a.due_at AT TIME ZONE 'UTC', 'YYYYMMDD'),
		       'reminder.' || s.kind, a.user_id, a.id, u.email, '', '', '', $1::timestamptz
		FROM ` + reminderSteps + `
		JOIN assignments a ON a.status = 'open' AND a.due_at > s.lo AND a.due_at <= s.hi
		JOIN users u ON u.id = a.user_id AND u.deactivated_at IS NULL
		WHERE a.available_from <= $6 AND a.assigned_at <= a.due_at + make_interval(secs => s.lead)`

// EscalationReminderRows: the same assignments at the escalation step, one
// row per nearest manager — those whose scope is the closest
// ancestor-or-self of the learner's organization — other than the learner.
const EscalationReminderRows = `SELECT 'r:' || a.id || ':' || s.kind || ':' || m.user_id || ':' || to_char(a.due_at AT TIME ZONE 'UTC', 'YYYYMMDD'),
		       'reminder.' || s.kind, m.user_id, a.id, mu.email, '', '', '', $1::timestamptz
		FROM ` + reminderSteps + `
		JOIN assignments a ON a.status = 'open' AND a.due_at > s.lo AND a.due_at <= s.hi
		JOIN users u ON u.id = a.user_id AND u.deactivated_at IS NULL
		CROSS JOIN LATERAL (
			SELECT r.user_id FROM (
				SELECT ms.user_id, rank() OVER (ORDER BY oc.depth) AS nearest
				FROM org_closure oc
				-- OFFSET 0 keeps this an index probe per ancestor instead of
				-- a hash of every scope for every overdue assignment.
				CROSS JOIN LATERAL (SELECT user_id FROM manager_scopes WHERE org_id = oc.ancestor_id OFFSET 0) ms
				JOIN users x ON x.id = ms.user_id AND x.deactivated_at IS NULL
				WHERE oc.descendant_id = u.org_id AND ms.user_id <> u.id) r
			WHERE r.nearest = 1) m
		JOIN users mu ON mu.id = m.user_id
		WHERE a.available_from <= $6 AND a.assigned_at <= a.due_at + make_interval(secs => s.lead)`

// ExpiringReminderRows: completions lapsing soon that the person has not
// renewed by completing the course again.
const ExpiringReminderRows = `SELECT 'r:' || c.assignment_id || ':' || s.kind || ':' || to_char(c.expires_at AT TIME ZONE 'UTC', 'YYYYMMDD'),
		       'reminder.' || s.kind, c.user_id, c.assignment_id, u.email, '', '', '', $1::timestamptz
		FROM ` + reminderSteps + `
		JOIN completions c ON c.expires_at > s.lo AND c.expires_at <= s.hi
		JOIN users u ON u.id = c.user_id AND u.deactivated_at IS NULL
		WHERE c.completed_at <= c.expires_at + make_interval(secs => s.lead)
		  AND $6::timestamptz IS NOT NULL -- now: not needed here, typed so every query takes the same arguments
		  AND NOT EXISTS (SELECT 1 FROM completions n
		                  WHERE n.user_id = c.user_id AND n.course_id = c.course_id AND n.completed_at > c.completed_at)`
