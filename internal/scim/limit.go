package scim

import (
	"math"
	"sync"
	"time"
)

// limiter is a token bucket per provisioning client, in this process.
// Each instance limits on its own: the limit protects an instance's CPU
// and connection pool from one client's burst, which a per-instance
// bucket does without a database write per request (a bucket row in
// PostgreSQL would add one to every SCIM call and contend on the row). With
// n instances behind a balancer a client may reach n times its rate;
// the rate is per client in scim_clients, so an operator sets it with
// that in mind.
type limiter struct {
	mu      sync.Mutex
	now     func() time.Time
	buckets map[int64]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, buckets: map[int64]*bucket{}}
}

// take spends one token of the client's bucket (rate per second, burst
// deep). When none is left it reports how long until one is.
func (l *limiter) take(client int64, rate, burst int) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[client]
	if !ok {
		b = &bucket{tokens: float64(burst), at: now}
		l.buckets[client] = b
	}
	b.tokens = math.Min(float64(burst), b.tokens+now.Sub(b.at).Seconds()*float64(rate))
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / float64(rate) * float64(time.Second))
	return false, wait
}
