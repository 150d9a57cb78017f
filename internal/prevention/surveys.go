package prevention

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/validate"
)

// Survey phases.
const (
	PhasePre  = "pre"
	PhasePost = "post"
)

// ValidPhase reports whether p is pre or post.
func ValidPhase(p string) bool { return p == PhasePre || p == PhasePost }

// Tally is one phase of a class's anonymous survey: how many forms came back
// and, per question, how many chose each option. Never per student.
type Tally struct {
	Phase       string           `json:"phase"`
	Respondents int              `json:"respondents"`
	Counts      map[string][]int `json:"counts"`
	UpdatedAt   time.Time        `json:"-"`
}

// Tallies returns the entered phases of a class's survey, keyed by phase.
func (s *Service) Tallies(ctx context.Context, classID int64) (map[string]*Tally, error) {
	return tallies(ctx, s.db, classID)
}

func tallies(ctx context.Context, q sqlx.QueryerContext, classID int64) (map[string]*Tally, error) {
	var phases []struct {
		Phase       string    `db:"phase"`
		Respondents int       `db:"respondents"`
		UpdatedAt   time.Time `db:"updated_at"`
	}
	err := sqlx.SelectContext(ctx, q, &phases, `SELECT phase, respondents, updated_at FROM prevention_survey_phases
		WHERE class_id = $1`, classID)
	if err != nil {
		return nil, fmt.Errorf("prevention: survey phases of class %d: %w", classID, err)
	}
	out := map[string]*Tally{}
	for _, p := range phases {
		out[p.Phase] = &Tally{Phase: p.Phase, Respondents: p.Respondents, UpdatedAt: p.UpdatedAt, Counts: map[string][]int{}}
	}
	var rows []struct {
		Phase    string `db:"phase"`
		Question string `db:"question"`
		Option   int    `db:"option"`
		Count    int    `db:"count"`
	}
	err = sqlx.SelectContext(ctx, q, &rows, `SELECT phase, question, option, count FROM prevention_survey_tallies
		WHERE class_id = $1 ORDER BY phase, question, option`, classID)
	if err != nil {
		return nil, fmt.Errorf("prevention: survey tallies of class %d: %w", classID, err)
	}
	for _, r := range rows {
		t := out[r.Phase]
		for len(t.Counts[r.Question]) <= r.Option {
			t.Counts[r.Question] = append(t.Counts[r.Question], 0)
		}
		t.Counts[r.Question][r.Option] = r.Count
	}
	return out, nil
}

// SurveyForm is one phase's tally form as typed: the number of forms
// returned and, per question id, a count per option.
type SurveyForm struct {
	Respondents string
	Counts      map[string][]string
}

// SaveTally replaces one phase of a class's survey tallies.
func (s *Service) SaveTally(ctx context.Context, actor Actor, classID int64, phase string, f SurveyForm) error {
	if !ValidPhase(phase) {
		return fmt.Errorf("prevention: survey phase %q: %w", phase, store.ErrNotFound)
	}
	return store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		class, err := s.classFor(ctx, tx, actor, classID, true)
		if err != nil {
			return err
		}
		if ok, err := isFacilitatorOf(ctx, tx, classID, actor.UserID); err != nil {
			return err
		} else if !ok {
			return ErrNotFacilitator
		}
		cur, err := s.ClassCurriculum(ctx, class)
		if err != nil {
			return err
		}
		if len(cur.Survey) == 0 {
			return fmt.Errorf("prevention: %s has no Waymark survey: %w", cur.Title, store.ErrNotFound)
		}
		t, err := parseTally(cur.Survey, class.StudentCount, phase, f)
		if err != nil {
			return err
		}
		all, err := tallies(ctx, tx, classID)
		if err != nil {
			return err
		}
		before := all[phase]
		var correct, answered int
		for _, q := range cur.Survey {
			c, a := correctOf(q, t.Counts[q.ID])
			correct, answered = correct+c, answered+a
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO prevention_survey_phases
			(class_id, phase, respondents, correct, answered, entered_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (class_id, phase)
			DO UPDATE SET respondents = EXCLUDED.respondents, correct = EXCLUDED.correct, answered = EXCLUDED.answered,
				entered_by = EXCLUDED.entered_by, updated_at = EXCLUDED.updated_at`,
			classID, phase, t.Respondents, correct, answered, actor.UserID, s.now())
		if err != nil {
			return fmt.Errorf("prevention: save survey phase: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM prevention_survey_tallies WHERE class_id = $1 AND phase = $2`,
			classID, phase); err != nil {
			return fmt.Errorf("prevention: clear tallies: %w", err)
		}
		for _, q := range cur.Survey {
			for opt, n := range t.Counts[q.ID] {
				if _, err := tx.ExecContext(ctx, `INSERT INTO prevention_survey_tallies (class_id, phase, question, option, correct, count)
					VALUES ($1, $2, $3, $4, $5, $6)`, classID, phase, q.ID, opt, opt == q.Correct, n); err != nil {
					return fmt.Errorf("prevention: save tally: %w", err)
				}
			}
		}
		return store.Audit(ctx, tx, store.AuditEntry{ActorID: &actor.UserID, Action: "prevention.survey." + phase,
			Entity: "prevention_class", EntityID: strconv.FormatInt(classID, 10), OrgID: &class.OrgID,
			Before: before, After: t})
	})
}

