package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/web"
	"github.com/waymark/waymark/migrations"
)

// runServe serves HTTP until SIGINT/SIGTERM, then lets in-flight requests
// finish and closes the pool.
func runServe(ctx context.Context, _ []string, out io.Writer) error {
	tuneGC()
	cfg, db, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	log := newLogger(cfg.LogLevel)
	// CheckSchema's error says what is pending and what to run.
	if err := store.CheckSchema(ctx, db, migrations.FS); err != nil {
		return err
	}
	st, err := store.New(db)
	if err != nil {
		return fmt.Errorf("refusing to start: %w", err)
	}
	roles, cat, err := loadCatalog(cfg.CoursesDir)
	if err != nil {
		return fmt.Errorf("the course catalog is invalid; run `waymark courses check` for details:\n%w", err)
	}
	res, err := syncReference(ctx, db, st, roles, cat)
	if err != nil {
		return err
	}
	log.Info("catalog synced", "courses", len(cat.Courses), "new_versions", res.NewVersions)
	deps, err := wire(ctx, cfg, db, st, log, cat)
	if err != nil {
		return err
	}
	app, err := web.New(deps)
	if err != nil {
		return err
	}
	if cfg.BenchAddr != "" {
		defer web.ListenBench(cfg.BenchAddr, db, log)()
	}
	go runRenewals(ctx, deps.Learning, cfg.RemindInterval, log)
	stopReminders, err := startReminders(ctx, cfg, db, deps.Mail, log)
	if err != nil {
		return err
	}
	defer stopReminders()
	errc := make(chan error, 1)
	go func() { errc <- app.Listen(cfg.ListenAddr) }()
	log.Info("listening", "addr", cfg.ListenAddr, "url", cfg.BaseURL.String())
	fmt.Fprintf(out, "Waymark is serving %s\n", cfg.BaseURL)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := app.ShutdownWithContext(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}
