package demo

import (
	"sync"
	"time"
)

// Clock is the fake clock the demo's services run on: each event of the
// history is written at its own time. Zero means the real time.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.t.IsZero() {
		return time.Now()
	}
	return c.t
}

// Set moves the clock (the zero time: back to the real time).
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}
