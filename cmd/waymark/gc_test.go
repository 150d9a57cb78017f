package main

import (
	"runtime/debug"
	"testing"
)

// TestTuneGC checks serve's collector settings and that GOGC and
// GOMEMLIMIT, when set, are left to the runtime.
func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	debug.SetGCPercent(100)
	tuneGC()
	if got := debug.SetGCPercent(100); got != serveGCPercent {
		t.Errorf("GC percent %d, want %d", got, serveGCPercent)
	}
	if got := debug.SetMemoryLimit(-1); got != serveMemLimitMB<<20 {
		t.Errorf("memory limit %d, want %d", got, serveMemLimitMB<<20)
	}

	t.Setenv("GOGC", "100")
	t.Setenv("GOMEMLIMIT", "1GiB")
	debug.SetGCPercent(100)
	before := debug.SetMemoryLimit(-1)
	tuneGC()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC set: GC percent changed to %d", got)
	}
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("GOMEMLIMIT set: memory limit changed to %d", got)
	}
}
