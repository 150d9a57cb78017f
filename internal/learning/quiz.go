package learning

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"github.com/waymark/waymark/internal/catalog"
)

// LayoutQuestion is one question as shown: its id and its options' catalog
// indexes in the order shown.
type LayoutQuestion struct {
	ID      string `json:"q"`
	Options []int  `json:"o"`
}

// Layout is a final check as shown to one person (stored with the attempt).
type Layout []LayoutQuestion

// NewLayout shuffles the questions and each question's options.
func NewLayout(quiz []catalog.Question, r *rand.Rand) Layout {
	out := make(Layout, len(quiz))
	for i, q := range quiz {
		out[i] = LayoutQuestion{ID: q.ID, Options: r.Perm(len(q.Options))}
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// Answers are the chosen options (catalog indexes) per question id.
type Answers map[string][]int

// FieldPrefix starts the form field of each question: q-<question id>.
const FieldPrefix = "q-"

// ParseAnswers reads a submitted form against the layout shown. A field for
// a question that was not shown, an option that was not shown, or several
// options for a one-answer question is ErrTampered; unanswered questions
// are listed in missing (with ErrIncomplete).
func ParseAnswers(quiz []catalog.Question, layout Layout, form map[string][]string) (Answers, []string, error) {
	shown := make(map[string]LayoutQuestion, len(layout))
	for _, lq := range layout {
		shown[lq.ID] = lq
	}
	answers := make(Answers, len(layout))
	for key, values := range form {
		id, ok := strings.CutPrefix(key, FieldPrefix)
		if !ok {
			continue
		}
		lq, ok := shown[id]
		if !ok {
			return nil, nil, fmt.Errorf("%w: question %q was not shown", ErrTampered, id)
		}
		q := question(quiz, id)
		if q == nil || (!q.Multiple && len(values) > 1) {
			return nil, nil, fmt.Errorf("%w: question %q takes one answer", ErrTampered, id)
		}
		picked := map[int]bool{}
		for _, v := range values {
			n, err := strconv.Atoi(v)
			if err != nil || !contains(lq.Options, n) {
				return nil, nil, fmt.Errorf("%w: option %q of %q was not shown", ErrTampered, v, id)
			}
			if !picked[n] {
				picked[n] = true
				answers[id] = append(answers[id], n)
			}
		}
		sort.Ints(answers[id])
	}
	var missing []string
	for _, lq := range layout {
		if len(answers[lq.ID]) == 0 {
			missing = append(missing, lq.ID)
		}
	}
	if len(missing) > 0 {
		return answers, missing, ErrIncomplete
	}
	return answers, nil, nil
}

// ChosenOption is an option the person picked, with its feedback.
type ChosenOption struct {
	Text     string
	Feedback string
	Correct  bool
}

// QuestionResult is one graded question.
type QuestionResult struct {
	Number   int
	ID       string
	Question string
	Right    bool
	Chosen   []ChosenOption
}

// Result is a graded final check.
type Result struct {
	Score     int // percent, rounded down
	Correct   int
	Total     int
	PassMark  int
	Passed    bool
	Questions []QuestionResult
}

// Grade scores answers against the course version's quiz, in the order the
// questions were shown. A question is right when exactly its correct
// options were chosen.
func Grade(quiz []catalog.Question, passMark int, layout Layout, answers Answers) Result {
	res := Result{Total: len(layout), PassMark: passMark, Questions: make([]QuestionResult, 0, len(layout))}
	for i, lq := range layout {
		q := question(quiz, lq.ID)
		if q == nil {
			continue
		}
		qr := QuestionResult{Number: i + 1, ID: q.ID, Question: q.Question}
		chosen := answers[lq.ID]
		right := len(chosen) > 0
		for _, n := range chosen {
			if n < 0 || n >= len(q.Options) {
				right = false
				continue
			}
			o := q.Options[n]
			qr.Chosen = append(qr.Chosen, ChosenOption{Text: o.Text, Feedback: o.Feedback, Correct: o.Correct})
			right = right && o.Correct
		}
		qr.Right = right && len(chosen) == len(q.Correct())
		if qr.Right {
			res.Correct++
		}
		res.Questions = append(res.Questions, qr)
	}
	if res.Total > 0 {
		res.Score = res.Correct * 100 / res.Total
	}
	res.Passed = res.Total > 0 && res.Score >= passMark
	return res
}

// ShownOption is one answer choice as the form shows it.
type ShownOption struct {
	Value   int // the catalog index, sent back by the form
	Text    string
	Checked bool
}

// ShownQuestion is one question as the form shows it.
type ShownQuestion struct {
	Number   int
	ID       string
	Text     string
	Multiple bool
	Missing  bool
	Options  []ShownOption
}

// Shown lays out the quiz for the form, keeping earlier choices.
func Shown(quiz []catalog.Question, layout Layout, answers Answers, missing []string) []ShownQuestion {
	out := make([]ShownQuestion, 0, len(layout))
	for i, lq := range layout {
		q := question(quiz, lq.ID)
		if q == nil {
			continue
		}
		sq := ShownQuestion{Number: i + 1, ID: q.ID, Text: q.Question, Multiple: q.Multiple, Missing: containsStr(missing, q.ID)}
		for _, n := range lq.Options {
			if n < 0 || n >= len(q.Options) {
				continue
			}
			sq.Options = append(sq.Options, ShownOption{Value: n, Text: q.Options[n].Text, Checked: contains(answers[q.ID], n)})
		}
		out = append(out, sq)
	}
	return out
}

func question(quiz []catalog.Question, id string) *catalog.Question {
	for i := range quiz {
		if quiz[i].ID == id {
			return &quiz[i]
		}
	}
	return nil
}

func contains(list []int, n int) bool {
	for _, v := range list {
		if v == n {
			return true
		}
	}
	return false
}

func containsStr(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
