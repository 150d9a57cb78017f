// Package e2e holds the end-to-end tests: the real Waymark app, with the
// shipped catalog and a real PostgreSQL database, driven by Debian's
// Chromium in headless mode, with axe-core and Waymark's own accessibility
// checks run on every page the tests visit.
//
// Run them with `make e2e` (or as part of `make test`). They need
// /usr/bin/chromium and axe-core (`make axe`); under CI=true a missing
// browser or a missing axe-core fails the run instead of skipping it.
package e2e

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/courses"
	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/config"
	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/seed"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/web"
	"github.com/waymark/waymark/internal/wiring"
	"github.com/waymark/waymark/seeds"
)

// Server is the real Waymark app listening on a loopback port.
type Server struct {
	URL      string // http://127.0.0.1:PORT, also the app's BASE_URL
	Catalog  *catalog.Catalog
	Learning *learning.Service
	db       *sqlx.DB
	app      *fiber.App
	done     chan error
}

// ServerOptions are the few settings a test chooses.
type ServerOptions struct {
	DatabaseURL string
	DB          *sqlx.DB
	MailDir     string
	Log         *slog.Logger
	Now         func() time.Time
	// SSOSecretKey is SSO_SECRET_KEY (base64 of 32 bytes); empty: unset.
	SSOSecretKey string
}

// Start wires the app the way `waymark serve` does (shipped job roles,
// catalog and requirements matrix synced into the database, then
// wiring.New and web.New) and serves it on 127.0.0.1 with a free port.
func Start(ctx context.Context, o ServerOptions) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("e2e: listen: %w", err)
	}
	base := "http://" + ln.Addr().String()
	env := map[string]string{"DATABASE_URL": o.DatabaseURL, "BASE_URL": base, "MAIL_DIR": o.MailDir,
		"REMIND_INTERVAL": "0", "LISTEN_ADDR": ln.Addr().String(), "SSO_SECRET_KEY": o.SSOSecretKey}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		ln.Close()
		return nil, err
	}
	st, err := store.New(o.DB)
	if err != nil {
		ln.Close()
		return nil, err
	}
	cat, jobRoles, err := syncShipped(ctx, o.DB, st.Courses)
	if err != nil {
		ln.Close()
		return nil, err
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	deps, err := wiring.New(ctx, wiring.Base{Config: cfg, DB: o.DB, Log: o.Log, Stores: st, Catalog: cat, Roles: jobRoles, Now: o.Now})
	if err != nil {
		ln.Close()
		return nil, err
	}
	if err := seedRequirements(ctx, deps.Learning, cat); err != nil {
		ln.Close()
		return nil, err
	}
	app, err := web.New(deps)
	if err != nil {
		ln.Close()
		return nil, err
	}
	s := &Server{URL: base, Catalog: cat, Learning: deps.Learning, db: o.DB, app: app, done: make(chan error, 1)}
	go func() { s.done <- app.Listener(ln) }()
	if err := waitReady(ctx, base+"/healthz"); err != nil {
		app.Shutdown()
		return nil, err
	}
	return s, nil
}

// syncShipped loads seeds/roles.yaml and courses/, and writes both into the
// database, as `waymark seed` and `waymark serve` do.
func syncShipped(ctx context.Context, db *sqlx.DB, courseStore *store.Courses) (*catalog.Catalog, []store.JobRole, error) {
	roles, err := seed.LoadRoles(seeds.FS)
	if err != nil {
		return nil, nil, err
	}
	cat, err := catalog.Load(courses.FS, seed.RoleSet(roles))
	if err != nil {
		return nil, nil, err
	}
	rows := make([]store.JobRole, len(roles))
	for i, r := range roles {
		rows[i] = store.JobRole{Code: r.Code, Name: r.Name, Sector: r.Sector}
	}
	if err := store.UpsertRoles(ctx, db, rows); err != nil {
		return nil, nil, err
	}
	if _, err := catalog.Sync(ctx, courseStore, cat); err != nil {
		return nil, nil, err
	}
	jobRoles, err := store.ListRoles(ctx, db)
	return cat, jobRoles, err
}

// seedRequirements adds the shipped requirements matrix, as `waymark seed`
// does.
func seedRequirements(ctx context.Context, svc *learning.Service, cat *catalog.Catalog) error {
	roles, err := seed.LoadRoles(seeds.FS)
	if err != nil {
		return err
	}
	reqs, err := seed.LoadRequirements(seeds.FS, seed.RoleSet(roles), cat)
	if err != nil {
		return err
	}
	_, _, err = svc.SeedRequirements(ctx, reqs)
	return err
}

// Assign gives people the assignments their job roles require, as the
// people area does when an administrator gives someone a role.
func (s *Server) Assign(ctx context.Context, userIDs ...int64) error {
	return store.InTx(ctx, s.db, func(tx *sqlx.Tx) error { return s.Learning.Reconcile(ctx, tx, userIDs) })
}

func waitReady(ctx context.Context, url string) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("e2e: the server did not answer %s: %v", url, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Close stops the server and waits for it.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.app.ShutdownWithContext(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return <-s.done
}
