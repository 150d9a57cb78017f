package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/store"
)

// Options configure a run.
type Options struct {
	DatabaseURL string // the generated dataset; the run works on a copy
	Bin         string // the waymark binary to serve with
	Duration    time.Duration
	Connections int // for pages; heavy report pages use fewer
	Threads     int // wrk threads
	Learners    int // people signed in through /login for the learner pages
	Quick       bool
	KeepCopy    bool
	WorkDir     string
	Progress    io.Writer
}

// Runner measures one run.
type Runner struct {
	opt    Options
	db     *sqlx.DB // the run's copy
	runURL string
	srv    *Server
	rep    *Report
}

// Run copies the dataset, serves it, loads every endpoint that exists,
// times the jobs and returns the report. It fails when the harness itself
// breaks (an endpoint answering errors, the server dying), never because a
// speed target was missed.
func Run(ctx context.Context, opt Options) (*Report, error) {
	r := &Runner{opt: opt, rep: &Report{Started: time.Now()}}
	if err := os.MkdirAll(opt.WorkDir, 0o755); err != nil {
		return nil, err
	}
	copyURL, drop, err := copyDatabase(ctx, opt.DatabaseURL, opt.Progress)
	if err != nil {
		return nil, err
	}
	if !opt.KeepCopy {
		defer drop()
	}
	r.runURL = copyURL
	if r.db, err = store.Open(ctx, copyURL); err != nil {
		return nil, err
	}
	defer r.db.Close()
	subj, err := pickSubjects(ctx, r.db, opt.Learners)
	if err != nil {
		return nil, err
	}
	r.say("starting the server (%s serve)", opt.Bin)
	r.srv, err = StartServer(ctx, opt.Bin, copyURL, filepath.Join(opt.WorkDir, "server.log"))
	if err != nil {
		return nil, err
	}
	defer r.srv.Stop()
	if err := r.loadAll(ctx, subj); err != nil {
		return r.rep, err
	}
	_, r.rep.PeakRSS, _ = r.srv.Memory()
	r.srv.Stop()
	if err := r.jobs(ctx); err != nil {
		return r.rep, err
	}
	return r.rep, nil
}

func (r *Runner) say(format string, args ...any) {
	fmt.Fprintf(r.opt.Progress, format+"\n", args...)
}

func (r *Runner) base() string { return "http://" + r.srv.Addr }

// measure probes the first request (a route that does not exist yet is
// skipped, any other wrong answer fails the run), then runs wrk.
func (r *Runner) measure(ctx context.Context, l Load, t Target) error {
	if l.URL == "" {
		l.URL = r.base()
	}
	if l.Connections == 0 {
		l.Connections = r.opt.Connections
	}
	if l.Duration == 0 {
		l.Duration = r.opt.Duration
	}
	row := Row{Name: l.Name, Connections: l.Connections, Target: t}
	if len(l.Requests) == 0 {
		row.Skipped = "no data for it in this dataset"
		r.rep.Rows = append(r.rep.Rows, row)
		r.say("  %-34s skipped: %s", l.Name, row.Skipped)
		return nil
	}
	if status, err := probe(l); err != nil {
		return err
	} else if status == http.StatusNotFound && l.Expect != http.StatusNotFound {
		row.Skipped = "the route does not exist yet"
		r.rep.Rows = append(r.rep.Rows, row)
		r.say("  %-34s skipped: %s", l.Name, row.Skipped)
		return nil
	} else if want := max(l.Expect, 200); status != want && !l.Once {
		return fmt.Errorf("bench: %s: %s %s answered %d, want %d", l.Name, l.Requests[0].Method, l.Requests[0].Path, status, want)
	}
	res, err := RunWrk(ctx, r.opt.WorkDir, r.opt.Threads, l)
	if err != nil {
		return err
	}
	if why := res.Failed(); why != "" {
		return fmt.Errorf("bench: %s: %s (server log: %s)", l.Name, why, filepath.Join(r.opt.WorkDir, "server.log"))
	}
	if !r.srv.Alive() {
		return errors.New("bench: the server died during " + l.Name)
	}
	row.Result = res
	_, row.PeakRSS, _ = r.srv.Memory()
	r.rep.Rows = append(r.rep.Rows, row)
	if l.Name == plaintextName {
		r.rep.Plaintext = res.RPS()
	}
	r.say("  %-34s %9s req/s  p50 %7.2f ms  p99 %7.2f ms  (%d requests)", l.Name, thousands(res.RPS()), ms(res.P50US), ms(res.P99US), res.Requests)
	return nil
}

// probe sends a load's first request once (not for once-only loads, whose
// requests may be answered only once: there it only checks the route).
func probe(l Load) (int, error) {
	q := l.Requests[0]
	if l.Once {
		q = Request{Method: "GET", Path: q.Path, Cookie: q.Cookie}
	}
	var body io.Reader
	if q.Body != "" {
		body = strings.NewReader(q.Body)
	}
	req, err := http.NewRequest(q.Method, l.URL+q.Path, body)
	if err != nil {
		return 0, err
	}
	if q.Cookie != "" {
		req.Header.Set("Cookie", q.Cookie)
	}
	if q.Body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("bench: %s: %w", l.Name, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// copyDatabase makes a throw-away copy of the dataset (FILE_COPY: a file
// copy, seconds even for gigabytes) so every run starts from the same
// state and the dataset is never changed by a run.
func copyDatabase(ctx context.Context, dsn string, progress io.Writer) (string, func(), error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", nil, err
	}
	src := strings.TrimPrefix(u.Path, "/")
	dst := src + "_run"
	admin := *u
	admin.Path = "/postgres"
	db, err := store.Open(ctx, admin.String())
	if err != nil {
		return "", nil, err
	}
	start := time.Now()
	for _, q := range []string{
		`DROP DATABASE IF EXISTS "` + dst + `" WITH (FORCE)`,
		`CREATE DATABASE "` + dst + `" TEMPLATE "` + src + `" STRATEGY FILE_COPY`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			db.Close()
			return "", nil, fmt.Errorf("bench: copy the dataset (no one may be connected to %s): %w", src, err)
		}
	}
	fmt.Fprintf(progress, "copied %s to %s in %.1fs\n", src, dst, time.Since(start).Seconds())
	out := *u
	out.Path = "/" + dst
	drop := func() {
		db.ExecContext(context.Background(), `DROP DATABASE IF EXISTS "`+dst+`" WITH (FORCE)`)
		db.Close()
	}
	return out.String(), drop, nil
}
