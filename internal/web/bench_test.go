package web

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/auth"
	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
)

// TestListenBench serves the plaintext ceiling, pprof and the bare page,
// which reads a signed-in person's first assignment.
func TestListenBench(t *testing.T) {
	db := testdb.DB(t)
	org := testfix.Org(t, db, "Bench", "police", "Suffolk", 0)
	user, _ := testfix.User(t, db, org, testfix.UserSpec{})
	course, _ := testfix.CourseRow(t, db, "")
	assignment := testfix.AssignmentRow(t, db, testfix.AssignmentSpec{UserID: user, CourseID: course, DueAt: time.Now().Add(time.Hour)})
	svc := &auth.Service{Sessions: testfix.Stores(t, db).Sessions, Now: time.Now}
	token, err := svc.StartSession(context.Background(), user)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	stop := ListenBench(addr, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer stop()
	cases := []struct {
		path, cookie string
		status       int
		body         string
	}{
		{"/plaintext", "", 200, "Hello, World!"},
		{"/debug/pprof/", "", 200, ""},
		{"/nothing", "", 404, ""},
		{"/bare", "waymark_session=" + token, 200, "assignment " + strconv.FormatInt(assignment, 10)},
		{"/bare", "waymark_session=not-a-session", 404, ""},
	}
	for _, c := range cases {
		req, _ := http.NewRequest("GET", "http://"+addr+c.path, nil)
		if c.cookie != "" {
			req.Header.Set("Cookie", c.cookie)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status || !strings.Contains(string(body), c.body) {
			t.Errorf("%s: status %d, body %.80q; want %d with %q", c.path, resp.StatusCode, body, c.status, c.body)
		}
		if c.path == "/bare" && c.status == 200 && len(body) < 16000 {
			t.Errorf("the bare page is %d bytes, want about 16 kB", len(body))
		}
	}
}
