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
	"github.com/waymark/waymark/internal/store"
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
	if err := mail.AnalyzeOutbox(ctx, s.DB); err != nil {
		return fmt.Errorf("remind: %w", err)
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

// The sweep's statements: the store's reminder rows (windows: $2 kinds,
// $3 lo, $4 hi, $5 lead seconds; $1 send-at, $6 now) queued by the
// outbox's INSERT … SELECT.
var (
	dueQuery        = mail.EnqueueSelectSQL(store.DueReminderRows)
	escalationQuery = mail.EnqueueSelectSQL(store.EscalationReminderRows)
	expiringQuery   = mail.EnqueueSelectSQL(store.ExpiringReminderRows)
)
