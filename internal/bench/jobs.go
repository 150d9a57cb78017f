package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"github.com/waymark/waymark/internal/certificate"
	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/remind"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/templates"
)

const benchBaseURL = "http://127.0.0.1"

// jobs times the work done outside HTTP, on the run's copy of the data,
// with the same services the server and `waymark remind` use.
func (r *Runner) jobs(ctx context.Context) error {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		return err
	}
	renderer, err := mail.NewRenderer(templates.FS, "email", benchBaseURL)
	if err != nil {
		return err
	}
	rem := &remind.Service{DB: r.db, Mail: renderer, Rules: remind.DefaultRules(loc), Now: time.Now}
	r.say("timing the jobs")
	for _, j := range []struct {
		name string
		run  func(context.Context) (Job, error)
	}{
		{"sweep", func(ctx context.Context) (Job, error) { return r.sweep(ctx, rem) }},
		{"send", func(ctx context.Context) (Job, error) { return r.send(ctx, rem, loc) }},
		{"import", func(ctx context.Context) (Job, error) { return r.importRoster(ctx, renderer, loc) }},
		{"pdf", func(ctx context.Context) (Job, error) { return r.renderPDFs(ctx, loc) }},
	} {
		if !r.selected(j.name) {
			continue
		}
		stop := r.profileJob(len(r.rep.Jobs))
		job, err := j.run(ctx)
		stop(job.Name)
		if err != nil {
			return err
		}
		r.rep.Jobs = append(r.rep.Jobs, job)
		r.say("  %-40s %d %s in %.2fs (%s/s)", job.Name, job.Count, job.Unit, job.Elapsed.Seconds(), thousands(job.Rate()))
	}
	return nil
}

