package learning_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"sort"
	"strconv"
	"testing"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/testfix"
)

// shippedQuiz is a real final check from the curriculum.
func shippedQuiz(t testing.TB) *catalog.Course {
	t.Helper()
	_, cat := testfix.Shipped(t)
	return cat.Get("foundations")
}

func TestLayoutIsAPermutation(t *testing.T) {
	c := shippedQuiz(t)
	r := rand.New(rand.NewPCG(1, 2))
	orders := map[string]bool{}
	for i := 0; i < 20; i++ {
		l := learning.NewLayout(c.Quiz, r)
		if len(l) != len(c.Quiz) {
			t.Fatalf("layout has %d questions", len(l))
		}
		seen := map[string]bool{}
		key := ""
		for _, q := range l {
			seen[q.ID] = true
			key += q.ID + ","
			opts := append([]int(nil), q.Options...)
			sort.Ints(opts)
			for j, o := range opts {
				if o != j {
					t.Fatalf("options of %s are not a permutation: %v", q.ID, q.Options)
				}
			}
		}
		if len(seen) != len(c.Quiz) {
			t.Fatal("a question is missing or repeated")
		}
		orders[key] = true
	}
	if len(orders) < 2 {
		t.Fatal("questions are never reordered")
	}
}

func TestGrade(t *testing.T) {
	c := shippedQuiz(t)
	layout := learning.NewLayout(c.Quiz, rand.New(rand.NewPCG(3, 4)))
	right := learning.Answers{}
	for _, q := range c.Quiz {
		right[q.ID] = q.Correct()
	}
	res := learning.Grade(c.Quiz, c.PassMark, layout, right)
	if res.Score != 100 || !res.Passed || res.Correct != len(c.Quiz) {
		t.Fatalf("all right: %+v", res)
	}
	// Get the first two questions shown wrong.
	wrong := learning.Answers{}
	for k, v := range right {
		wrong[k] = v
	}
	for _, lq := range layout[:2] {
		q := c.Quiz[indexOf(c.Quiz, lq.ID)]
		for i, o := range q.Options {
			if !o.Correct {
				wrong[lq.ID] = []int{i}
				break
			}
		}
	}
	res = learning.Grade(c.Quiz, c.PassMark, layout, wrong)
	wantScore := (len(c.Quiz) - 2) * 100 / len(c.Quiz)
	if res.Score != wantScore || res.Passed != (wantScore >= c.PassMark) || res.Questions[0].Right || res.Questions[1].Right ||
		!res.Questions[2].Right || res.Questions[0].Number != 1 || res.Questions[0].Chosen[0].Feedback == "" {
		t.Fatalf("two wrong: %+v", res)
	}
	if res := learning.Grade(c.Quiz, c.PassMark, layout, learning.Answers{}); res.Score != 0 || res.Passed {
		t.Fatalf("nothing answered: %+v", res)
	}
}

func TestParseAnswersKeepsOnlyShownOptions(t *testing.T) {
	c := shippedQuiz(t)
	layout := learning.NewLayout(c.Quiz, rand.New(rand.NewPCG(5, 6)))
	form := map[string][]string{"csrf": {"x"}, "token": {"y"}}
	for _, q := range c.Quiz {
		form[learning.FieldPrefix+q.ID] = []string{strconv.Itoa(q.Correct()[0])}
	}
	answers, missing, err := learning.ParseAnswers(c.Quiz, layout, form)
	if err != nil || len(missing) != 0 || len(answers) != len(c.Quiz) {
		t.Fatalf("%v %v %v", answers, missing, err)
	}
	form[learning.FieldPrefix+c.Quiz[0].ID] = []string{"-1"}
	if _, _, err := learning.ParseAnswers(c.Quiz, layout, form); !errors.Is(err, learning.ErrTampered) {
		t.Fatalf("negative option: %v", err)
	}
	delete(form, learning.FieldPrefix+c.Quiz[0].ID)
	_, missing, err = learning.ParseAnswers(c.Quiz, layout, form)
	if !errors.Is(err, learning.ErrIncomplete) || len(missing) != 1 || missing[0] != c.Quiz[0].ID {
		t.Fatalf("missing: %v %v", missing, err)
	}
}

// BenchmarkGrade measures parsing and grading one submitted final check of
// the shipped Foundations course (the CPU part of a submit request).
func BenchmarkGrade(b *testing.B) {
	c := shippedQuiz(b)
	layout := learning.NewLayout(c.Quiz, rand.New(rand.NewPCG(7, 8)))
	form := map[string][]string{}
	for _, q := range c.Quiz {
		form[learning.FieldPrefix+q.ID] = []string{strconv.Itoa(q.Correct()[0])}
	}
	b.ReportAllocs()
	for b.Loop() {
		answers, _, err := learning.ParseAnswers(c.Quiz, layout, form)
		if err != nil {
			b.Fatal(err)
		}
		if res := learning.Grade(c.Quiz, c.PassMark, layout, answers); !res.Passed {
			b.Fatal("not passed")
		}
	}
}

// BenchmarkLessonProgress measures the player's one database round trip
// for a lesson page (find the assignment, record the lesson, read progress).
func BenchmarkLessonProgress(b *testing.B) {
	e := newEnv(b)
	u := e.user()
	ctx := context.Background()
	if err := e.svc.StartSelf(ctx, u, "sample-course"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		n := 0
		for pb.Next() {
			n++
			if _, err := e.svc.Player(ctx, u, "sample-course", 1+n%2); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSubmit measures a whole failing final-check submission: lock,
// grade, record (a fresh attempt each time).
func BenchmarkSubmit(b *testing.B) {
	e := newEnv(b)
	u := e.user()
	ctx := context.Background()
	e.svc.StartSelf(ctx, u, "sample-course")
	e.openAll(u, "sample-course")
	b.ReportAllocs()
	for b.Loop() {
		v, err := e.svc.StartCheck(ctx, u, "sample-course")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.svc.Submit(ctx, u, "sample-course", v.Token, e.form("sample-course", v, false)); err != nil {
			b.Fatal(err)
		}
	}
}
