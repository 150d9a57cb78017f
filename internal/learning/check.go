package learning

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/store"
)

// CheckView is a final check ready to show: the attempt (its token goes in
// the form) and the questions in the attempt's order.
type CheckView struct {
	Player    Player
	Token     string
	Questions []ShownQuestion
	Missing   []string
}

// StartCheck shows the final check: the person's unsubmitted attempt on the
// current version if there is one (a reload shows the same order), else a
// new attempt with a fresh random order. It is ErrNotAssigned without an
// open assignment, ErrNotAvailable before the assignment opens and
// ErrPacing while lessons remain unopened (the view's Player lists them).
func (s *Service) StartCheck(ctx context.Context, userID int64, slug string) (CheckView, error) {
	p, err := s.Player(ctx, userID, slug, 0)
	if err != nil {
		return CheckView{Player: p}, err
	}
	if !p.Open() {
		return CheckView{Player: p}, fmt.Errorf("learning: check of %q: %w", slug, ErrNotAssigned)
	}
	if !p.CheckOpen() {
		return CheckView{Player: p}, ErrPacing
	}
	ref := s.refs[slug]
	at, err := s.attempts.Unsubmitted(ctx, p.State.AssignmentID, ref.VersionID)
	if errors.Is(err, store.ErrNotFound) {
		at, err = s.newAttempt(ctx, p, ref.VersionID)
	}
	if err != nil {
		return CheckView{Player: p}, err
	}
	var layout Layout
	if err := json.Unmarshal(at.Layout, &layout); err != nil {
		return CheckView{Player: p}, fmt.Errorf("learning: attempt layout: %w", err)
	}
	return CheckView{Player: p, Token: at.Token, Questions: Shown(p.Course.Quiz, layout, nil, nil)}, nil
}

func (s *Service) newAttempt(ctx context.Context, p Player, versionID int64) (store.Attempt, error) {
	layout, err := json.Marshal(NewLayout(p.Course.Quiz, mrand.New(mrand.NewPCG(mrand.Uint64(), mrand.Uint64()))))
	if err != nil {
		return store.Attempt{}, err
	}
	at := store.Attempt{Token: newToken(), AssignmentID: p.State.AssignmentID, CourseVersionID: versionID,
		Layout: layout, StartedAt: s.now()}
	at.ID, err = s.attempts.Create(ctx, at)
	return at, err
}

// newToken is 256 random bits, URL-safe.
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Submission is the outcome of submitting a final check.
type Submission struct {
	AttemptID    int64
	Replayed     bool  // the attempt had been graded before: nothing changed
	Passed       bool  // this attempt passed
	CompletionID int64 // the completion this attempt wrote (0 if none)
	View         *CheckView
}

// Submit grades a final check. In one transaction it locks the attempt (so
// the same token submitted twice is graded once; the second gets the first
// result with Replayed set), grades it against the attempt's course
// version, and on a pass writes the completion and completes the
// assignment; OnCompleted runs in the same transaction. Two passing
// attempts racing give one completion: the assignment row is locked, and
// the unique constraints catch anything else (the loser is retried and
// finds the course completed). A token that is unknown or another
// person's is store.ErrNotFound; a form that does not match the layout is
// ErrTampered; unanswered questions are ErrIncomplete with the view to
// show again.
func (s *Service) Submit(ctx context.Context, userID int64, slug, token string, form map[string][]string) (Submission, error) {
	_, ref, err := s.trainingCourse(slug)
	if err != nil {
		return Submission{}, err
	}
	var sub Submission
	for try := 0; try < 3; try++ {
		sub = Submission{}
		err = store.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
			return s.submitTx(ctx, tx, userID, ref.CourseID, token, form, &sub)
		})
		if !errors.Is(err, store.ErrConflict) {
			break
		}
	}
	return sub, err
}

