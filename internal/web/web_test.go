package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/config"
	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
	"github.com/waymark/waymark/internal/web"
	"github.com/waymark/waymark/internal/wiring"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// newApp builds the real app over the package database and the test catalog.
func newApp(t testing.TB) *fiber.App { t.Helper(); return newAppAt(t, time.Now) }

// newAppAt is newApp with a clock of the test's choosing and, in pairs,
// settings beyond the database's.
func newAppAt(t testing.TB, now func() time.Time, env ...string) *fiber.App {
	t.Helper()
	return newAppWith(t, now, nil, env...)
}

// newAppWith is newAppAt with areas added to the wired ones, as
// internal/wiring adds an area's.
func newAppWith(t testing.TB, now func() time.Time, areas []web.Area, env ...string) *fiber.App {
	t.Helper()
	return newAppOnWith(t, testdb.DB(t), testdb.URL(t), now, areas, env...)
}

// newAppOn is newAppAt on a database of the test's choosing.
func newAppOn(t testing.TB, db *sqlx.DB, dbURL string, now func() time.Time, env ...string) *fiber.App {
	t.Helper()
	return newAppOnWith(t, db, dbURL, now, nil, env...)
}

func newAppOnWith(t testing.TB, db *sqlx.DB, dbURL string, now func() time.Time, areas []web.Area, env ...string) *fiber.App {
	t.Helper()
	settings := map[string]string{"DATABASE_URL": dbURL}
	for i := 0; i+1 < len(env); i += 2 {
		settings[env[i]] = env[i+1]
	}
	cfg, err := config.Load(func(k string) string { return settings[k] })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st := testfix.Stores(t, db)
	cat := testfix.Sample(t, db, st)
	deps, err := wiring.New(ctx, wiring.Base{Config: cfg, DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Stores: st, Catalog: cat, Roles: testfix.SampleRoles, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	deps.Areas = append(deps.Areas, areas...)
	app, err := web.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

func get(t *testing.T, app *fiber.App, path string, header ...string) (int, string, http.Header) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func TestPublicPages(t *testing.T) {
	app := newApp(t)
	tests := []struct {
		path   string
		status int
		want   []string
		absent []string
	}{
		{"/", 200, []string{"<h1>Waymark</h1>", "1-888-373-7888", "1-800-792-5200"}, nil},
		{"/courses", 200, []string{"A sample course", "A sample prevention series", "3 courses"}, nil},
		{"/courses?kind=prevention", 200, []string{"A sample prevention series", "1 course<"}, []string{"A sample course<"}},
		{"/courses?audience=teacher", 200, []string{"A sample course"}, []string{"A sample prevention series"}},
		{"/courses/sample-course", 200, []string{`<html lang="en">`, `<h1>A sample course</h1>`, `id="quick-exit"`, "First lesson", "Second lesson", "Teacher", "https://humantraffickinghotline.org", "pass mark is 80%"}, nil},
		{"/courses/no-such-course", 404, []string{"Page not found"}, nil},
		{"/nowhere", 404, []string{"Page not found"}, nil},
		{"/healthz", 200, []string{"ok"}, nil},
		{"/readyz", 200, []string{"ready"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			status, body, hdr := get(t, app, tt.path)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q", w)
				}
			}
			for _, w := range tt.absent {
				if strings.Contains(body, w) {
					t.Errorf("body has %q", w)
				}
			}
			if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
				t.Errorf("CSP = %q", csp)
			}
			if hdr.Get("X-Content-Type-Options") != "nosniff" || hdr.Get("Referrer-Policy") == "" {
				t.Errorf("security headers missing: %v", hdr)
			}
		})
	}
}

func TestMetricsOnlyForLoopbackOrToken(t *testing.T) {
	app := newApp(t)
	get(t, app, "/courses")
	// app.Test connects from 0.0.0.0, which is not loopback.
	if status, _, _ := get(t, app, "/metrics"); status != 404 {
		t.Fatalf("metrics open to a non-loopback client: %d", status)
	}
}

func TestReadyzFailsOnStaleSchema(t *testing.T) {
	app := newApp(t)
	db := testdb.DB(t)
	ctx := context.Background()
	var max int
	db.GetContext(ctx, &max, `SELECT max(version) FROM schema_migrations`)
	if _, err := db.ExecContext(ctx, `DELETE FROM schema_migrations WHERE version = $1`, max); err != nil {
		t.Fatal(err)
	}
	defer db.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, 'restored')`, max)
	if status, body, _ := get(t, app, "/readyz"); status != 503 || !strings.Contains(body, "migrate") {
		t.Fatalf("readyz on a stale schema = %d %q", status, body)
	}
}

// TestCatalogFiltersCached asks for the catalog under each filter twice,
// in turns: each list is rendered once per filter and cached, and every
// answer must still be its own filter's.
func TestCatalogFiltersCached(t *testing.T) {
	app := newApp(t)
	cases := []struct {
		query        string
		want, absent string
	}{
		{"", "3 courses", ""},
		{"?kind=prevention", "1 course<", "A sample course<"},
		{"?audience=teacher", "A sample course<", "A sample prevention series<"},
		{"?audience=no-such-role", "No course matches these filters.", "A sample course<"},
	}
	for round := range 2 {
		for _, c := range cases {
			status, body, _ := get(t, app, "/courses"+c.query)
			if status != 200 || !strings.Contains(body, c.want) || (c.absent != "" && strings.Contains(body, c.absent)) {
				t.Errorf("round %d, /courses%s: status %d; want %q without %q", round+1, c.query, status, c.want, c.absent)
			}
		}
	}
}
