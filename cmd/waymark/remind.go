package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
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
	fmt.Fprintf(out, "sent %d, retrying %d, failed %d, dropped %d, held for quiet hours %d\n",
		res.Sent, res.Retrying, res.Failed, res.Dropped, res.Held)
	if err == nil && res.Unavailable {
		err = errors.New("the mail server is unavailable; messages stay queued for the next run")
	}
	return err
}

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
