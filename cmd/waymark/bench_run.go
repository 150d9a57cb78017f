package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/waymark/waymark/internal/bench"
	"github.com/waymark/waymark/internal/config"
)

// runBenchRun measures the server against the dataset in DATABASE_URL and
// prints the Markdown table (also to --out).
func runBenchRun(ctx context.Context, args []string, out io.Writer) error {
	exe, _ := os.Executable()
	o := bench.Options{Bin: exe, Progress: out}
	fl := flag.NewFlagSet("bench run", flag.ContinueOnError)
	fl.SetOutput(out)
	fl.DurationVar(&o.Duration, "duration", 10*time.Second, "how long each endpoint is loaded")
	fl.IntVar(&o.Connections, "connections", 32, "concurrent connections for pages")
	fl.IntVar(&o.Threads, "threads", 2, "wrk threads")
	fl.IntVar(&o.Learners, "learners", 32, "learners signed in through /login")
	fl.BoolVar(&o.Quick, "quick", false, "smoke mode: tiny jobs (for make bench-smoke)")
	fl.BoolVar(&o.KeepCopy, "keep", false, "keep the run's copy of the database")
	fl.BoolVar(&o.Profile, "profile", false, "save a CPU profile of the server per endpoint in the work directory")
	fl.StringVar(&o.WorkDir, "work", filepath.Join(os.TempDir(), "waymark-bench"), "directory for wrk scripts and the server log")
	outFile := fl.String("out", "", "also write the Markdown table to this file")
	only := fl.String("only", "", "measure only the endpoints and jobs (sweep, send, import, pdf) whose names match this regular expression")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *only != "" {
		re, err := regexp.Compile(*only)
		if err != nil {
			return fmt.Errorf("bench run: --only: %w", err)
		}
		o.Only = re
	}
	cfg, err := config.FromEnv()
	if err != nil {
		return err
	}
	o.DatabaseURL = cfg.DatabaseURL
	if _, o.Catalog, err = loadCatalog(cfg.CoursesDir); err != nil {
		return err
	}
	rep, err := bench.Run(ctx, o)
	if rep != nil {
		fmt.Fprintln(out)
		rep.Markdown(out)
		if *outFile != "" {
			f, ferr := os.Create(*outFile)
			if ferr != nil {
				return ferr
			}
			rep.Markdown(f)
			f.Close()
		}
	}
	return err
}
