package catalog

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// A learner who picks answers by their length, not their content, must not
// pass. Where the correct option of a single-answer question sits when its
// options are ordered by length is its spot; per course, in the final check
// and across the lessons' knowledge checks, no spot may hold more than its
// share. The longest option is the cue test-wise learners know, so it gets
// the lower cap; with three or four options chance alone is 25–33%.
type lengthSpot int

const (
	spotTied     lengthSpot = iota // level with another option at the top or bottom
	spotLongest                    // strictly longer than every other option
	spotShortest                   // strictly shorter than every other option
	spotBetween                    // some option is longer and some shorter
)

// lengthCaps give, for each spot, the most it may hold in percent of a pool's
// single-answer questions, what it tells a learner and how to fix it.
var lengthCaps = []struct {
	spot    lengthSpot
	percent int
	what    string
	fix     string
}{
	{spotLongest, 40, "strictly the longest", "shorten the correct option or make the others as specific"},
	{spotShortest, 50, "strictly the shortest", "make the correct option as specific as the others"},
	{spotBetween, 50, "neither the longest nor the shortest", "let some correct options be the shortest or the longest"},
}

// minLengthPool is the fewest single-answer questions a pool needs before
// the spots say anything: with fewer, one question is already a third.
const minLengthPool = 3

// placedQuestion is a question with where to find it, for messages.
type placedQuestion struct {
	where string
	q     Question
}

// lintLengthCues checks a course's final check and, pooled, its lessons'
// knowledge checks (each lesson has too few to judge alone).
func lintLengthCues(c *Course, probs *Problems) {
	var quiz, checks []placedQuestion
	for _, q := range c.Quiz {
		quiz = append(quiz, placedQuestion{fmt.Sprintf("%s (line %d)", q.ID, q.Line), q})
	}
	for _, l := range c.Lessons {
		for _, q := range l.Checks {
			checks = append(checks, placedQuestion{fmt.Sprintf("%s:%d", l.File, q.Line), q})
		}
	}
	for _, msg := range lengthCueProblems(quiz) {
		*probs = append(*probs, Problem{File: c.Slug + "/quiz.yaml", Msg: "final check: " + msg})
	}
	for _, msg := range lengthCueProblems(checks) {
		*probs = append(*probs, Problem{File: c.Slug, Msg: "lesson knowledge checks: " + msg})
	}
}

// lengthCueProblems describes each spot that holds the correct option of more
// single-answer questions than its cap allows, naming those questions.
func lengthCueProblems(qs []placedQuestion) []string {
	at := map[lengthSpot][]string{}
	n := 0
	for _, pq := range qs {
		if pq.q.Multiple || len(pq.q.Correct()) != 1 {
			continue
		}
		n++
		spot := correctSpot(pq.q)
		at[spot] = append(at[spot], pq.where)
	}
	if n < minLengthPool {
		return nil
	}
	var msgs []string
	for _, c := range lengthCaps {
		k := len(at[c.spot])
		if k*100 <= c.percent*n {
			continue
		}
		msgs = append(msgs, fmt.Sprintf("the correct option is %s in %d of %d single-answer questions (%d%%; at most %d%%), "+
			"so a learner can pick by length: %s: %s", c.what, k, n, k*100/n, c.percent, c.fix, strings.Join(at[c.spot], ", ")))
	}
	return msgs
}

// correctSpot tells where the one correct option of q sits by length in
// characters.
func correctSpot(q Question) lengthSpot {
	right := utf8.RuneCountInString(strings.TrimSpace(q.Options[q.Correct()[0]].Text))
	longer, shorter, level := 0, 0, -1
	for _, o := range q.Options {
		switch n := utf8.RuneCountInString(strings.TrimSpace(o.Text)); {
		case n > right:
			longer++
		case n < right:
			shorter++
		default:
			level++
		}
	}
	switch {
	case longer > 0 && shorter > 0:
		return spotBetween
	case level > 0:
		return spotTied
	case longer == 0:
		return spotLongest
	default:
		return spotShortest
	}
}
