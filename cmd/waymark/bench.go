package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/waymark/waymark/internal/auth"
	"github.com/waymark/waymark/internal/bench"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/migrations"
)

const benchUsage = `usage:
  waymark bench data [--orgs N --users N --assignments N --completions N --outbox N --classes N --seed N --as-of YYYY-MM-DD]
  waymark bench run  [--duration 10s --connections 32 --quick --out FILE.md]`

// runBench dispatches `waymark bench data|run`.
func runBench(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New(benchUsage)
	}
	switch args[0] {
	case "data":
		return runBenchData(ctx, args[1:], out)
	case "run":
		return runBenchRun(ctx, args[1:], out)
	}
	return errors.New(benchUsage)
}

// runBenchData generates the synthetic state into DATABASE_URL, which must
// be a migrated, empty database whose name contains "bench".
func runBenchData(ctx context.Context, args []string, out io.Writer) error {
	s := bench.DefaultSizes()
	fl := flag.NewFlagSet("bench data", flag.ContinueOnError)
	fl.SetOutput(out)
	fl.IntVar(&s.Orgs, "orgs", s.Orgs, "organizations")
	fl.IntVar(&s.Users, "users", s.Users, "people")
	fl.IntVar(&s.Assignments, "assignments", s.Assignments, "assignments (cycles included)")
	fl.IntVar(&s.Completions, "completions", s.Completions, "completions (about; every earlier cycle is completed)")
	fl.IntVar(&s.Outbox, "outbox", s.Outbox, "reminders already sent")
	fl.IntVar(&s.Classes, "classes", s.Classes, "prevention classes")
	fl.IntVar(&s.Seed, "seed", s.Seed, "seed of every pseudo-random choice")
	asOf := fl.String("as-of", "", "the dataset's today, YYYY-MM-DD (default: today)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *asOf != "" {
		t, err := time.Parse(time.DateOnly, *asOf)
		if err != nil {
			return fmt.Errorf("--as-of: %w", err)
		}
		s.AsOf = t
	}
	if err := runSeed(ctx, nil, out); err != nil {
		return err
	}
	_, db, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := store.CheckSchema(ctx, db, migrations.FS); err != nil {
		return err
	}
	hash, err := auth.HashPassword(bench.Password)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "generating: %d organizations, %d people, %d assignments, ~%d completions, %d sent reminders, %d classes\n",
		s.Orgs, s.Users, s.Assignments, s.Completions, s.Outbox, s.Classes)
	g := &bench.Generator{DB: db, PasswordHash: hash, Progress: out}
	return g.Generate(ctx, s)
}
