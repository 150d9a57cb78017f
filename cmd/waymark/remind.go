package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/config"
	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/wiring"
	"github.com/waymark/waymark/migrations"
)

// sendEvery is how often serve delivers the outbox between sweeps, so an
// invitation or a password reset does not wait for the next sweep.
const sendEvery = 15 * time.Second

// runRemind is `waymark remind`: one sweep and one send pass, for cron.
func runRemind(ctx context.Context, _ []string, out io.Writer) error {
	cfg, db, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := store.CheckSchema(ctx, db, migrations.FS); err != nil {
		return err
	}
	mailer, err := wiring.Mail(cfg)
	if err != nil {
		return err
	}
	r, err := wiring.NewReminders(cfg, db, mailer, newLogger(cfg.LogLevel), time.Now)
	if err != nil {
		return err
	}
	sw, err := r.Sweep.Sweep(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "queued %d message(s)\n", sw.Total())
	res, err := r.Sender.Pass(ctx)
	fmt.Fprintf(out, "sent %d, retrying %d, failed %d, dropped %d, waiting for the mail server %d, held for quiet hours %d\n",
		res.Sent, res.Retrying, res.Failed, res.Dropped, res.Deferred, res.Held)
	return passOutcome(res, err)
}

// passOutcome is remind's exit: an error (exit 1, one line) when nothing
// that was due could be sent or a write could not be recorded; success when
// everything due went, or some did and the rest retry on their own.
func passOutcome(res mail.PassResult, err error) error {
	due := res.Sent + res.Retrying + res.Failed + res.Deferred
	if res.Sent == 0 && (due > 0 || err != nil) {
		reason := res.Reason
		if reason == "" && err != nil {
			reason = err.Error()
		}
		return fmt.Errorf("nothing could be sent (%d due, they stay queued): %s", due, oneLine(reason))
	}
	if err != nil {
		return fmt.Errorf("sent %d, then stopped: %s", res.Sent, oneLine(err.Error()))
	}
	return nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// startReminders runs the sweep every cfg.RemindInterval (0: never) and the
// sender every sendEvery, until ctx ends. stop waits for a pass in progress
// to record what it sent.
func startReminders(ctx context.Context, cfg *config.Config, db *sqlx.DB, mailer *mail.Renderer, log *slog.Logger) (stop func(), err error) {
	if cfg.RemindInterval == 0 {
		log.Info("reminders disabled (REMIND_INTERVAL=0)")
		return func() {}, nil
	}
	r, err := wiring.NewReminders(cfg, db, mailer, log, time.Now)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		sweeps, sends := time.NewTicker(cfg.RemindInterval), time.NewTicker(min(sendEvery, cfg.RemindInterval))
		defer sweeps.Stop()
		defer sends.Stop()
		sweepAndSend(ctx, r, log)
		for {
			select {
			case <-ctx.Done():
				return
			case <-sweeps.C:
				sweepAndSend(ctx, r, log)
			case <-sends.C:
				send(ctx, r, log)
			}
		}
	}()
	return func() { cancel(); <-done }, nil
}

func sweepAndSend(ctx context.Context, r *wiring.Reminders, log *slog.Logger) {
	start := time.Now()
	res, err := r.Sweep.Sweep(ctx)
	if err != nil && ctx.Err() == nil {
		log.Error("reminder sweep failed", "err", err)
	} else if err == nil {
		log.Info("reminder sweep", "queued", res.Total(), "took", time.Since(start).Round(time.Millisecond))
	}
	send(ctx, r, log)
}

func send(ctx context.Context, r *wiring.Reminders, log *slog.Logger) {
	res, err := r.Sender.Pass(ctx)
	if err != nil && ctx.Err() == nil {
		log.Error("mail send pass failed", "err", err)
	}
	if res.Sent+res.Failed+res.Dropped > 0 {
		log.Info("mail sent", "sent", res.Sent, "retrying", res.Retrying, "failed", res.Failed, "dropped", res.Dropped)
	}
}
