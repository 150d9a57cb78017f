package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/textproto"
	"sync"
	"time"
)

// pass is one send pass in progress: the rows it holds, the run of 4xx
// replies not yet judged, and whether it opened the circuit.
type pass struct {
	s      *Sender
	p      Policy
	owner  string
	ctx    context.Context // sending stops when it ends
	rctx   context.Context // recording outlives ctx (a shutdown mid-pass)
	cancel context.CancelFunc

	mu       sync.Mutex
	res      *PassResult
	circuit  Circuit // as read at the start of the pass
	open     bool    // this pass opened the circuit
	until    time.Time
	answered bool        // the server accepted or refused a message on its merits
	run      []*Outgoing // 4xx replies in a row, not yet recorded
	runErrs  []error     // their errors
	untried  []*Outgoing // to hand back without spending an attempt
	unrecord []int64     // sent, but the record could not be written
	lastErr  string      // the latest delivery error, for the admin page
	halt     bool        // stop taking messages
	errs     []error     // writes that failed for good
}

func newPass(ctx context.Context, s *Sender, p Policy, c Circuit, res *PassResult) *pass {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.RecordFor+30*time.Second)
	return &pass{s: s, p: p, owner: newOwner(), ctx: ctx, rctx: rctx, cancel: cancel, res: res, circuit: c}
}

func newOwner() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// renewLeases renews the pass's claims every third of a lease (real time)
// until the returned stop is called.
func (ps *pass) renewLeases() func() {
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(max(ps.p.Lease/3, 20*time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if err := heartbeat(ps.rctx, ps.s.DB, ps.owner, ps.s.Now().Add(ps.p.Lease)); err != nil {
					ps.s.log().Warn("mail: could not renew leases", "err", err)
				}
			}
		}
	}()
	return func() { close(done); <-stopped }
}

func (ps *pass) stopped() bool {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.halt
}

func (ps *pass) fail(err error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.errs = append(ps.errs, err)
	ps.halt = true
}

func (ps *pass) err() error { return errors.Join(ps.errs...) }

// write runs a recording statement through database blips; one that still
// fails stops the pass, and later writes are tried once (caller holds mu).
func (ps *pass) write(what string, f func(context.Context) error) bool {
	p := ps.p
	if len(ps.errs) > 0 {
		p.RecordFor = time.Nanosecond
	}
	if err := ps.s.retryDB(ps.rctx, p, what, f); err != nil {
		ps.errs = append(ps.errs, err)
		ps.halt = true
		return false
	}
	return true
}

// deliver prepares and sends one claimed batch, each outcome recorded as
// soon as it is known.
func (ps *pass) deliver(batch []*Outgoing) {
	s := ps.s
	if s.Prepare != nil {
		if err := s.Prepare(ps.ctx, batch); err != nil {
			ps.fail(err)
			ps.mu.Lock()
			ps.untried = append(ps.untried, batch...)
			ps.mu.Unlock()
			return
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
	ps.mu.Lock()
	if ps.write("record dropped", func(ctx context.Context) error { return markDropped(ctx, s.DB, drop) }) {
		ps.res.Dropped += len(drop)
	}
	ps.mu.Unlock()
	jobs := make(chan *Outgoing)
	var wg sync.WaitGroup
	for range ps.p.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o := range jobs {
				if ps.stopped() || ps.ctx.Err() != nil {
					ps.outcome(o, errNotTried)
					continue
				}
				ps.outcome(o, s.Transport.Send(ps.ctx, s.envelope(o)))
			}
		}()
	}
	for _, o := range send {
		jobs <- o
	}
	close(jobs)
	wg.Wait()
}

// outcome records what became of one message.
func (ps *pass) outcome(o *Outgoing, err error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	now := ps.s.Now()
	switch {
	case err == nil:
		ps.answered = true
		ps.flushRun()
		ps.res.Sent++
		if !ps.write("record sent", func(ctx context.Context) error { return markSent(ctx, ps.s.DB, now, o) }) {
			ps.unrecord = append(ps.unrecord, o.ID)
		}
	case errors.Is(err, errNotTried) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		ps.untried = append(ps.untried, o)
	case errors.Is(err, ErrPermanent):
		ps.answered = true
		ps.flushRun()
		ps.lastErr = err.Error()
		ps.retryOrPark(o, err, reasonOf(err))
	case errors.Is(err, ErrUnavailable):
		ps.openCircuit(err)
		if errors.Is(err, errOutcomeUnknown) {
			ps.res.Retrying++
			ps.write("record failure", func(ctx context.Context) error {
				return markFailed(ctx, ps.s.DB, ps.owner, o, "", ps.until, err.Error())
			})
			return
		}
		ps.defer1(o, err)
	default: // a 4xx reply: this recipient, or the server, for now
		ps.lastErr = err.Error()
		if ps.open {
			ps.defer1(o, err)
			return
		}
		ps.run, ps.runErrs = append(ps.run, o), append(ps.runErrs, err)
		if ps.runRecipients() >= ps.p.OutageAfter {
			ps.openCircuit(fmt.Errorf("%w: %d refusals in a row for different recipients: %w", ErrUnavailable, len(ps.run), err))
			for i, r := range ps.run {
				ps.defer1(r, ps.runErrs[i])
			}
			ps.run, ps.runErrs = nil, nil
		}
	}
}

