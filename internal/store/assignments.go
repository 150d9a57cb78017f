package store

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Assignment sources and statuses.
const (
	SourceRequirement = "requirement"
	SourceManual      = "manual"
	SourceRenewal     = "renewal"
	SourceSelf        = "self"

	StatusOpen      = "open"
	StatusCompleted = "completed"
	StatusWithdrawn = "withdrawn"
)

// Assignment is one user × course × cycle. DueAt (when it must be done),
// AvailableFrom (when it may be started) and the completion's expiry are
// distinct.
type Assignment struct {
	ID             int64      `db:"id"`
	UserID         int64      `db:"user_id"`
	CourseID       int64      `db:"course_id"`
	Cycle          int        `db:"cycle"`
	Source         string     `db:"source"`
	AssignedBy     *int64     `db:"assigned_by"`
	AssignedAt     time.Time  `db:"assigned_at"`
	AvailableFrom  time.Time  `db:"available_from"`
	DueAt          *time.Time `db:"due_at"`
	Status         string     `db:"status"`
	StartedAt      *time.Time `db:"started_at"`
	LastActivityAt *time.Time `db:"last_activity_at"`
	CompletedAt    *time.Time `db:"completed_at"`
	WithdrawnAt    *time.Time `db:"withdrawn_at"`
}

const assignmentColumns = `a.id, a.user_id, a.course_id, a.cycle, a.source, a.assigned_by, a.assigned_at,
	a.available_from, a.due_at, a.status, a.started_at, a.last_activity_at, a.completed_at, a.withdrawn_at`

// Assignments stores assignments and lesson progress.
type Assignments struct {
	db       *sqlx.DB
	player   *sqlx.Stmt
	learner  *sqlx.Stmt
	openings *openings
}

// NewAssignments returns the assignment store with its hot queries
// prepared.
func NewAssignments(db *sqlx.DB) (*Assignments, error) {
	p := preparer{db: db}
	s := &Assignments{db: db, player: p.prepare("assignments.player-state", playerStateSQL),
		learner:  p.prepare("assignments.for-learner", forLearnerSQL),
		openings: &openings{db: db, stmt: p.prepare("assignments.record-openings", recordOpeningsSQL)}}
	if err := p.done(); err != nil {
		return nil, err
	}
	return s, nil
}

// LearnerAssignment is an assignment as "My training" lists it.
type LearnerAssignment struct {
	Assignment
	Slug         string     `db:"slug"`
	Opened       int        `db:"opened"`
	CompletionID *int64     `db:"completion_id"`
	Score        *int       `db:"score"`
	ExpiresAt    *time.Time `db:"expires_at"`
}

// forLearnerSQL reads every assignment of a person, newest cycle first per
// course, with lessons opened and the completion, if any.
const forLearnerSQL = `SELECT ` + assignmentColumns + `, c.slug,
		(SELECT count(*) FROM lesson_progress p WHERE p.assignment_id = a.id) AS opened,
		cm.id AS completion_id, cm.score, cm.expires_at
	FROM assignments a
	JOIN courses c ON c.id = a.course_id
	LEFT JOIN completions cm ON cm.assignment_id = a.id
	WHERE a.user_id = $1
	ORDER BY c.slug, a.cycle DESC`

// ForLearner returns every assignment of a person (My training), with a
// prepared query.
func (s *Assignments) ForLearner(ctx context.Context, userID int64) ([]LearnerAssignment, error) {
	var out []LearnerAssignment
	if err := s.learner.SelectContext(ctx, &out, userID); err != nil {
		return nil, fmt.Errorf("store: assignments of user %d: %w", userID, err)
	}
	return out, nil
}

// PlayerState is what the lesson player needs about a person's current
// assignment of a course: the open one, else the latest completed one.
type PlayerState struct {
	AssignmentID  int64         `db:"id"`
	Status        string        `db:"status"`
	Cycle         int           `db:"cycle"`
	AvailableFrom time.Time     `db:"available_from"`
	DueAt         *time.Time    `db:"due_at"`
	Opened        pq.Int64Array `db:"opened"`
}

// playerStateSQL reads a person's current assignment of a course (the open
// one, else the newest completed one) with the lessons opened. The open
// cycle is always the newest: a cycle is created only after the newest is
// completed, and only the newest is reopened. So the newest cycle that is
// not withdrawn is the one, read backwards on the (user_id, course_id,
// cycle) index and the lessons in lesson_progress's key order, with no
// sort. It is the lesson page's only query once a lesson has been opened
// before, so it is prepared once and scanned by position.
const playerStateSQL = `SELECT a.id, a.status, a.cycle, a.available_from, a.due_at,
		ARRAY(SELECT p.lesson::bigint FROM lesson_progress p WHERE p.assignment_id = a.id ORDER BY p.lesson) AS opened
	FROM assignments a
	WHERE a.user_id = $1 AND a.course_id = $2 AND a.status <> 'withdrawn'
	ORDER BY a.cycle DESC LIMIT 1`

