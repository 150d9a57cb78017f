package learning_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testfix"
)

func TestPacingOpensTheCheckAfterEveryLesson(t *testing.T) {
	e := newEnv(t)
	u := e.user()
	ctx := context.Background()
	if err := e.svc.StartSelf(ctx, u, "sample-course"); err != nil {
		t.Fatal(err)
	}
	v, err := e.svc.StartCheck(ctx, u, "sample-course")
	if !errors.Is(err, learning.ErrPacing) || len(v.Player.Remaining()) != 2 {
		t.Fatalf("check before any lesson: %v, remaining %d", err, len(v.Player.Remaining()))
	}
	p, err := e.svc.Player(ctx, u, "sample-course", 2)
	if err != nil || !p.Opened(2) || p.Opened(1) || p.Resume() != 1 || p.CheckOpen() {
		t.Fatalf("after lesson 2: %v %+v", err, p.State)
	}
	if _, err := e.svc.StartCheck(ctx, u, "sample-course"); !errors.Is(err, learning.ErrPacing) {
		t.Fatalf("check with lesson 1 unopened: %v", err)
	}
	// A forged submission without a shown check has no token to use.
	if _, err := e.svc.Submit(ctx, u, "sample-course", "made-up", map[string][]string{"q-q1": {"0"}}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("submission without a check: %v", err)
	}
	if _, err := e.svc.Player(ctx, u, "sample-course", 1); err != nil {
		t.Fatal(err)
	}
	v, err = e.svc.StartCheck(ctx, u, "sample-course")
	if err != nil || v.Token == "" || len(v.Questions) != 1 {
		t.Fatalf("check after every lesson: %v %+v", err, v)
	}
	// A reload shows the same attempt.
	again, _ := e.svc.StartCheck(ctx, u, "sample-course")
	if again.Token != v.Token {
		t.Fatal("a reload started a new attempt")
	}
	var started time.Time
	e.db.Get(&started, `SELECT started_at FROM assignments WHERE id = $1`, p.State.AssignmentID)
	if started.IsZero() {
		t.Fatal("started_at not recorded")
	}
	if _, err := e.svc.Player(ctx, u, "sample-course", 3); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("lesson 3 of 2: %v", err)
	}
}