func (s *Service) submitTx(ctx context.Context, tx *sqlx.Tx, userID, courseID int64, token string, form map[string][]string, sub *Submission) error {
	at, err := s.attempts.LockByTokenTx(ctx, tx, token, userID)
	if err != nil {
		return err
	}
	if at.CourseID != courseID {
		return fmt.Errorf("learning: attempt of another course: %w", store.ErrNotFound)
	}
	sub.AttemptID = at.ID
	if at.SubmittedAt != nil {
		sub.Replayed, sub.Passed = true, at.Passed != nil && *at.Passed
		return nil
	}
	course, err := s.versionCourse(ctx, at.CourseID, at.CourseVersionID)
	if err != nil {
		return err
	}
	var layout Layout
	if err := json.Unmarshal(at.Layout, &layout); err != nil {
		return fmt.Errorf("learning: attempt layout: %w", err)
	}
	answers, missing, err := ParseAnswers(course.Quiz, layout, form)
	if errors.Is(err, ErrIncomplete) {
		sub.View = &CheckView{Token: at.Token, Questions: Shown(course.Quiz, layout, answers, missing), Missing: missing}
	}
	if err != nil {
		return err
	}
	res := Grade(course.Quiz, course.PassMark, layout, answers)
	stored, _ := json.Marshal(answers)
	now := s.now()
	if err := s.attempts.GradeTx(ctx, tx, at.ID, stored, res.Score, res.Passed, now); err != nil {
		return err
	}
	sub.Passed = res.Passed
	if !res.Passed || at.Status != store.StatusOpen {
		return nil
	}
	return s.completeTx(ctx, tx, at, course, res.Score, now, sub)
}

// completeTx writes the completion of a passing attempt, unless the
// assignment was completed (or withdrawn) meanwhile.
func (s *Service) completeTx(ctx context.Context, tx *sqlx.Tx, at store.Attempt, course *catalog.Course, score int, now time.Time, sub *Submission) error {
	asg, err := s.assignments.LockTx(ctx, tx, at.AssignmentID)
	if err != nil || asg.Status != store.StatusOpen {
		return err
	}
	months, err := s.reqs.RenewalMonthsTx(ctx, tx, asg.UserID, asg.CourseID, course.RenewalMonths)
	if err != nil {
		return err
	}
	var expires *time.Time
	if months > 0 {
		e := now.In(s.loc).AddDate(0, months, 0)
		expires = &e
	}
	id, err := s.completions.CreateTx(ctx, tx, store.Completion{UserID: asg.UserID, CourseID: asg.CourseID,
		CourseVersionID: at.CourseVersionID, AssignmentID: asg.ID, AttemptID: &at.ID, Cycle: asg.Cycle, Score: score,
		Minutes: course.Minutes, CompletedAt: now, ExpiresAt: expires})
	if err != nil {
		return err
	}
	if err := s.assignments.CompleteTx(ctx, tx, asg.ID, now); err != nil {
		return err
	}
	sub.CompletionID = id
	if s.OnCompleted != nil {
		return s.OnCompleted(ctx, tx, id)
	}
	return nil
}

// AttemptView is a graded attempt with its feedback.
type AttemptView struct {
	Course       *catalog.Course
	Result       Result
	SubmittedAt  time.Time
	CompletionID int64 // the completion this attempt wrote, if any
	Open         bool  // the assignment is still open (another try is possible)
}

// Attempt returns a person's graded attempt of a course, regraded from the
// stored answers for per-question feedback. Another person's attempt, an
// ungraded one or one of another course is store.ErrNotFound.
func (s *Service) Attempt(ctx context.Context, userID int64, slug string, attemptID int64) (AttemptView, error) {
	c, ref, err := s.trainingCourse(slug)
	if err != nil {
		return AttemptView{}, err
	}
	at, err := s.attempts.ByIDForUser(ctx, attemptID, userID)
	if err != nil {
		return AttemptView{}, err
	}
	if at.CourseID != ref.CourseID || at.SubmittedAt == nil {
		return AttemptView{}, fmt.Errorf("learning: attempt %d: %w", attemptID, store.ErrNotFound)
	}
	course, err := s.versionCourse(ctx, at.CourseID, at.CourseVersionID)
	if err != nil {
		return AttemptView{}, err
	}
	var layout Layout
	var answers Answers
	if err := json.Unmarshal(at.Layout, &layout); err != nil {
		return AttemptView{}, fmt.Errorf("learning: attempt layout: %w", err)
	}
	if err := json.Unmarshal(at.Answers, &answers); err != nil {
		return AttemptView{}, fmt.Errorf("learning: attempt answers: %w", err)
	}
	v := AttemptView{Course: c, Result: Grade(course.Quiz, course.PassMark, layout, answers), SubmittedAt: *at.SubmittedAt,
		Open: at.Status == store.StatusOpen}
	if cm, err := s.completions.ByAttempt(ctx, at.ID); err == nil {
		v.CompletionID = cm.ID
	} else if !errors.Is(err, store.ErrNotFound) {
		return v, err
	}
	return v, nil
}
