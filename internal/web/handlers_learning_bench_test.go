package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
)

// BenchmarkLessonPage measures the lesson page for a signed-in learner
// through the whole Fiber stack (session, viewer, player query, render),
// after the lesson's first opening: the steady state of a learner reading.
func BenchmarkLessonPage(b *testing.B) {
	c, _ := benchLearner(b)
	benchGet(b, c, "/my/courses/sample-course/lessons/1")
}

// BenchmarkLessonCheck measures a knowledge-check answer (re-render with
// feedback, nothing stored).
func BenchmarkLessonCheck(b *testing.B) {
	c, _ := benchLearner(b)
	benchGet(b, c, "/my/courses/sample-course/lessons/1?check=1&option=0")
}

func benchLearner(b *testing.B) (*client, int64) {
	b.Helper()
	app := newApp(b)
	db := testdb.DB(b)
	org := testfix.Org(b, db, "Bench school", "school", "Suffolk", 0)
	id, email := testfix.User(b, db, org, testfix.UserSpec{})
	c := newClient(b, app)
	c.login(email, testfix.Password)
	c.get("/my")
	c.post("/courses/sample-course/start", nil)
	if r := c.get("/my/courses/sample-course/lessons/1"); r.Status != 200 {
		b.Fatalf("lesson: %d", r.Status)
	}
	return c, id
}

func benchGet(b *testing.B, c *client, path string) {
	b.ReportAllocs()
	for b.Loop() {
		benchDo(b, c, httptest.NewRequest(http.MethodGet, path, nil))
	}
}

func benchDo(b *testing.B, c *client, req *http.Request) {
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := c.app.Test(req, -1)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		b.Fatalf("status %d", resp.StatusCode)
	}
}
