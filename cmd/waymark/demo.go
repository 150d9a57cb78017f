package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/config"
	"github.com/waymark/waymark/internal/demo"
	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/report"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/wiring"
	"github.com/waymark/waymark/seeds"
)

// seedDemo creates the demo organizations and people of seeds/demo.yaml
// and their staff with a year of history (internal/demo), through services
// wired over the demo's fake clock, and prints the demo logins.
func seedDemo(ctx context.Context, cfg *config.Config, db *sqlx.DB, reports *report.Service, cat *catalog.Catalog, log *slog.Logger, out io.Writer) error {
	d, err := people.LoadDemo(seeds.FS)
	if err != nil {
		return err
	}
	roles, err := store.ListRoles(ctx, db)
	if err != nil {
		return err
	}
	// The history is written on a pool of its own whose sessions do not
	// wait for each commit's WAL flush and defer the report triggers; the
	// report tables are rebuilt once at the end. A crash midway loses
	// nothing a re-run does not write again.
	bulk, err := store.Open(ctx, withParams(cfg.DatabaseURL, "synchronous_commit=off", "waymark.report_deferred=on"))
	if err != nil {
		return err
	}
	defer bulk.Close()
	bst, err := store.New(bulk)
	if err != nil {
		return err
	}
	clk := &demo.Clock{}
	deps, err := wiring.New(ctx, wiring.Base{Config: cfg, DB: bulk, Log: log, Stores: bst, Catalog: cat, Roles: roles, Now: clk.Now})
	if err != nil {
		return err
	}
	rem, err := wiring.NewReminders(cfg, bulk, deps.Mail, log, clk.Now)
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := demo.Seed(ctx, demo.Services{Clock: clk, Stores: bst, People: deps.People, Learning: deps.Learning,
		Certificates: deps.Certificates, Prevention: deps.Prevention, Remind: rem.Sweep}, d, demo.Today(time.Now(), cfg.Location))
	if err != nil {
		return err
	}
	if err := reports.Rebuild(ctx); err != nil {
		return err
	}
	fmt.Fprintf(out, "demo data: %d organizations and %d people created (%d and %d in the demo)\n",
		res.Logins.OrgsCreated, res.Logins.PeopleCreated, len(d.Organizations), len(d.People))
	fmt.Fprintf(out, "demo history: %d staff created; %d completions (%d renewals), %d certificate revoked, %d prevention sessions logged, %d reminders queued (%.1fs)\n",
		res.StaffCreated, res.Completions, res.Renewals, res.Revoked, res.Sessions, res.Reminders, time.Since(start).Seconds())
	fmt.Fprintf(out, "\nDemo logins (every one uses the password %s):\n\n", d.Password)
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "  EMAIL\tPASSWORD\tWHO")
	for _, p := range d.People {
		fmt.Fprintf(w, "  %s\t%s\t%s (%s)\n", p.Email, d.Password, p.About, p.Org)
	}
	return w.Flush()
}

// withParams adds run-time settings to a connection string, in URL
// (postgres://…) or key=value form.
func withParams(dsn string, params ...string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		return dsn + sep + strings.Join(params, "&")
	}
	return dsn + " " + strings.Join(params, " ")
}