// OpenLesson finds the person's current assignment of a course and, when
// lesson > 0 and the assignment is open and available, records the lesson
// as opened (first opening only). Reopening a lesson is one prepared
// read; the first opening adds one write, which under load carries other
// learners' openings too (see openings). Lesson 0 only reads.
//
// The write commits without waiting for its WAL flush (synchronous_commit
// off for this transaction only): a crash can lose the last fraction of a
// second of lesson openings, never a completion, and losing one only
// means the learner opens that lesson again. Waiting for the disk would
// bound lesson openings by this machine's flush time instead.
func (s *Assignments) OpenLesson(ctx context.Context, userID, courseID int64, lesson int, now time.Time) (PlayerState, error) {
	var st PlayerState
	err := s.player.QueryRowContext(ctx, userID, courseID).Scan(&st.AssignmentID, &st.Status, &st.Cycle, &st.AvailableFrom, &st.DueAt, &st.Opened)
	if err = notFound(err); err != nil {
		return st, fmt.Errorf("store: player state: %w", err)
	}
	if lesson <= 0 || st.Status != StatusOpen || st.AvailableFrom.After(now) || st.hasOpened(lesson) {
		return st, nil
	}
	if err := s.openings.record(ctx, st.AssignmentID, lesson, now); err != nil {
		return st, err
	}
	st.Opened = append(st.Opened, int64(lesson))
	sort.Slice(st.Opened, func(i, j int) bool { return st.Opened[i] < st.Opened[j] })
	return st, nil
}

func (st PlayerState) hasOpened(lesson int) bool {
	for _, n := range st.Opened {
		if n == int64(lesson) {
			return true
		}
	}
	return false
}

// LatestForUpdateTx locks and returns the newest cycle of a person's
// course, or ErrNotFound.
func (s *Assignments) LatestForUpdateTx(ctx context.Context, tx *sqlx.Tx, userID, courseID int64) (Assignment, error) {
	var a Assignment
	err := tx.GetContext(ctx, &a, `SELECT `+assignmentColumns+` FROM assignments a
		WHERE a.user_id = $1 AND a.course_id = $2 ORDER BY a.cycle DESC LIMIT 1 FOR UPDATE`, userID, courseID)
	if err = notFound(err); err != nil {
		return a, fmt.Errorf("store: latest assignment: %w", err)
	}
	return a, nil
}

// LockTx locks and returns one assignment.
func (s *Assignments) LockTx(ctx context.Context, tx *sqlx.Tx, id int64) (Assignment, error) {
	var a Assignment
	err := tx.GetContext(ctx, &a, `SELECT `+assignmentColumns+` FROM assignments a WHERE a.id = $1 FOR UPDATE`, id)
	if err = notFound(err); err != nil {
		return a, fmt.Errorf("store: assignment %d: %w", id, err)
	}
	return a, nil
}

// CreateTx inserts an assignment; an open one for the same course, or the
// same cycle, is ErrConflict.
func (s *Assignments) CreateTx(ctx context.Context, tx *sqlx.Tx, a Assignment) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, `INSERT INTO assignments
		(user_id, course_id, cycle, source, assigned_by, assigned_at, available_from, due_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		a.UserID, a.CourseID, a.Cycle, a.Source, a.AssignedBy, a.AssignedAt, a.AvailableFrom, a.DueAt)
	if isUnique(err) {
		return 0, fmt.Errorf("store: create assignment: %w", ErrConflict)
	}
	if err != nil {
		return 0, fmt.Errorf("store: create assignment: %w", err)
	}
	return id, nil
}

// ReopenTx opens a withdrawn assignment again with a new source and dates;
// its lesson progress is kept.
func (s *Assignments) ReopenTx(ctx context.Context, tx *sqlx.Tx, a Assignment) error {
	_, err := tx.ExecContext(ctx, `UPDATE assignments SET status = 'open', withdrawn_at = NULL, source = $2,
		assigned_by = $3, assigned_at = $4, available_from = $5, due_at = $6
		WHERE id = $1 AND status = 'withdrawn'`, a.ID, a.Source, a.AssignedBy, a.AssignedAt, a.AvailableFrom, a.DueAt)
	if isUnique(err) {
		return fmt.Errorf("store: reopen assignment %d: %w", a.ID, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: reopen assignment %d: %w", a.ID, err)
	}
	return nil
}

// CompleteTx marks an open assignment completed.
func (s *Assignments) CompleteTx(ctx context.Context, tx *sqlx.Tx, id int64, at time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE assignments SET status = 'completed', completed_at = $2, last_activity_at = $2
		WHERE id = $1 AND status = 'open'`, id, at)
	if err != nil {
		return fmt.Errorf("store: complete assignment %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: complete assignment %d: %w", id, ErrConflict)
	}
	return nil
}

// ByIDForUser returns one assignment of a person; another person's is
// ErrNotFound.
func (s *Assignments) ByIDForUser(ctx context.Context, id, userID int64) (Assignment, error) {
	var a Assignment
	err := s.db.GetContext(ctx, &a, `SELECT `+assignmentColumns+` FROM assignments a WHERE a.id = $1 AND a.user_id = $2`, id, userID)
	if err = notFound(err); err != nil {
		return a, fmt.Errorf("store: assignment %d: %w", id, err)
	}
	return a, nil
}
