package remind

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/waymark/waymark/internal/mail"
)

// Service runs the sweep and re-checks reminders at send time.
type Service struct {
	DB    *sqlx.DB
	Mail  *mail.Renderer
	Rules Rules
	Now   func() time.Time
}

// SweepResult counts the messages one sweep queued, by kind.
type SweepResult struct {
	Queued map[string]int
}

// Total is the number of messages queued.
func (r SweepResult) Total() int {
	n := 0
	for _, v := range r.Queued {
		n += v
	}
	return n
}

// Sweep queues every reminder that is due now and not yet queued. It is
// set-based SQL (INSERT … SELECT … ON CONFLICT (dedupe_key) DO NOTHING):
// each reminder row carries its dedupe key — assignment, kind and the due
// or lapse date — so running it twice, or in two instances at once, adds
// nothing. Reminder bodies are rendered when sent (see Prepare), which keeps
// the sweep to small rows; digests, few, are rendered here.
func (s *Service) Sweep(ctx context.Context) (SweepResult, error) {
	res := SweepResult{Queued: map[string]int{}}
	now := s.Now()
	sendAt := s.Rules.Quiet.Next(now)
	queries := []struct {
		name  string
		query string
		steps []step
	}{
		{"due", dueQuery, s.Rules.dueSteps()},
		{"expiring", expiringQuery, s.Rules.expiringSteps()},
	}
	if esc, ok := s.Rules.escalationStep(); ok {
		queries = append(queries, struct {
			name  string
			query string
			steps []step
		}{"escalation", escalationQuery, []step{esc}})
	}
	// The parts touch disjoint keys: run them side by side, each on its own
	// connection.
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for _, q := range queries {
		if len(q.steps) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			counts := map[string]int{}
			err := s.insert(ctx, q.query, now, sendAt, q.steps, counts)
			mu.Lock()
			defer mu.Unlock()
			for k, n := range counts {
				res.Queued[k] += n
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("remind: sweep %s: %w", q.name, err))
			}
		}()
	}
	if s.Rules.Digest {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := s.sweepDigests(ctx, now, sendAt)
			mu.Lock()
			defer mu.Unlock()
			if n > 0 {
				res.Queued["digest"] += n
			}
			if err != nil {
				errs = append(errs, err)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return res, err
	}
	return res, s.analyzeAfterBurst(ctx, res.Total())
}

// burstRows is how many queued messages make the sweep refresh the
// outbox's planner statistics itself.
const burstRows = 10_000

// analyzeAfterBurst runs ANALYZE on the outbox after a sweep that queued
// many messages. Until autovacuum notices them, PostgreSQL plans as if
// the queue were as short as at the last analysis: the sender's updates
// by id then scan the whole queue through its partial index (100 ms for
// 50 messages after a statewide sweep of 190,000) instead of using the
// primary key.
func (s *Service) analyzeAfterBurst(ctx context.Context, queued int) error {
	if queued < burstRows {
		return nil
	}
	if _, err := s.DB.ExecContext(ctx, `ANALYZE email_outbox`); err != nil {
		return fmt.Errorf("remind: analyze the outbox: %w", err)
	}
	return nil
}

// insert runs one sweep statement with the steps' windows as arrays: for a
// step [from, to) relative to the anchor date, the anchor lies in
// (now-to, now-from]; lead (seconds) is from, used to skip work assigned
// after the step's moment had passed.
func (s *Service) insert(ctx context.Context, query string, now, sendAt time.Time, steps []step, counts map[string]int) error {
	kinds := make([]string, len(steps))
	lo, hi := make([]string, len(steps)), make([]string, len(steps))
	lead := make([]float64, len(steps))
	for i, st := range steps {
		kinds[i] = st.kind
		lo[i] = now.Add(-st.to).UTC().Format(time.RFC3339Nano)
		hi[i] = now.Add(-st.from).UTC().Format(time.RFC3339Nano)
		lead[i] = st.from.Seconds()
	}
	var rows []struct {
		Kind string `db:"kind"`
		N    int    `db:"n"`
	}
	err := s.DB.SelectContext(ctx, &rows, query, sendAt, pq.Array(kinds), pq.Array(lo), pq.Array(hi), pq.Array(lead), now)
	for _, r := range rows {
		counts[r.Kind] += r.N
	}
	return err
}

// Windows: $2 kinds, $3 lo, $4 hi, $5 lead seconds; $1 send-at, $6 now.
// Rows are inserted in key order so concurrent sweeps wait on each other
// instead of deadlocking.
const (
	stepsFrom = `unnest($2::text[], $3::timestamptz[], $4::timestamptz[], $5::float8[]) AS s(kind, lo, hi, lead)`
	insertCTE = `WITH ins AS (
		INSERT INTO email_outbox (dedupe_key, kind, user_id, assignment_id, to_addr, subject, text_body, html_body, next_attempt_at)
		%s
		ORDER BY 1
		ON CONFLICT (dedupe_key) DO NOTHING
		RETURNING kind)
	SELECT kind, count(*) AS n FROM ins GROUP BY kind`
)

// dueQuery: open, available assignments of active people, due-soon and
// overdue steps.
var dueQuery = fmt.Sprintf(insertCTE, `SELECT 'r:' || a.id || ':' || s.kind || ':' || to_char(a.due_at AT TIME ZONE 'UTC', 'YYYYMMDD'),
		       'reminder.' || s.kind, a.user_id, a.id, u.email, '', '', '', $1::timestamptz
		FROM `+stepsFrom+`
		JOIN assignments a ON a.status = 'open' AND a.due_at > s.lo AND a.due_at <= s.hi
		JOIN users u ON u.id = a.user_id AND u.deactivated_at IS NULL
		WHERE a.available_from <= $6 AND a.assigned_at <= a.due_at + make_interval(secs => s.lead)`)

// escalationQuery: the same assignments at the escalation step, one row per
// nearest manager — those whose scope is the closest ancestor-or-self of
// the learner's organization — other than the learner.
var escalationQuery = fmt.Sprintf(insertCTE, `SELECT 'r:' || a.id || ':' || s.kind || ':' || m.user_id || ':' || to_char(a.due_at AT TIME ZONE 'UTC', 'YYYYMMDD'),
		       'reminder.' || s.kind, m.user_id, a.id, mu.email, '', '', '', $1::timestamptz
		FROM `+stepsFrom+`
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
		WHERE a.available_from <= $6 AND a.assigned_at <= a.due_at + make_interval(secs => s.lead)`)

// expiringQuery: completions lapsing soon that the person has not renewed
// by completing the course again.
var expiringQuery = fmt.Sprintf(insertCTE, `SELECT 'r:' || c.assignment_id || ':' || s.kind || ':' || to_char(c.expires_at AT TIME ZONE 'UTC', 'YYYYMMDD'),
		       'reminder.' || s.kind, c.user_id, c.assignment_id, u.email, '', '', '', $1::timestamptz
		FROM `+stepsFrom+`
		JOIN completions c ON c.expires_at > s.lo AND c.expires_at <= s.hi
		JOIN users u ON u.id = c.user_id AND u.deactivated_at IS NULL
		WHERE c.completed_at <= c.expires_at + make_interval(secs => s.lead)
		  AND $6::timestamptz IS NOT NULL -- now: not needed here, typed so every query takes the same arguments
		  AND NOT EXISTS (SELECT 1 FROM completions n
		                  WHERE n.user_id = c.user_id AND n.course_id = c.course_id AND n.completed_at > c.completed_at)`)
