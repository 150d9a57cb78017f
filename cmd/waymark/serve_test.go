package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/testdb"
)

// lockedBuffer is a bytes.Buffer safe for the serve goroutine and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// TestServeShutsDownGracefully starts the real server, serves the catalog
// and /metrics, then stops on cancellation (what SIGINT/SIGTERM do through
// signal.NotifyContext) with exit code 0.
func TestServeShutsDownGracefully(t *testing.T) {
	testdb.DB(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	t.Setenv("DATABASE_URL", testdb.URL(t))
	t.Setenv("LISTEN_ADDR", addr)
	t.Setenv("REMIND_INTERVAL", "0")
	t.Setenv("METRICS_TOKEN", "s3cret-token")
	ctx, cancel := context.WithCancel(context.Background())
	var out lockedBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve"}, &out, io.Discard) }()

	base := "http://" + addr
	var resp *http.Response
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if resp, err = http.Get(base + "/courses"); err == nil {
			break
		}
	}
	if err != nil {
		cancel()
		t.Fatalf("server never answered: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "Foundations") {
		t.Fatalf("catalog: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer s3cret-token")
	mresp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(mresp.Body)
	mresp.Body.Close()
	for _, want := range []string{`waymark_http_requests_total{method="GET",route="/courses",status="200"} 1`,
		"waymark_http_request_duration_seconds_bucket", `go_sql_max_open_connections{db_name="waymark"}`} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("metrics lack %q", want)
		}
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d after shutdown", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after cancellation")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("server still answers after shutdown")
	}
}

// TestServeRefusesAStatementThatDoesNotPrepare: serve prepares every hot
// statement before it listens, and a schema that does not fit one (here a
// column of user_roles gone) stops it with the statement named.
func TestServeRefusesAStatementThatDoesNotPrepare(t *testing.T) {
	t.Setenv("DATABASE_URL", testdb.URLWithout(t, "user_roles", "role_code"))
	t.Setenv("LISTEN_ADDR", "127.0.0.1:0")
	t.Setenv("REMIND_INTERVAL", "0")
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"serve"}, &out, &errOut); code != 1 {
		t.Fatalf("serve exited %d, want 1\n%s%s", code, out.String(), errOut.String())
	}
	want := "waymark serve: refusing to start: store: prepare users.roles: "
	if !strings.HasPrefix(errOut.String(), want) || !strings.Contains(errOut.String(), "role_code") {
		t.Fatalf("serve said %q, want %q and the missing column", errOut.String(), want)
	}
	if strings.Contains(out.String(), "serving") {
		t.Fatalf("serve started: %s", out.String())
	}
}
