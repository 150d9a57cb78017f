package sso_test

import (
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/waymark/waymark/internal/testfix"
)

// BenchmarkOIDCCallback measures the sign-in callback of a linked person,
// as the browser sees it on the real listener: the state check, the code
// exchange with the OP over HTTP (PKCE), the ID token's signature and
// claims, the link lookup and the new session. Leaving for the OP (start
// and authorize) is outside the timer.
func BenchmarkOIDCCallback(b *testing.B) {
	w := newWaymark(b)
	o := newOP(b)
	id := w.oidcProvider(o, nil)
	// Link mockoidc's default user (subject 1234567890) once; every later
	// authorization, with an empty queue, signs them in again.
	o.QueueUser(&mockoidc.MockUser{Subject: mockoidc.DefaultUser().Subject, Email: "bench." + testfix.Unique("") + "@" + w.domainOf(id),
		EmailVerified: true, Groups: []string{"Teachers"}})
	first := newBrowser(b)
	if p := first.get(w.base + "/sso/" + id64(id) + "/start"); p.URL.Path != "/my" {
		b.Fatalf("linking sign-in ended on %s\n%s", p.URL, w.logs)
	}
	my := regexp.MustCompile(`^/my`)
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		br := newBrowser(b)
		br.stopAt = callbackPath
		br.get(w.base + "/sso/" + id64(id) + "/start")
		cb := br.stopped
		br.stopAt, br.stopped = my, nil
		b.StartTimer()
		start := time.Now()
		br.get(cb.String())
		times = append(times, time.Since(start))
		b.StopTimer()
		if br.stopped == nil {
			b.Fatalf("the callback did not send the browser to /my\n%s", w.logs)
		}
		b.StartTimer()
	}
	b.StopTimer()
	slices.Sort(times)
	if len(times) > 0 {
		b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
	}
}
