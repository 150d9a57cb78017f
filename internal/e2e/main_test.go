package e2e_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/e2e"
	"github.com/waymark/waymark/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// env is what every browser test shares: one server, one browser.
type env struct {
	db      *sqlx.DB
	srv     *e2e.Server
	browser context.Context
	axeJS   string
	out     string // screenshots and the server log

	mu      sync.Mutex
	visited map[string]bool
}

func (e *env) visit(path string) {
	e.mu.Lock()
	e.visited[path] = true
	e.mu.Unlock()
}

// outDir is $WAYMARK_E2E_OUT, or waymark-e2e in the temporary folder. Old
// screenshots are removed so that the folder shows this run only.
func outDir(t *testing.T) string {
	dir := os.Getenv("WAYMARK_E2E_OUT")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "waymark-e2e")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	old, _ := filepath.Glob(filepath.Join(dir, "*.png"))
	for _, f := range old {
		os.Remove(f)
	}
	return dir
}

// TestBrowser starts the real app and one Chromium, then runs each flow in
// its own tab. Each flow is a subtest: go test -run 'TestBrowser/learner'.
func TestBrowser(t *testing.T) {
	start := time.Now()
	db := testdb.DB(t)
	e := &env{db: db, visited: map[string]bool{}, out: outDir(t)}
	e.axeJS = loadAxe(t)
	e.browser = startBrowser(t)

	logFile, err := os.Create(filepath.Join(e.out, "server.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	e.srv, err = e2e.Start(context.Background(), e2e.ServerOptions{DatabaseURL: testdb.URL(t), DB: db,
		MailDir: t.TempDir(), Log: slog.New(slog.NewJSONHandler(logFile, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := e.srv.Close(); err != nil {
			t.Errorf("server: %v", err)
		}
	})

	for _, f := range flows {
		t.Run(f.name, func(t *testing.T) { f.run(t, e) })
	}

	paths := make([]string, 0, len(e.visited))
	for p := range e.visited {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	t.Logf("checked %d pages in %s: %v", len(paths), time.Since(start).Round(time.Millisecond), paths)
	t.Logf("screenshots and the server log: %s", e.out)
}

// flows is every end-to-end flow, in the order they run.
var flows = []struct {
	name string
	run  func(t *testing.T, e *env)
}{
	{"checker catches a broken page", testCheckerCatchesBrokenPage},
	{"public pages", testPublicPages},
	{"sign in and out", testSignInAndOut},
	{"keyboard sign in", testKeyboardSignIn},
	{"learner path", testLearnerPath},
	{"learner path by keyboard", testKeyboardLearnerPath},
	{"facilitator logs a session", testFacilitatorLogsASession},
}
