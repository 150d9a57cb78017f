package web

import (
	"errors"
	"html/template"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/config"
)

// TestTemplateErrorIsACleanServerError renders a page that fails halfway:
// the visitor gets the 500 page, never the half-written page.
func TestTemplateErrorIsACleanServerError(t *testing.T) {
	fsys := fstest.MapFS{
		"layouts/base.html":  {Data: []byte(`{{define "base"}}<html lang="en"><body>{{block "content" .}}{{end}}</body></html>{{end}}`)},
		"partials/none.html": {Data: []byte(`{{define "none"}}{{end}}`)},
		"pages/broken.html":  {Data: []byte(`{{define "content"}}<p>HALF-WRITTEN</p>{{fail}}{{end}}`)},
		"pages/error.html":   {Data: []byte(`{{define "content"}}<h1>{{.Data.Title}}</h1>{{end}}`)},
	}
	tmpl, err := ParseTemplates(fsys, template.FuncMap{"fail": func() (string, error) { return "", errors.New("boom") }})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(func(k string) string { return map[string]string{"DATABASE_URL": "postgres://x@localhost/x"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	a := &App{cfg: cfg, tmpl: tmpl, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	app := fiber.New(fiber.Config{ErrorHandler: a.errorHandler})
	app.Get("/broken", func(c *fiber.Ctx) error { return a.render(c, fiber.StatusOK, "broken", Page{}) })
	resp, err := app.Test(httptest.NewRequest("GET", "/broken", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 500 || !strings.Contains(string(body), "Something went wrong") || strings.Contains(string(body), "HALF-WRITTEN") {
		t.Fatalf("status %d, body %q", resp.StatusCode, body)
	}
}
