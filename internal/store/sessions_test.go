package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testfix"
)

// TestSessionTouch: a lookup refreshes last_seen_at when it is more than a
// minute old and leaves it alone otherwise; an idle session is gone.
func TestSessionTouch(t *testing.T) {
	db, org, _, _ := courseFixture(t)
	ctx := context.Background()
	user, _ := testfix.User(t, db, org, testfix.UserSpec{})
	s := testfix.Stores(t, db).Sessions
	t0 := time.Now().Truncate(time.Second)
	hash := []byte(testfix.Unique("hash"))
	if err := s.Create(ctx, store.Session{TokenHash: hash, UserID: user, CSRFToken: "t", CreatedAt: t0, ExpiresAt: t0.Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	const idle = time.Hour
	lastSeen := func() time.Time {
		var at time.Time
		if err := db.GetContext(ctx, &at, `SELECT last_seen_at FROM sessions WHERE token_hash = $1`, hash); err != nil {
			t.Fatal(err)
		}
		return at
	}
	for _, step := range []struct {
		after time.Duration
		want  time.Time
	}{
		{30 * time.Second, t0},                     // within the minute: untouched
		{2 * time.Minute, t0.Add(2 * time.Minute)}, // touched
		{2*time.Minute + 30*time.Second, t0.Add(2 * time.Minute)},
	} {
		si, err := s.GetSignedIn(ctx, hash, t0.Add(step.after), idle)
		if err != nil || si.UserID != user {
			t.Fatalf("after %v: %+v, %v", step.after, si, err)
		}
		if got := lastSeen(); !got.Equal(step.want) {
			t.Errorf("after %v: last seen %v, want %v", step.after, got, step.want)
		}
	}
	if _, err := s.GetSignedIn(ctx, hash, t0.Add(2*time.Minute+idle+time.Second), idle); err == nil {
		t.Error("an idle session was still signed in")
	}
}