func (ps *pass) runRecipients() int {
	seen := map[string]bool{}
	for _, o := range ps.run {
		seen[o.To] = true
	}
	return len(seen)
}

// flushRun records the pending 4xx replies as what they turned out to be:
// about their own messages, each retried after its backoff.
func (ps *pass) flushRun() {
	for i, o := range ps.run {
		ps.retryOrPark(o, ps.runErrs[i], "")
	}
	ps.run, ps.runErrs = nil, nil
}

// retryOrPark queues o again after its backoff, or parks it as failed when
// reason is set or its attempts are spent.
func (ps *pass) retryOrPark(o *Outgoing, err error, reason string) {
	if reason == "" && o.Attempts >= ps.p.MaxAttempts {
		reason = "attempts"
	}
	if reason != "" {
		ps.res.Failed++
		ps.s.log().Warn("mail parked as failed", "outbox_id", o.ID, "kind", o.Kind, "attempts", o.Attempts, "reason", reason)
	} else {
		ps.res.Retrying++
	}
	at := ps.s.Now().Add(ps.s.backoff(ps.p, o.Attempts))
	ps.write("record failure", func(ctx context.Context) error {
		return markFailed(ctx, ps.s.DB, ps.owner, o, reason, at, err.Error())
	})
}

// defer1 hands o back for when the circuit closes, its attempt not spent.
func (ps *pass) defer1(o *Outgoing, err error) {
	ps.res.Deferred++
	ps.write("release", func(ctx context.Context) error {
		return release(ctx, ps.s.DB, ps.owner, []*Outgoing{o}, ps.until, err.Error(), true)
	})
}

// openCircuit stops the pass and makes every sender wait (caller holds mu).
func (ps *pass) openCircuit(err error) {
	if ps.open {
		return
	}
	now := ps.s.Now()
	opens := ps.circuit.Opens + 1
	ps.open, ps.halt = true, true
	ps.until = now.Add(ps.s.circuitWait(ps.p, opens))
	ps.res.Unavailable = true
	ps.res.Reason = err.Error()
	ps.lastErr = ""
	ps.s.log().Warn("mail server unavailable; the queue waits", "until", ps.until, "outages_in_a_row", opens, "err", err)
	ps.write("open the circuit", func(ctx context.Context) error {
		return openCircuit(ctx, ps.s.DB, now, ps.until, opens, err.Error())
	})
}

// finish records what is still pending when the pass ends.
func (ps *pass) finish() {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	now := ps.s.Now()
	ps.flushRun()
	at := now
	if ps.open {
		at = ps.until
	} else if len(ps.errs) > 0 {
		at = now.Add(ps.p.BaseDelay)
	}
	if len(ps.untried) > 0 {
		if ps.open {
			ps.res.Deferred += len(ps.untried)
		}
		ps.write("release", func(ctx context.Context) error {
			return release(ctx, ps.s.DB, ps.owner, ps.untried, at, "", true)
		})
	}
	ps.write("release", func(ctx context.Context) error { return releaseRest(ctx, ps.s.DB, ps.owner, ps.unrecord, at) })
	if !ps.open && ps.answered && ps.circuit.State == "open" {
		ps.write("close the circuit", func(ctx context.Context) error { return closeCircuit(ctx, ps.s.DB, now) })
	}
	if ps.lastErr != "" {
		ps.write("note the last error", func(ctx context.Context) error { return noteError(ctx, ps.s.DB, now, ps.lastErr) })
	}
	if ps.res.Reason == "" && len(ps.errs) > 0 {
		ps.res.Reason = "could not record: " + ps.errs[0].Error()
	}
	if ps.res.Reason == "" && ps.res.Sent == 0 && ps.lastErr != "" {
		ps.res.Reason = ps.lastErr
	}
}

// reasonOf names a permanent failure for the bulk retry: its reply code.
func reasonOf(err error) string {
	var reply *textproto.Error
	if errors.As(err, &reply) {
		return fmt.Sprintf("smtp %d", reply.Code)
	}
	return "refused"
}