func parseTally(qs []catalog.SurveyQ, classSize int, phase string, f SurveyForm) (*Tally, error) {
	errs := validate.Errors{}
	t := &Tally{Phase: phase, Counts: map[string][]int{}}
	n, err := strconv.Atoi(strings.TrimSpace(f.Respondents))
	if err != nil || n < 1 || n > classSize {
		errs["respondents"] = fmt.Sprintf("Enter how many forms came back, from 1 to %d (the class size).", classSize)
	}
	t.Respondents = n
	for _, q := range qs {
		counts := make([]int, len(q.Options))
		sum := 0
		for i := range q.Options {
			var v string
			if i < len(f.Counts[q.ID]) {
				v = strings.TrimSpace(f.Counts[q.ID][i])
			}
			if v == "" {
				continue
			}
			c, err := strconv.Atoi(v)
			if err != nil || c < 0 {
				errs["q_"+q.ID] = "Enter whole numbers of 0 or more for each answer."
				break
			}
			counts[i] = c
			sum += c
		}
		if errs["q_"+q.ID] == "" && errs["respondents"] == "" && sum > n {
			errs["q_"+q.ID] = fmt.Sprintf("The counts add up to %d, more than the %d forms returned.", sum, n)
		}
		t.Counts[q.ID] = counts
	}
	return t, errs.OrNil()
}

// FormOf fills the tally form from stored counts.
func (t *Tally) FormOf() SurveyForm {
	f := SurveyForm{Counts: map[string][]string{}}
	if t == nil {
		return f
	}
	f.Respondents = strconv.Itoa(t.Respondents)
	for q, cs := range t.Counts {
		for _, c := range cs {
			f.Counts[q] = append(f.Counts[q], strconv.Itoa(c))
		}
	}
	return f
}

// Knowledge is a class's pre/post result, per question and overall, with
// the small-cell rule applied.
type Knowledge struct {
	Questions []QuestionResult
	Pre, Post Figure // share correct over all answered items
	Change    Figure // Post − Pre, in percentage points
}

// QuestionResult is one question's share correct before and after.
type QuestionResult struct {
	Question  catalog.SurveyQ
	Pre, Post Figure
}

// KnowledgeOf computes the class result from its tallies.
func KnowledgeOf(qs []catalog.SurveyQ, ts map[string]*Tally) Knowledge {
	var k Knowledge
	pre, post := ts[PhasePre], ts[PhasePost]
	var preC, preA, postC, postA int
	for _, q := range qs {
		qr := QuestionResult{Question: q, Pre: None(), Post: None()}
		if pre != nil {
			c, a := correctOf(q, pre.Counts[q.ID])
			preC, preA = preC+c, preA+a
			qr.Pre = Share(c, a, pre.Respondents)
		}
		if post != nil {
			c, a := correctOf(q, post.Counts[q.ID])
			postC, postA = postC+c, postA+a
			qr.Post = Share(c, a, post.Respondents)
		}
		k.Questions = append(k.Questions, qr)
	}
	k.Pre, k.Post, k.Change = None(), None(), None()
	if pre != nil {
		k.Pre = Share(preC, preA, pre.Respondents)
	}
	if post != nil {
		k.Post = Share(postC, postA, post.Respondents)
	}
	if pre != nil && post != nil {
		k.Change = Change(preC, preA, postC, postA, min(pre.Respondents, post.Respondents))
	}
	return k
}

func correctOf(q catalog.SurveyQ, counts []int) (correct, answered int) {
	for i, c := range counts {
		answered += c
		if i == q.Correct {
			correct += c
		}
	}
	return correct, answered
}
