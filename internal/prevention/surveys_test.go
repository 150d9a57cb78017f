package prevention_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/waymark/waymark/internal/prevention"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/validate"
)

func TestSurveyTalliesAreCountsOnly(t *testing.T) {
	e := newEnv(t)
	p := e.people("Hampshire")
	cur, _ := e.svc.Course("youth-prevention-6-8")
	id := e.class(p.lead, p.schoolCode, cur.Ref, 12)
	bad := []struct {
		name  string
		form  prevention.SurveyForm
		field string
	}{
		{"more forms than students", prevention.SurveyForm{Respondents: "13"}, "respondents"},
		{"no forms", prevention.SurveyForm{Respondents: "0"}, "respondents"},
		{"counts above forms", prevention.SurveyForm{Respondents: "10", Counts: map[string][]string{"p1": {"6", "5", "0"}}}, "q_p1"},
		{"a word for a count", prevention.SurveyForm{Respondents: "10", Counts: map[string][]string{"p2": {"most"}}}, "q_p2"},
		{"a negative count", prevention.SurveyForm{Respondents: "10", Counts: map[string][]string{"p2": {"-1"}}}, "q_p2"},
	}
	for _, b := range bad {
		err := e.svc.SaveTally(e.ctx, p.lead, id, prevention.PhasePre, b.form)
		var fe validate.Errors
		if !errors.As(err, &fe) || fe[b.field] == "" {
			t.Errorf("%s: %v, want a message for %q", b.name, err, b.field)
		}
	}
	if err := e.svc.SaveTally(e.ctx, p.lead, id, "during", prevention.SurveyForm{}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown phase: %v", err)
	}
	if err := e.svc.SaveTally(e.ctx, p.admin, id, prevention.PhasePre, prevention.SurveyForm{Respondents: "10"}); !errors.Is(err, prevention.ErrNotFacilitator) {
		t.Fatalf("administrator entering tallies: %v", err)
	}
	pre := prevention.SurveyForm{Respondents: "11", Counts: map[string][]string{"p1": {"5", "4", "2"}, "p2": {"3", "6", ""}}}
	post := prevention.SurveyForm{Respondents: "10", Counts: map[string][]string{"p1": {"9", "1", "0"}, "p2": {"1", "9", "0"}}}
	for phase, f := range map[string]prevention.SurveyForm{prevention.PhasePre: pre, prevention.PhasePost: post} {
		if err := e.svc.SaveTally(e.ctx, p.lead, id, phase, f); err != nil {
			t.Fatal(err)
		}
	}
	ts, err := e.svc.Tallies(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got := ts[prevention.PhasePre].Counts["p2"]; len(got) != 3 || got[1] != 6 || got[2] != 0 {
		t.Fatalf("pre p2 = %v", got)
	}
	// p1: 5/11 → 9/10; p2: 6/9 → 9/10. Overall 11/20 = 55.0% → 18/20 = 90.0%.
	k := prevention.KnowledgeOf(cur.Survey, ts)
	got := []string{k.Questions[0].Pre.String(), k.Questions[0].Post.String(), k.Questions[1].Pre.String(),
		k.Questions[1].Post.String(), k.Pre.String(), k.Post.String(), k.Change.String()}
	want := []string{"45.5%", "90.0%", "66.7%", "90.0%", "55.0%", "90.0%", "+35.0 points"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("knowledge %q, want %q", got, want)
	}
	if k.Questions[2].Pre.String() != "—" {
		t.Fatalf("a question with no answers shows %q", k.Questions[2].Pre)
	}

	// Nine forms back after: every derived share is suppressed.
	post.Respondents = "9"
	post.Counts = map[string][]string{"p1": {"9"}, "p2": {"0", "9"}}
	if err := e.svc.SaveTally(e.ctx, p.lead, id, prevention.PhasePost, post); err != nil {
		t.Fatal(err)
	}
	ts, _ = e.svc.Tallies(e.ctx, id)
	k = prevention.KnowledgeOf(cur.Survey, ts)
	if k.Post.String() != prevention.SuppressedRate || k.Change.String() != prevention.SuppressedRate ||
		k.Questions[0].Post.String() != prevention.SuppressedRate || k.Pre.String() != "55.0%" {
		t.Fatalf("with 9 post forms: post %s, change %s, q1 %s, pre %s", k.Post, k.Change, k.Questions[0].Post, k.Pre)
	}
	var n int
	e.db.GetContext(e.ctx, &n, `SELECT count(*) FROM audit_log WHERE entity = 'prevention_class' AND entity_id = $1
		AND action LIKE 'prevention.survey.%'`, itoa(id))
	if n != 3 {
		t.Fatalf("%d survey audit rows, want 3", n)
	}
}

func TestGuideSections(t *testing.T) {
	e := newEnv(t)
	for _, slug := range []string{"youth-prevention-6-8", "youth-prevention-9-12"} {
		cur, err := e.svc.Course(slug)
		if err != nil {
			t.Fatal(err)
		}
		for n := 1; n <= len(cur.Sessions); n++ {
			g, err := e.svc.Guide(slug, n)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range []string{"discussion-prompts", "disclosure-guidance", "activities"} {
				if s, ok := g.Section(id); !ok || strings.TrimSpace(s.HTML) == "" {
					t.Errorf("%s session %d lacks %s", slug, n, id)
				}
			}
			if len(g.Session.Objectives) == 0 || len(g.Lesson.Timing) == 0 || len(g.Lesson.Materials) == 0 || len(g.Session.Components) == 0 {
				t.Errorf("%s session %d lacks objectives, timing, materials or components", slug, n)
			}
		}
		if _, err := e.svc.Guide(slug, len(cur.Sessions)+1); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("session past the end: %v", err)
		}
	}
	if _, err := e.svc.Guide("foundations", 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a training course as a curriculum: %v", err)
	}
}
