package e2e_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
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
	ssoKey  []byte // the server's SSO_SECRET_KEY

	mu      sync.Mutex
	visited map[string]bool // paths
	checked map[string]bool // page signatures
}

// visit records a visit and reports whether a page of this shape is new.
func (e *env) visit(path, signature string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.visited[path] = true
	if e.checked[signature] {
		return false
	}
	e.checked[signature] = true
	return true
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
	e := &env{db: db, visited: map[string]bool{}, checked: map[string]bool{}, out: outDir(t)}
	e.axeJS = loadAxe(t)
	e.browser = startBrowser(t)

	logFile, err := os.Create(filepath.Join(e.out, "server.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { logFile.Close() })
	e.ssoKey = make([]byte, 32)
	rand.Read(e.ssoKey)
	e.srv, err = e2e.Start(context.Background(), e2e.ServerOptions{DatabaseURL: testdb.URL(t), DB: db,
		MailDir: t.TempDir(), Log: slog.New(slog.NewJSONHandler(logFile, nil)), SSOSecretKey: base64.StdEncoding.EncodeToString(e.ssoKey)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := e.srv.Close(); err != nil {
			t.Errorf("server: %v", err)
		}
	})

	t.Cleanup(func() {
		paths := make([]string, 0, len(e.visited))
		for p := range e.visited {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		t.Logf("visited %d pages (%d page shapes checked) in %s: %v", len(paths), len(e.checked),
			time.Since(start).Round(time.Millisecond), paths)
		t.Logf("screenshots and the server log: %s", e.out)
	})
	// The flows run two at a time (go test's -parallel is GOMAXPROCS), each
	// in its own tab and browser context.
	for _, f := range flows {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			f.run(t, e)
		})
	}
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
	{"admin imports a roster", testAdminImportsARoster},
	{"manager sees progress", testManagerSeesProgress},
	{"sign in with the agency's identity provider", testSSOSignIn},
}
