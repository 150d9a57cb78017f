package web

import (
	"bytes"
	"html/template"
	"log/slog"
	"net"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/pprof"
	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/auth"
	"github.com/waymark/waymark/internal/store"
)

// ListenBench serves, on addr, what the benchmark measures against: the
// plaintext ceiling of this framework in this process (GET /plaintext), a
// bare page (GET /bare, see bareHandler) and net/http/pprof
// (/debug/pprof/). It is started by `serve` only when BENCH_ADDR is set,
// which config accepts only on a loopback address. The returned function
// stops it.
func ListenBench(addr string, db *sqlx.DB, log *slog.Logger) (stop func()) {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Use(pprof.New())
	app.Get("/plaintext", func(c *fiber.Ctx) error {
		return c.SendString("Hello, World!")
	})
	bare, err := bareHandler(db)
	if err != nil {
		log.Error("bench listener: bare page", "err", err)
		return func() {}
	}
	app.Get("/bare", bare)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Error("bench listener", "addr", addr, "err", err)
		return func() {}
	}
	go app.Listener(ln)
	log.Info("bench endpoints listening (plaintext, bare page, pprof)", "addr", addr)
	return func() { app.Shutdown() }
}

// bareTemplate is about 16 kB of page with two values in it.
var bareTemplate = template.Must(template.New("bare").Parse(`<!doctype html><html lang="en"><head><title>Bare</title></head><body>
<p>Person {{.User}}, assignment {{.Assignment}}</p>
` + strings.Repeat("<p>A paragraph of a lesson as long as a line of text in a page of training.</p>\n", 200) + `</body></html>`))

// bareHandler is the page the benchmark's lesson-page target was set
// beside, measured in the same run: a bare Fiber page that runs two
// prepared, indexed queries (the session by its token, the person's first
// assignment) and executes a 16 kB template, with none of the
// application's middleware.
func bareHandler(db *sqlx.DB) (fiber.Handler, error) {
	q, err := store.PrepareBarePage(db)
	if err != nil {
		return nil, err
	}
	return func(c *fiber.Ctx) error {
		var v struct{ User, Assignment int64 }
		var err error
		ctx := c.UserContext()
		if v.User, err = q.SessionUser(ctx, auth.HashToken(c.Cookies("waymark_session"))); err != nil {
			return fiber.ErrNotFound
		}
		if v.Assignment, err = q.FirstAssignment(ctx, v.User); err != nil {
			return fiber.ErrNotFound
		}
		var buf bytes.Buffer
		if err := bareTemplate.Execute(&buf, v); err != nil {
			return err
		}
		c.Type("html", "utf-8")
		return c.Send(buf.Bytes())
	}, nil
}
