package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/seed"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/migrations"
	"github.com/waymark/waymark/seeds"
)

// version is set with -ldflags "-X main.version=…"; otherwise the VCS revision.
var version = ""

func runVersion(_ context.Context, _ []string, out io.Writer) error {
	v := version
	if v == "" {
		v = "dev"
		if info, ok := debug.ReadBuildInfo(); ok {
			for _, s := range info.Settings {
				if s.Key == "vcs.revision" && len(s.Value) >= 12 {
					v = "dev-" + s.Value[:12]
				}
			}
		}
	}
	fmt.Fprintln(out, "waymark", v)
	return nil
}

func runMigrate(ctx context.Context, _ []string, out io.Writer) error {
	_, db, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := store.Migrate(ctx, db, migrations.FS)
	for _, name := range applied {
		fmt.Fprintln(out, "applied", name)
	}
	if err == nil && len(applied) == 0 {
		fmt.Fprintln(out, "schema is current")
	}
	return err
}

// runCourses validates and lints a catalog: `waymark courses check [DIR]`.
func runCourses(_ context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "check" {
		return errors.New("usage: waymark courses check [DIR]")
	}
	dir := os.Getenv("COURSES_DIR")
	if len(args) > 1 {
		dir = args[1]
	}
	roles, err := seed.LoadRoles(seeds.FS)
	if err != nil {
		return err
	}
	cat, err := catalog.Load(coursesFS(dir), seed.RoleSet(roles))
	var probs catalog.Problems
	if err != nil && !errors.As(err, &probs) {
		return err
	}
	probs = append(probs, catalog.Lint(cat)...)
	for _, p := range probs {
		fmt.Fprintln(out, p.String())
	}
	if len(probs) > 0 {
		fmt.Fprintf(out, "%d problem(s) in %d course(s)\n", len(probs), len(cat.Courses))
		return exitError{}
	}
	fmt.Fprintf(out, "%d courses, no problems\n", len(cat.Courses))
	return nil
}

func runSeed(ctx context.Context, args []string, out io.Writer) error {
	fl := flag.NewFlagSet("seed", flag.ContinueOnError)
	demo := fl.Bool("demo", false, "also create demo organizations and users")
	if err := fl.Parse(args); err != nil {
		return err
	}
	cfg, db, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := store.CheckSchema(ctx, db, migrations.FS); err != nil {
		return err
	}
	st, err := store.New(db)
	if err != nil {
		return err
	}
	roles, cat, err := loadCatalog(cfg.CoursesDir)
	if err != nil {
		return err
	}
	res, err := syncReference(ctx, db, st, roles, cat)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "roles: %d; courses: %d new, %d new versions, %d unchanged\n",
		len(roles), res.NewCourses, res.NewVersions, res.Unchanged)
	deps, err := wire(ctx, cfg, db, st, newLogger(cfg.LogLevel), cat)
	if err != nil {
		return err
	}
	if err := seedLearning(ctx, deps.Learning, roles, cat, out); err != nil {
		return err
	}
	if *demo {
		return seedDemo(ctx, cfg, db, deps.Reports, cat, newLogger(cfg.LogLevel), out)
	}
	return nil
}
