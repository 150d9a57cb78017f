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
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
)

// Policy is how the sender paces, retries and gives up.
type Policy struct {
	MaxAttempts int           // a message is parked as failed after this many tries
	BaseDelay   time.Duration // first retry after about this long, doubling each time
	MaxDelay    time.Duration // retries are never further apart than this
	Lease       time.Duration // how long a claimed row is held before another sender may take it
	Batch       int           // rows claimed per statement
	Workers     int           // messages in flight at once
	Quiet       QuietHours
	QuietExempt []string // kinds a person is waiting for right now (a password reset)
}

// DefaultPolicy is 8 attempts, 1 minute doubling to at most 6 hours, quiet
// hours 21:00–07:00 in loc, invitations and password resets exempt.
func DefaultPolicy(loc *time.Location) Policy {
	return Policy{MaxAttempts: 8, BaseDelay: time.Minute, MaxDelay: 6 * time.Hour, Lease: 10 * time.Minute,
		Batch: 50, Workers: 4, Quiet: DefaultQuietHours(loc), QuietExempt: []string{"invite", "reset"}}
}

// Sender delivers the outbox. Several senders (in several processes) may
// run at once: rows are claimed with FOR UPDATE SKIP LOCKED and leased, then
// sent outside any transaction, then recorded.
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
	Held                            int64 // moved to the end of quiet hours
	Unavailable                     bool  // the pass stopped early: the server could not be reached
}

var errNotTried = errors.New("not tried")

// Pass sends every message that is due, batch by batch, and returns when
// none is left, the server is unavailable or ctx ends.
func (s *Sender) Pass(ctx context.Context) (PassResult, error) {
	var res PassResult
	p := s.policy()
	now := s.Now()
	quiet := p.Quiet.Inside(now)
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
	for ctx.Err() == nil {
		now := s.Now()
		batch, err := claim(ctx, s.DB, now, now.Add(p.Lease), p.Batch, quiet, p.QuietExempt)
		if err != nil || len(batch) == 0 {
			return res, err
		}
		if err := s.deliver(ctx, p, batch, &res); err != nil || res.Unavailable {
			return res, err
		}
	}
	return res, nil
}

// deliver prepares, sends and records one claimed batch.
func (s *Sender) deliver(ctx context.Context, p Policy, batch []*Outgoing, res *PassResult) error {
	// Recording must survive a shutdown that cancels ctx mid-batch.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if s.Prepare != nil {
		if err := s.Prepare(ctx, batch); err != nil {
			return errors.Join(err, release(rctx, s.DB, batch, s.Now().Add(p.BaseDelay), ""))
		}
	}
	var send, drop []*Outgoing
	for _, o := range batch {
		switch {
		case o.Drop != "":
			drop = append(drop, o)
		case o.Text == "" && o.HTML == "":
			o.Drop = "nothing to send: the message has no body"
			drop = append(drop, o)
		default:
			send = append(send, o)
		}
	}
	if err := markDropped(rctx, s.DB, drop); err != nil {
		return err
	}
	res.Dropped += len(drop)
	errs := s.sendAll(ctx, p, send)
	return s.record(rctx, p, send, errs, res)
}

// sendAll sends with p.Workers in flight; once the server is unavailable or
// ctx ends, the rest are left untried.
func (s *Sender) sendAll(ctx context.Context, p Policy, send []*Outgoing) []error {
	errs := make([]error, len(send))
	var mu sync.Mutex
	stopped := false
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < p.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				mu.Lock()
				skip := stopped
				mu.Unlock()
				if skip || ctx.Err() != nil {
					errs[i] = errNotTried
					continue
				}
				err := s.Transport.Send(ctx, s.envelope(send[i]))
				if errors.Is(err, ErrUnavailable) {
					mu.Lock()
					stopped = true
					mu.Unlock()
				}
				errs[i] = err
			}
		}()
	}
	for i := range send {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return errs
}

// record writes each outcome: sent; failed for good (5xx, or out of
// attempts); queued again after a backoff; or released untried.
func (s *Sender) record(ctx context.Context, p Policy, send []*Outgoing, errs []error, res *PassResult) error {
	now := s.Now()
	var sent, untried []*Outgoing
	var all []error
	for i, o := range send {
		err := errs[i]
		switch {
		case err == nil:
			sent = append(sent, o)
		case errors.Is(err, errNotTried):
			untried = append(untried, o)
		default:
			if errors.Is(err, ErrUnavailable) && !res.Unavailable {
				res.Unavailable = true
				s.log().Warn("mail server unavailable; the queue waits", "err", err)
			}
			park := errors.Is(err, ErrPermanent) || o.Attempts >= p.MaxAttempts
			if park {
				res.Failed++
				s.log().Warn("mail parked as failed", "outbox_id", o.ID, "kind", o.Kind, "attempts", o.Attempts, "permanent", errors.Is(err, ErrPermanent))
			} else {
				res.Retrying++
			}
			all = append(all, markFailed(ctx, s.DB, o, park, now.Add(s.backoff(p, o.Attempts)), err.Error()))
		}
	}
	all = append(all, markSent(ctx, s.DB, now, sent))
	res.Sent += len(sent)
	retryAt := now
	if res.Unavailable {
		retryAt = now.Add(p.BaseDelay)
	}
	all = append(all, release(ctx, s.DB, untried, retryAt, ""))
	return errors.Join(all...)
}

// backoff is the wait before try attempts+1: BaseDelay doubled per attempt,
// capped at MaxDelay, with jitter in [half, full].
func (s *Sender) backoff(p Policy, attempts int) time.Duration {
	d := p.BaseDelay
	for i := 1; i < attempts && d < p.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, p.MaxDelay)
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
