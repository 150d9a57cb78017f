package mail

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Policy is how the sender paces, retries and gives up.
type Policy struct {
	MaxAttempts int           // a message is parked as failed after this many tries
	BaseDelay   time.Duration // first retry after about this long, doubling each time (MAIL_RETRY_BASE)
	MaxDelay    time.Duration // retries are never further apart than this
	Lease       time.Duration // a claim lasts this long past its holder's last renewal (MAIL_LEASE)
	Batch       int           // rows claimed per statement (MAIL_BATCH)
	Workers     int           // messages in flight at once, one connection each (MAIL_WORKERS)
	// OutageAfter is how many 4xx replies in a row, for as many different
	// recipients, mean the server (not the messages) is in trouble.
	OutageAfter int
	// CircuitMax caps the wait of an open circuit before the next probe.
	CircuitMax time.Duration
	// RecordFor is how long a database write is tried again through a blip
	// before the pass gives up (real time, not Now).
	RecordFor   time.Duration
	Quiet       QuietHours
	QuietExempt []string // kinds a person is waiting for right now (a password reset)
}

// DefaultPolicy is 8 attempts, 1 minute doubling to at most 6 hours, a
// 1-minute lease, an outage after 3 refusals in a row (probed again after
// at most 5 minutes), quiet hours 21:00–07:00 in loc, invitations and
// password resets exempt.
func DefaultPolicy(loc *time.Location) Policy {
	return Policy{MaxAttempts: 8, BaseDelay: time.Minute, MaxDelay: 6 * time.Hour, Lease: time.Minute,
		Batch: 50, Workers: 4, OutageAfter: 3, CircuitMax: 5 * time.Minute, RecordFor: 30 * time.Second,
		Quiet: DefaultQuietHours(loc), QuietExempt: []string{"invite", "reset"}}
}

// Sender delivers the outbox. Several senders (in several processes) may
// run at once: rows are claimed with FOR UPDATE SKIP LOCKED and leased to
// the pass, sent outside any transaction, and each recorded the moment its
// outcome is known, so a crash resends at most the messages in flight (one
// per connection).
type Sender struct {
	DB        *sqlx.DB
	Transport Transport
	From      string // MAIL_FROM
	Now       func() time.Time
	Policy    Policy
	// Prepare, when set, sees every claimed batch before sending: it may
	// render rows queued without a body and mark rows to drop (a reminder
	// for work completed since it was queued).
	Prepare func(ctx context.Context, batch []*Outgoing) error
	Log     *slog.Logger
	// Jitter returns a number in [0,1); nil uses math/rand.
	Jitter func() float64
}

// PassResult counts what one pass did.
type PassResult struct {
	Sent, Retrying, Failed, Dropped int
	Deferred                        int   // due but not tried because of an outage (no attempt spent)
	Held                            int64 // moved to the end of quiet hours
	Unavailable                     bool  // the server could not be reached: the circuit is open
	Reason                          string
}

var errNotTried = errors.New("not tried")

// Pass sends every message that is due, batch by batch, and returns when
// none is left, the server is unavailable (the circuit opens, or is open
// already), a write cannot be recorded, or ctx ends.
func (s *Sender) Pass(ctx context.Context) (PassResult, error) {
	var res PassResult
	p := s.policy()
	now := s.Now()
	quiet := p.Quiet.Inside(now)
	var c Circuit
	if err := s.retryDB(ctx, p, "read the circuit", func(ctx context.Context) (err error) {
		c, err = loadCircuit(ctx, s.DB)
		return err
	}); err != nil {
		return res, err
	}
	if c.OpenAt(now) {
		res.Unavailable = true
		res.Reason = fmt.Sprintf("the mail server is treated as down until %s (%s)", c.OpenUntil.Format(time.RFC3339), c.LastError)
		// what comes due before the circuit closes waits for the server
		n, err := countDue(ctx, s.DB, *c.OpenUntil, quiet, p.QuietExempt)
		res.Deferred = n
		return res, err
	}
	if quiet {
		n, err := holdForQuietHours(ctx, s.DB, now, p.Quiet.Next(now), p.QuietExempt)
		if err != nil {
			return res, err
		}
		res.Held = n
	}
	defer func() {
		if ic, ok := s.Transport.(idleCloser); ok {
			ic.CloseIdle()
		}
	}()
	ps := newPass(ctx, s, p, c, &res)
	defer ps.cancel()
	stop := ps.renewLeases()
	for ctx.Err() == nil && !ps.stopped() {
		now := s.Now()
		var batch []*Outgoing
		err := s.retryDB(ctx, p, "claim", func(ctx context.Context) (err error) {
			batch, err = claim(ctx, s.DB, ps.owner, now, now.Add(p.Lease), p.Batch, quiet, p.QuietExempt)
			return err
		})
		if err != nil {
			ps.fail(err)
			break
		}
		if len(batch) == 0 {
			break
		}
		ps.deliver(batch)
	}
	stop()
	ps.finish()
	return res, ps.err()
}

// backoff is the wait before try attempts+1: BaseDelay doubled per attempt,
// capped at MaxDelay, with jitter in [half, full].
func (s *Sender) backoff(p Policy, attempts int) time.Duration {
	return s.doubling(p.BaseDelay, p.MaxDelay, attempts)
}

// doubling is base doubled n-1 times, capped, with jitter in [half, full].
func (s *Sender) doubling(base, limit time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	j := rand.Float64
	if s.Jitter != nil {
		j = s.Jitter
	}
	return d/2 + time.Duration(j()*float64(d/2))
}

func (s *Sender) envelope(o *Outgoing) Envelope {
	sum := sha256.Sum256([]byte(o.DedupeKey))
	return Envelope{ID: o.ID, From: s.From, To: o.To, Subject: o.Subject, Text: o.Text, HTML: o.HTML, Headers: o.Headers,
		MessageID: fmt.Sprintf("<%d.%s@%s>", o.ID, hex.EncodeToString(sum[:8]), domainOf(s.From)), Date: s.Now()}
}

func (s *Sender) policy() Policy {
	p := s.Policy
	d := DefaultPolicy(p.Quiet.Loc)
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = d.MaxAttempts
	}
	if p.BaseDelay < time.Second {
		p.BaseDelay = d.BaseDelay
	}
	if p.MaxDelay < p.BaseDelay {
		p.MaxDelay = max(d.MaxDelay, p.BaseDelay)
	}
	if p.Lease <= 0 {
		p.Lease = d.Lease
	}
	if p.Batch <= 0 {
		p.Batch = d.Batch
	}
	if p.Workers <= 0 {
		p.Workers = d.Workers
	}
	if p.OutageAfter <= 0 {
		p.OutageAfter = d.OutageAfter
	}
	if p.CircuitMax <= 0 {
		p.CircuitMax = d.CircuitMax
	}
	if p.RecordFor <= 0 {
		p.RecordFor = d.RecordFor
	}
	return p
}

func (s *Sender) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

func domainOf(addr string) string {
	addr = strings.TrimSpace(strings.TrimSuffix(addr, ">"))
	if i := strings.LastIndex(addr, "@"); i >= 0 {
		return addr[i+1:]
	}
	return "waymark.localhost"
}
