package web_test

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

const metricsSeries = "waymark_http_requests_total"

// A client on loopback gets the metrics without a token.
func TestMetricsForLoopback(t *testing.T) {
	app := newApp(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	defer app.Shutdown()
	base := "http://" + ln.Addr().String()
	fetch := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	fetch("/courses")
	status, body := fetch("/metrics")
	if status != 200 || !strings.Contains(body, metricsSeries+`{method="GET",route="/courses",status="200"} 1`) {
		t.Fatalf("loopback /metrics = %d:\n%.2000s", status, body)
	}
}

// Anyone else gets them with METRICS_TOKEN as a bearer token, and only so.
func TestMetricsForTheToken(t *testing.T) {
	const token = "a-metrics-token-of-some-length"
	app := newAppAt(t, time.Now, "METRICS_TOKEN", token)
	get(t, app, "/courses")
	tests := []struct {
		name, auth string
		status     int
	}{
		{"the token", "Bearer " + token, 200},
		{"no token", "", 404},
		{"another token", "Bearer " + token + "x", 404},
		{"the token without Bearer", token, 404},
		{"Bearer and nothing", "Bearer ", 404},
	}
	for _, tt := range tests {
		var header []string
		if tt.auth != "" {
			header = []string{"Authorization", tt.auth}
		}
		// app.Test connects from 0.0.0.0, which is not loopback.
		status, body, _ := get(t, app, "/metrics", header...)
		if status != tt.status || (status == 200) != strings.Contains(body, metricsSeries) {
			t.Errorf("%s: /metrics = %d:\n%.300s", tt.name, status, body)
		}
	}
}
