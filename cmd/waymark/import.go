package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/migrations"
)

const importUsage = "usage: waymark import users FILE.csv [--apply] [--invite]"

// importDetails is `waymark import --help`.
const importDetails = `Checks every row of FILE.csv against the organizations and job roles and
prints each problem with its line. With any problem nothing is written.

  --apply   import the file: add new people, update known ones (matched by
            email), set job roles and, when the column is there, manager scopes
  --invite  with --apply: email an invitation to choose a password to every
            person of the file who has not signed in yet (once per person;
            running the import again sends no second invitation)

The header the file needs: ` + people.HeaderHelp + `
A template: /admin/import/template.csv on the server.`

// runImport imports a roster: `waymark import users FILE.csv [--apply]`.
// Without --apply it is a dry run that writes nothing. Every problem is
// printed with its line; with any, nothing is written and the exit is 1.
func runImport(ctx context.Context, args []string, out io.Writer) error {
	apply, invite := false, false
	var pos []string
	for _, a := range args {
		switch a {
		case "--apply", "-apply":
			apply = true
		case "--invite", "-invite":
			invite = true
		default:
			pos = append(pos, a)
		}
	}
	if len(pos) != 2 || pos[0] != "users" {
		return errors.New(importUsage)
	}
	if invite && !apply {
		return errors.New("--invite needs --apply: a dry run sends nothing\n" + importUsage)
	}
	f, err := os.Open(pos[1])
	if err != nil {
		return err
	}
	defer f.Close()
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
	_, cat, err := loadCatalog(cfg.CoursesDir)
	if err != nil {
		return fmt.Errorf("the course catalog is invalid; run `waymark courses check`:\n%w", err)
	}
	deps, err := wire(ctx, cfg, db, st, newLogger(cfg.LogLevel), cat)
	if err != nil {
		return fmt.Errorf("%w (has `waymark seed` run?)", err)
	}
	svc := deps.People
	start := time.Now()
	name := filepath.Base(pos[1])
	res, err := svc.Import(ctx, f, people.ImportOptions{Apply: apply, Invite: invite, Source: "command line " + name,
		Progress: func(stage string, n int) {
			fmt.Fprintf(out, "%s %d rows (%.1fs)\n", stage, n, time.Since(start).Seconds())
		}})
	if err != nil {
		return err
	}
	for _, p := range res.Problems {
		fmt.Fprintf(out, "%s: %s\n", name, p)
	}
	switch {
	case len(res.Problems) > 0:
		fmt.Fprintf(out, "%d problem(s) in %d row(s); nothing was written\n", len(res.Problems), res.Rows)
		return exitError{}
	case !apply:
		fmt.Fprintf(out, "dry run: %s (%d rows; nothing written; add --apply to import)\n", res.Summary(), res.Rows)
	default:
		fmt.Fprintf(out, "imported: %s in %.1fs\n", res.Summary(), time.Since(start).Seconds())
	}
	return nil
}
