package web

import (
	"log/slog"
	"net"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/pprof"
)

// ListenBench serves, on addr, what the benchmark measures against: the
// plaintext ceiling of this framework in this process (GET /plaintext) and
// net/http/pprof (/debug/pprof/). It is started by `serve` only when
// BENCH_ADDR is set, which config accepts only on a loopback address. The
// returned function stops it.
func ListenBench(addr string, log *slog.Logger) (stop func()) {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Use(pprof.New())
	app.Get("/plaintext", func(c *fiber.Ctx) error {
		return c.SendString("Hello, World!")
	})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Error("bench listener", "addr", addr, "err", err)
		return func() {}
	}
	go app.Listener(ln)
	log.Info("bench endpoints listening (plaintext, pprof)", "addr", addr)
	return func() { app.Shutdown() }
}
