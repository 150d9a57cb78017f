package mail_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/mail/mailtest"
	"github.com/waymark/waymark/internal/testdb"
)

// countingHandler counts the sender's "database unreachable" warnings.
type countingHandler struct {
	slog.Handler
	retries *atomic.Int64
}

func (h countingHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h countingHandler) Handle(ctx context.Context, r slog.Record) error {
	if strings.Contains(r.Message, "database unreachable") {
		h.retries.Add(1)
	}
	return nil
}

// PostgreSQL restarted in the middle of a pass (its own private cluster):
// the sender's writes wait the restart out, so nothing is lost and nothing
// is sent twice.
func TestDatabaseRestartMidPass(t *testing.T) {
	cl := testdb.NewCluster(t)
	db := cl.Migrated()
	ctx := context.Background()
	c := newClock(noon)
	srv := mailtest.Start(t, mailtest.Options{})
	srv.Delay(30 * time.Millisecond)
	const n = 100
	queueN(t, db, c, "restart", n)
	var retries atomic.Int64
	s := smtpSender(t, db, c, srv)
	s.Policy.Workers = 2
	s.Log = slog.New(countingHandler{Handler: slog.DiscardHandler, retries: &retries})

	restarted := make(chan time.Duration)
	go func() {
		for srv.Count() < 10 {
			time.Sleep(2 * time.Millisecond)
		}
		start := time.Now()
		cl.Restart()
		restarted <- time.Since(start)
	}()
	res, err := s.Pass(ctx)
	if err != nil {
		t.Fatalf("the pass gave up: %v (%+v)", err, res)
	}
	down := <-restarted
	for range 5 {
		if statusCounts(t, db)["sent"] == n {
			break
		}
		c.Add(time.Minute)
		pass(t, s)
	}
	f := tally(srv, "restart", n)
	f.log(t, "PostgreSQL restarted mid-pass", fmt.Sprintf(", the restart took %v, writes tried again %d times, first pass sent %d",
		down.Round(10*time.Millisecond), retries.Load(), res.Sent))
	if got := statusCounts(t, db); got["sent"] != n || f.Lost != 0 || f.Duplicated != 0 {
		t.Fatalf("after the restart: %v, %+v", got, f)
	}
	if retries.Load() == 0 {
		t.Fatal("no write met the restart: the test did not test it")
	}
}

var _ = mail.ErrTemporary
