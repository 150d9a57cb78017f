package mail

import (
	"context"
	"time"

	"github.com/waymark/waymark/internal/store"
)

// retryDB runs f until it succeeds, fails for a reason other than an
// unreachable database, or p.RecordFor (real time) has passed, waiting
// 50 ms doubling to 2 s between tries: a restart or failover of PostgreSQL
// does not turn into resent or stranded messages.
func (s *Sender) retryDB(ctx context.Context, p Policy, what string, f func(context.Context) error) error {
	deadline := time.Now().Add(p.RecordFor)
	wait := 50 * time.Millisecond
	for {
		err := f(ctx)
		if err == nil || !store.Unreachable(err) || ctx.Err() != nil || time.Now().Add(wait).After(deadline) {
			return err
		}
		s.log().Warn("mail: database unreachable; trying again", "step", what, "in", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		wait = min(2*wait, 2*time.Second)
	}
}