func TestPassAndFail(t *testing.T) {
	e := newEnv(t)
	u := e.user()
	ctx := context.Background()
	var hooked []int64
	e.svc.OnCompleted = func(ctx context.Context, tx *sqlx.Tx, id int64) error {
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM completions WHERE id = $1`, id); err != nil || n != 1 {
			t.Errorf("hook does not see its completion in the transaction: %d %v", n, err)
		}
		hooked = append(hooked, id)
		return nil
	}
	defer func() { e.svc.OnCompleted = nil }()
	e.svc.StartSelf(ctx, u, "sample-course")
	e.openAll(u, "sample-course")

	v, _ := e.svc.StartCheck(ctx, u, "sample-course")
	sub, err := e.svc.Submit(ctx, u, "sample-course", v.Token, e.form("sample-course", v, false))
	if err != nil || sub.Passed || sub.CompletionID != 0 {
		t.Fatalf("failing submission: %+v %v", sub, err)
	}
	res, err := e.svc.Attempt(ctx, u, "sample-course", sub.AttemptID)
	if err != nil || res.Result.Passed || res.Result.Score != 0 || res.Result.Questions[0].Right ||
		res.Result.Questions[0].Chosen[0].Feedback != "It is." || !res.Open {
		t.Fatalf("failed attempt view: %+v %v", res, err)
	}
	if len(e.completions(u)) != 0 || e.assignments(u, "sample-course")[0].Status != store.StatusOpen {
		t.Fatal("a fail completed the course")
	}

	v2, _ := e.svc.StartCheck(ctx, u, "sample-course")
	if v2.Token == v.Token {
		t.Fatal("a graded attempt was shown again")
	}
	e.clock.Add(time.Hour)
	sub, err = e.svc.Submit(ctx, u, "sample-course", v2.Token, e.form("sample-course", v2, true))
	if err != nil || !sub.Passed || sub.CompletionID == 0 {
		t.Fatalf("passing submission: %+v %v", sub, err)
	}
	cm := e.completions(u)
	asg := e.assignments(u, "sample-course")
	wantExpiry := e.clock.Now().In(boston).AddDate(0, 12, 0) // the course's renewal period
	if len(cm) != 1 || cm[0].Score != 100 || cm[0].Minutes != 10 || !cm[0].ExpiresAt.Equal(wantExpiry) ||
		cm[0].AttemptID == nil || *cm[0].AttemptID != sub.AttemptID || asg[0].Status != store.StatusCompleted ||
		!asg[0].CompletedAt.Equal(e.clock.Now()) {
		t.Fatalf("completion %+v, assignment %+v", cm, asg)
	}
	if len(hooked) != 1 || hooked[0] != cm[0].ID {
		t.Fatalf("OnCompleted calls: %v", hooked)
	}
	res, err = e.svc.Attempt(ctx, u, "sample-course", sub.AttemptID)
	if err != nil || !res.Result.Passed || res.CompletionID != cm[0].ID || res.Open {
		t.Fatalf("passed attempt view: %+v %v", res, err)
	}
	var attempts int
	e.db.Get(&attempts, `SELECT count(*) FROM quiz_attempts WHERE assignment_id = $1 AND submitted_at IS NOT NULL`, asg[0].ID)
	if attempts != 2 {
		t.Fatalf("attempts recorded: %d", attempts)
	}
	if _, err := e.svc.StartCheck(ctx, u, "sample-course"); !errors.Is(err, learning.ErrNotAssigned) {
		t.Fatalf("check after completing: %v", err)
	}
	// Another person cannot see the attempt.
	if _, err := e.svc.Attempt(ctx, e.user(), "sample-course", sub.AttemptID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("someone else's attempt: %v", err)
	}
}

func TestHookFailureRollsBackTheCompletion(t *testing.T) {
	e := newEnv(t)
	u := e.user()
	ctx := context.Background()
	e.svc.StartSelf(ctx, u, "sample-course")
	e.openAll(u, "sample-course")
	e.svc.OnCompleted = func(context.Context, *sqlx.Tx, int64) error { return errors.New("certificate failed") }
	defer func() { e.svc.OnCompleted = nil }()
	v, _ := e.svc.StartCheck(ctx, u, "sample-course")
	if _, err := e.svc.Submit(ctx, u, "sample-course", v.Token, e.form("sample-course", v, true)); err == nil {
		t.Fatal("hook error swallowed")
	}
	if len(e.completions(u)) != 0 || e.assignments(u, "sample-course")[0].Status != store.StatusOpen {
		t.Fatal("completion kept without its certificate")
	}
}

func TestTamperedAndIncompleteSubmissions(t *testing.T) {
	e := newEnv(t)
	u, other := e.user(), e.user()
	ctx := context.Background()
	e.svc.StartSelf(ctx, u, "sample-course")
	e.openAll(u, "sample-course")
	v, _ := e.svc.StartCheck(ctx, u, "sample-course")
	tests := []struct {
		name  string
		user  int64
		slug  string
		token string
		form  map[string][]string
		want  error
	}{
		{"question not shown", u, "sample-course", v.Token, map[string][]string{"q-q1": {"0"}, "q-q9": {"0"}}, learning.ErrTampered},
		{"option not shown", u, "sample-course", v.Token, map[string][]string{"q-q1": {"7"}}, learning.ErrTampered},
		{"not a number", u, "sample-course", v.Token, map[string][]string{"q-q1": {"x"}}, learning.ErrTampered},
		{"two answers to one", u, "sample-course", v.Token, map[string][]string{"q-q1": {"0", "1"}}, learning.ErrTampered},
		{"someone else's token", other, "sample-course", v.Token, map[string][]string{"q-q1": {"0"}}, store.ErrNotFound},
		{"another course", u, "sample-prep", v.Token, map[string][]string{"q-q1": {"0"}}, store.ErrNotFound},
		{"unanswered", u, "sample-course", v.Token, map[string][]string{}, learning.ErrIncomplete},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub, err := e.svc.Submit(ctx, tt.user, tt.slug, tt.token, tt.form)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if tt.want == learning.ErrIncomplete && (sub.View == nil || len(sub.View.Missing) != 1 || !sub.View.Questions[0].Missing) {
				t.Fatalf("incomplete view: %+v", sub.View)
			}
		})
	}
	var graded int
	e.db.Get(&graded, `SELECT count(*) FROM quiz_attempts WHERE token = $1 AND submitted_at IS NOT NULL`, v.Token)
	if graded != 0 {
		t.Fatal("a rejected submission was graded")
	}
}

func TestReplayedAndConcurrentSubmissionsCompleteOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()

	// The same token twice: graded once, the replay reports the first result.
	u := e.user()
	e.svc.StartSelf(ctx, u, "sample-course")
	e.openAll(u, "sample-course")
	v, _ := e.svc.StartCheck(ctx, u, "sample-course")
	form := e.form("sample-course", v, true)
	first, err := e.svc.Submit(ctx, u, "sample-course", v.Token, form)
	if err != nil || !first.Passed || first.Replayed {
		t.Fatalf("first: %+v %v", first, err)
	}
	second, err := e.svc.Submit(ctx, u, "sample-course", v.Token, e.form("sample-course", v, false))
	if err != nil || !second.Replayed || !second.Passed || second.AttemptID != first.AttemptID || second.CompletionID != 0 {
		t.Fatalf("replay: %+v %v", second, err)
	}
	if n := len(e.completions(u)); n != 1 {
		t.Fatalf("completions after a replay: %d", n)
	}

	// Many passing submissions at once, over two attempts: one completion.
	w := e.user()
	e.svc.StartSelf(ctx, w, "sample-course")
	e.openAll(w, "sample-course")
	v1, _ := e.svc.StartCheck(ctx, w, "sample-course")
	v2 := secondAttempt(t, e, w, v1)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var completions []int64
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			view := v1
			if i%2 == 1 {
				view = v2
			}
			sub, err := e.svc.Submit(ctx, w, "sample-course", view.Token, e.form("sample-course", view, true))
			if err != nil {
				errs <- err
				return
			}
			if sub.CompletionID != 0 {
				mu.Lock()
				completions = append(completions, sub.CompletionID)
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent submission failed: %v", err)
	}
	if cm := e.completions(w); len(cm) != 1 || len(completions) != 1 || completions[0] != cm[0].ID {
		t.Fatalf("completions %+v, reported %v", cm, completions)
	}
	var graded int
	e.db.Get(&graded, `SELECT count(*) FROM quiz_attempts q JOIN assignments a ON a.id = q.assignment_id
		WHERE a.user_id = $1 AND q.submitted_at IS NOT NULL`, w)
	if graded != 2 {
		t.Fatalf("graded attempts: %d, want 2 (each token once)", graded)
	}
}

// secondAttempt stores another unsubmitted attempt of the same assignment,
// as a second browser tab would have had before the first was graded.
func secondAttempt(t *testing.T, e *env, userID int64, v learning.CheckView) learning.CheckView {
	t.Helper()
	var at store.Attempt
	if err := e.db.Get(&at, `SELECT id, token, assignment_id, course_version_id, layout, started_at FROM quiz_attempts WHERE token = $1`, v.Token); err != nil {
		t.Fatal(err)
	}
	at.Token = v.Token + "-2"
	if _, err := store.NewAttempts(e.db).Create(context.Background(), at); err != nil {
		t.Fatal(err)
	}
	var layout learning.Layout
	json.Unmarshal(at.Layout, &layout)
	out := v
	out.Token = at.Token
	return out
}

func TestMinutesPerTrainingYear(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.user(learning.CaseworkerRole)
	complete := func(slug string, at time.Time) {
		e.clock.Set(at)
		if err := e.svc.StartSelf(ctx, u, slug); err != nil {
			t.Fatal(err)
		}
		e.pass(u, slug)
	}
	complete("sample-course", time.Date(2025, 6, 30, 23, 30, 0, 0, boston)) // last evening of 2024–25
	complete("sample-prep", time.Date(2025, 7, 1, 0, 30, 0, 0, boston))     // first night of 2025–26
	e.clock.Set(time.Date(2026, 9, 1, 9, 0, 0, 0, boston))
	complete("sample-course", time.Date(2026, 9, 1, 9, 0, 0, 0, boston)) // a new cycle after expiry, 2026–27

	roles := []string{learning.CaseworkerRole}
	cr, err := e.svc.Credits(ctx, u, roles)
	if err != nil {
		t.Fatal(err)
	}
	if len(cr.Years) != 3 || cr.TotalMinutes != 30 || !cr.Caseworker || cr.CaseworkerRemaining() != "24.5" {
		t.Fatalf("credits: %+v", cr)
	}
	want := []struct {
		start, last string
		minutes     int
	}{{"2026-07-01", "2027-06-30", 10}, {"2025-07-01", "2026-06-30", 10}, {"2024-07-01", "2025-06-30", 10}}
	for i, w := range want {
		y := cr.Years[i]
		if y.Start.Format("2006-01-02") != w.start || y.LastDay().Format("2006-01-02") != w.last || y.Minutes != w.minutes {
			t.Errorf("year %d: %s–%s %d min, want %+v", i, y.Start.Format("2006-01-02"), y.LastDay().Format("2006-01-02"), y.Minutes, w)
		}
	}
	// A configured year end moves the boundary.
	svc, err := learning.New(ctx, e.db, testfix.Stores(t, e.db), e.cat, learning.Options{Now: e.clock.Now, Location: boston,
		TrainingYearEnd: time.Date(0, time.August, 31, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	cr, _ = svc.Credits(ctx, u, nil)
	if len(cr.Years) != 2 || cr.Years[1].Minutes != 20 || cr.Years[1].Start.Format("2006-01-02") != "2024-09-01" || cr.Caseworker {
		t.Fatalf("credits with an August 31 year end: %+v", cr)
	}
}

func TestTrainingStatuses(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	open := func(due *time.Time, opened int) store.LearnerAssignment {
		return store.LearnerAssignment{Assignment: store.Assignment{Status: store.StatusOpen, DueAt: due}, Opened: opened}
	}
	done := func(exp *time.Time) store.LearnerAssignment {
		return store.LearnerAssignment{Assignment: store.Assignment{Status: store.StatusCompleted}, ExpiresAt: exp}
	}
	tests := []struct {
		a    store.LearnerAssignment
		want learning.Status
	}{
		{open(at(30*day), 0), learning.NotStarted},
		{open(nil, 0), learning.NotStarted},
		{open(at(30*day), 1), learning.InProgress},
		{open(at(14*day), 0), learning.DueSoon},
		{open(at(-time.Minute), 2), learning.Overdue},
		{done(nil), learning.Completed},
		{done(at(61 * day)), learning.Completed},
		{done(at(59 * day)), learning.Expiring},
		{done(at(-day)), learning.Expired},
		{store.LearnerAssignment{Assignment: store.Assignment{Status: store.StatusWithdrawn}}, learning.Withdrawn},
	}
	for i, tt := range tests {
		if got := learning.StatusOf(tt.a, now); got != tt.want {
			t.Errorf("%d: %s, want %s", i, got, tt.want)
		}
	}
}

func TestTrainingPage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	r := e.role()
	e.require(r, "sample-course", 30, nil, false)
	e.require(r, "sample-prep", 30, nil, true)
	u := e.user()
	e.grant(u, r)
	e.svc.Player(ctx, u, "sample-course", 1)
	my, err := e.svc.Training(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if len(my.Current) != 1 || my.Current[0].Status != learning.InProgress || my.Current[0].Opened != 1 || my.Current[0].Lessons != 2 ||
		len(my.Recommended) != 1 || my.Recommended[0].Slug != "sample-prep" {
		t.Fatalf("my training: %+v", my)
	}
	e.pass(u, "sample-course")
	my, _ = e.svc.Training(ctx, u)
	if my.Current[0].Status != learning.Completed || my.Current[0].CompletionID == nil || my.Credits.TotalMinutes != 10 {
		t.Fatalf("after passing: %+v", my.Current)
	}
}