// profileJob records a CPU profile of this process (where the jobs run)
// when --profile is set; the returned function saves it under the job's
// name.
func (r *Runner) profileJob(n int) func(name string) {
	if !r.opt.Profile {
		return func(string) {}
	}
	path := filepath.Join(r.opt.WorkDir, fmt.Sprintf("job-%d.pprof", n))
	f, err := os.Create(path)
	if err != nil {
		return func(string) {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return func(string) {}
	}
	return func(name string) {
		pprof.StopCPUProfile()
		f.Close()
		os.Rename(path, filepath.Join(r.opt.WorkDir, "job-"+slugify(name)+".pprof"))
	}
}

// sweep runs one full reminder sweep (every rule and the digest).
func (r *Runner) sweep(ctx context.Context, rem *remind.Service) (Job, error) {
	var assignments int64
	if err := r.db.GetContext(ctx, &assignments, `SELECT count(*) FROM assignments`); err != nil {
		return Job{}, err
	}
	start := time.Now()
	res, err := rem.Sweep(ctx)
	if err != nil {
		return Job{}, err
	}
	return Job{Name: "reminder sweep", Count: int64(res.Total()), Unit: "queued", Elapsed: time.Since(start),
		Note:   fmt.Sprintf("over %d assignments", assignments),
		Target: sweepTarget()}, nil
}

// send delivers what the sweep queued through the real sender (send-time
// re-check and rendering included) to an SMTP sink on loopback, for a
// bounded time.
func (r *Runner) send(ctx context.Context, rem *remind.Service, loc *time.Location) (Job, error) {
	sink, err := startSink()
	if err != nil {
		return Job{}, err
	}
	defer sink.Close()
	tr, err := mail.NewSMTP(&url.URL{Scheme: "smtp", Host: sink.Addr(), RawQuery: "tls=none"}, mail.SMTPOptions{})
	if err != nil {
		return Job{}, err
	}
	p := mail.DefaultPolicy(loc)
	p.Quiet = mail.QuietHours{} // the benchmark may run at any hour
	s := &mail.Sender{DB: r.db, Transport: tr, From: "Waymark <no-reply@" + EmailDomain + ">", Now: time.Now, Policy: p,
		Prepare: rem.Prepare}
	limit := 20 * time.Second
	if r.opt.Quick {
		limit = 3 * time.Second
	}
	if _, err := r.db.ExecContext(ctx, `UPDATE email_outbox SET next_attempt_at = now() WHERE status = 'queued'`); err != nil {
		return Job{}, err
	}
	pctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	start := time.Now()
	res, err := s.Pass(pctx)
	elapsed := time.Since(start)
	if err != nil && pctx.Err() == nil {
		return Job{}, err
	}
	if res.Unavailable {
		return Job{}, fmt.Errorf("bench: the SMTP sink was unavailable to the sender")
	}
	note := fmt.Sprintf("%d dropped at send time (work done since queued)", res.Dropped)
	if pctx.Err() != nil {
		note += fmt.Sprintf("; stopped after %v", limit)
	}
	return Job{Name: "mail send to a local SMTP sink", Count: sink.Count(), Unit: "messages", Elapsed: elapsed, Note: note,
		Target: jobRateTarget()}, nil
}

// importRoster imports a new roster (50,000 rows; 1,000 in quick mode)
// into the organizations of the dataset, as `waymark import users` does.
func (r *Runner) importRoster(ctx context.Context, renderer *mail.Renderer, loc *time.Location) (Job, error) {
	n := 50000
	if r.opt.Quick {
		n = 1000
	}
	var orgs, roles []string
	if err := r.db.SelectContext(ctx, &orgs, `SELECT code FROM organizations WHERE code LIKE 'U%' ORDER BY id LIMIT 500`); err != nil {
		return Job{}, err
	}
	if err := r.db.SelectContext(ctx, &roles, `SELECT code FROM job_roles ORDER BY code`); err != nil {
		return Job{}, err
	}
	if len(orgs) == 0 || len(roles) == 0 {
		return Job{}, fmt.Errorf("bench: no organizations or roles to import into")
	}
	var csv bytes.Buffer
	csv.WriteString("email,name,organization code,job roles,manager scope\n")
	tag := time.Now().Format("150405")
	for i := range n {
		rs := roles[i%len(roles)]
		if i%3 == 0 {
			rs += ";" + roles[(i+5)%len(roles)]
		}
		fmt.Fprintf(&csv, "import%s-%d@%s,\"Imported Person %d\",%s,%s,\n", tag, i, EmailDomain, i, orgs[i%len(orgs)], rs)
	}
	st, err := store.New(r.db)
	if err != nil {
		return Job{}, err
	}
	// As in the server: the import assigns the new people their courses in
	// the same transaction.
	ls, err := learning.New(ctx, r.db, st, r.opt.Catalog, learning.Options{Now: time.Now, Location: loc})
	if err != nil {
		return Job{}, err
	}
	svc := people.New(r.db, st, people.Options{Mail: renderer, Now: time.Now, OnPeopleChanged: ls.Reconcile})
	var before int64
	if err := r.db.GetContext(ctx, &before, `SELECT count(*) FROM assignments`); err != nil {
		return Job{}, err
	}
	start := time.Now()
	res, err := svc.Import(ctx, &csv, people.ImportOptions{Apply: true, Source: "benchmark"})
	elapsed := time.Since(start)
	if err != nil {
		return Job{}, err
	}
	if len(res.Problems) > 0 || res.Created != n {
		return Job{}, fmt.Errorf("bench: import created %d of %d, problems: %v", res.Created, n, res.Problems[:min(3, len(res.Problems))])
	}
	var after int64
	if err := r.db.GetContext(ctx, &after, `SELECT count(*) FROM assignments`); err != nil {
		return Job{}, err
	}
	return Job{Name: fmt.Sprintf("roster import (%d new rows)", n), Count: int64(n), Unit: "rows", Elapsed: elapsed,
		Note:   fmt.Sprintf("people.Import with the learning reconcile hook, as the server wires it: %d assignments created", after-before),
		Target: importTarget()}, nil
}

// renderPDFs renders distinct certificates with the certificate package,
// cache off, one worker per core, for at most 20 s (3 s in quick mode).
func (r *Runner) renderPDFs(ctx context.Context, loc *time.Location) (Job, error) {
	n := 2000
	if r.opt.Quick {
		n = 40
	}
	svc, err := certificate.New(r.db, certificate.Options{BaseURL: benchBaseURL, Now: time.Now, Location: loc, PDFCacheBytes: -1})
	if err != nil {
		return Job{}, err
	}
	var ids []int64
	if err := r.db.SelectContext(ctx, &ids, `SELECT completion_id FROM certificates ORDER BY md5(id::text) LIMIT $1`, n); err != nil {
		return Job{}, err
	}
	var next, done atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	limit := 20 * time.Second
	if r.opt.Quick {
		limit = 3 * time.Second
	}
	start := time.Now()
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1) - 1; i < int64(len(ids)) && time.Since(start) < limit; i = next.Add(1) - 1 {
				d, err := svc.ForCompletion(ctx, ids[i])
				if err == nil {
					err = svc.RenderPDF(io.Discard, d)
				}
				if err != nil {
					errs <- err
					return
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	if err := <-errs; err != nil {
		return Job{}, err
	}
	return Job{Name: "certificate PDFs (in process, uncached)", Count: done.Load(), Unit: "PDFs", Elapsed: elapsed,
		Note:   fmt.Sprintf("certificate.Service.RenderPDF, distinct certificates, 2 workers, at most %v", limit),
		Target: jobRateTarget()}, nil
}
