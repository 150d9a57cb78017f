package main

import (
	"os"
	"runtime/debug"
)

// Garbage-collector settings for serve, unless GOGC or GOMEMLIMIT say
// otherwise. The server's live heap is small (about 20 MB) and every
// page allocates while rendering, so with Go's default (collect when the
// heap doubles) the collector ran about a tenth of the server's CPU under
// load. Collecting at five times the live heap, with a soft limit well
// under the 300 MB memory budget, trades a little memory for that CPU;
// near the limit the collector runs as often as it must.
const (
	serveGCPercent  = 400
	serveMemLimitMB = 192
)

func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serveGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serveMemLimitMB << 20)
	}
}
