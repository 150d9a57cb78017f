package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// recordOpeningsSQL records first lesson openings, many in one statement,
// and moves each assignment's started and activity times with them. It
// commits without waiting for its WAL flush: set_config(..., true) lasts
// until the end of the statement's own transaction, and the commit reads
// it, so the whole write is one round trip. When one batch opens the
// same lesson twice, the rows go in opened_at order and ON CONFLICT DO
// NOTHING keeps the earliest.
const recordOpeningsSQL = `WITH async AS MATERIALIZED (
		SELECT set_config('synchronous_commit', 'off', true)
	), ins AS (
		INSERT INTO lesson_progress (assignment_id, lesson, opened_at)
		SELECT o.assignment_id, o.lesson, o.opened_at
		FROM unnest($1::bigint[], $2::int[], $3::timestamptz[]) AS o(assignment_id, lesson, opened_at), async
		ORDER BY o.assignment_id, o.lesson, o.opened_at
		ON CONFLICT DO NOTHING RETURNING assignment_id, opened_at
	)
	UPDATE assignments a SET started_at = COALESCE(a.started_at, i.first), last_activity_at = i.last
	FROM (SELECT assignment_id, min(opened_at) AS first, max(opened_at) AS last FROM ins GROUP BY assignment_id) i
	WHERE a.id = i.assignment_id`

// opening is one first lesson opening waiting to be recorded.
type opening struct {
	assignmentID int64
	lesson       int
	at           time.Time
	done         chan error
}

// openings records first lesson openings with group commit: the first
// opening is written at once; openings that arrive while a write is in
// flight wait for it and are written together in the next one. At low
// traffic every opening is its own write, as before; under load one
// statement and one commit serve many learners instead of one each. Each
// caller returns only once its opening is stored, so the page it renders
// next reads it back.
type openings struct {
	db      *sqlx.DB
	stmt    *sqlx.Stmt // prepared by NewAssignments
	mu      sync.Mutex
	pending []*opening
	writing bool
	writes  atomic.Int64 // statements run (tests read it)
}

// record stores one opening, waiting for the write that carries it.
func (o *openings) record(ctx context.Context, assignmentID int64, lesson int, at time.Time) error {
	op := &opening{assignmentID: assignmentID, lesson: lesson, at: at, done: make(chan error, 1)}
	o.mu.Lock()
	o.pending = append(o.pending, op)
	if !o.writing {
		o.writing = true
		go o.write()
	}
	o.mu.Unlock()
	select {
	case err := <-op.done:
		return err
	case <-ctx.Done():
		return ctx.Err() // the opening is still written
	}
}

// write stores what is pending, batch after batch, until nothing is.
func (o *openings) write() {
	for {
		o.mu.Lock()
		batch := o.pending
		o.pending = nil
		if len(batch) == 0 {
			o.writing = false
			o.mu.Unlock()
			return
		}
		o.mu.Unlock()
		err := o.exec(batch)
		for _, op := range batch {
			op.done <- err
		}
	}
}

// maxOpeningBatch bounds one statement's openings.
const maxOpeningBatch = 500

func (o *openings) exec(batch []*opening) error {
	for start := 0; start < len(batch); start += maxOpeningBatch {
		part := batch[start:min(start+maxOpeningBatch, len(batch))]
		ids, lessons, ats := make([]int64, len(part)), make([]int64, len(part)), make([]time.Time, len(part))
		for i, op := range part {
			ids[i], lessons[i], ats[i] = op.assignmentID, int64(op.lesson), op.at
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_, err := o.stmt.ExecContext(ctx, pq.Array(ids), pq.Array(lessons), pq.Array(ats))
		cancel()
		o.writes.Add(1)
		if err != nil {
			return fmt.Errorf("store: record lesson openings: %w", err)
		}
	}
	return nil
}
