package web

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
)

func TestListenBenchServesPlaintextAndPprof(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	stop := ListenBench(addr, slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer stop()
	for path, want := range map[string]int{"/plaintext": 200, "/debug/pprof/": 200, "/nothing": 404} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: status %d, want %d", path, resp.StatusCode, want)
		}
		if path == "/plaintext" && string(body) != "Hello, World!" {
			t.Errorf("plaintext body %q", body)
		}
	}
}
