package web_test

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// TestEveryRouteHasAnAccessRow walks every route the app registers and
// fails for one that neither has a row in the access table (accessRoutes,
// access_*_test.go) nor is listed in publicRoutes with its reason. A new
// area's routes therefore get their access rows by construction.
func TestEveryRouteHasAnAccessRow(t *testing.T) {
	missing, stale := accessGaps(newApp(t))
	for _, key := range missing {
		t.Errorf("%s has no row in the access table (accessRoutes) and is not in publicRoutes or ownRoutes", key)
	}
	for _, key := range stale {
		t.Errorf("publicRoutes or ownRoutes lists %s, which the app does not register", key)
	}
}

// accessGaps returns the app's routes that have no row in the access table
// and are not listed as public or own (missing), and the listed routes the
// app does not register (stale).
func accessGaps(app *fiber.App) (missing, stale []string) {
	// Paths of the rows, built from a fixture with made-up ids (the ids a
	// row's setup would set stay zero: they still fill the route's slot).
	f := &accessFixture{Root: 1, District: 2, OtherDist: 3, SubjectOrg: 4, Subject: 5,
		SubjectName: "Subject", SubjectEmail: "subject@example.org", SubjectCode: "SUBJ"}
	var rows []string
	for _, rt := range accessRoutes {
		p, _, _ := strings.Cut(rt.path(f), "?")
		rows = append(rows, rt.method+" "+p)
	}
	seen := map[string]bool{}
	for _, r := range app.GetRoutes(true) {
		if r.Method == http.MethodHead {
			continue // Fiber adds HEAD beside every GET
		}
		key := r.Method + " " + r.Path
		if seen[key] {
			continue
		}
		seen[key] = true
		if _, public := publicRoutes[key]; public {
			continue
		}
		if _, own := ownRoutes[key]; own {
			continue
		}
		re := routePattern(r.Method, r.Path)
		covered := false
		for _, row := range rows {
			if re.MatchString(row) {
				covered = true
				break
			}
		}
		if !covered {
			missing = append(missing, key)
		}
	}
	for _, list := range []map[string]string{publicRoutes, ownRoutes} {
		for key := range list {
			if !seen[key] {
				stale = append(stale, key)
			}
		}
	}
	sort.Strings(stale)
	return missing, stale
}

// routePattern turns a Fiber route path into a pattern that matches
// "METHOD /path" of a request it would serve: a :param (optional with ?)
// is one path segment or part of one (":id.pdf"), * and + are anything.
func routePattern(method, path string) *regexp.Regexp {
	if path != "/" {
		path = strings.TrimSuffix(path, "/") // a group's "/" route
	}
	var b strings.Builder
	b.WriteString("^" + regexp.QuoteMeta(method+" "))
	for i := 0; i < len(path); {
		switch c := path[i]; {
		case c == ':':
			j := i + 1
			for j < len(path) && (path[j] == '_' || 'a' <= path[j] && path[j] <= 'z' || 'A' <= path[j] && path[j] <= 'Z' || '0' <= path[j] && path[j] <= '9') {
				j++
			}
			if j < len(path) && path[j] == '?' {
				b.WriteString("[^/]*")
				j++
			} else {
				b.WriteString("[^/]+")
			}
			i = j
		case c == '*' || c == '+':
			b.WriteString(".*")
			i++
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
			i++
		}
	}
	b.WriteString("/?$")
	return regexp.MustCompile(b.String())
}

// publicRoutes are the routes anyone may call without signing in, so the
// access table has nothing to deny; each says why that is safe. (Static
// files are middleware, not routes.)
var publicRoutes = map[string]string{
	"GET /healthz":     "liveness probe; says only \"ok\"",
	"GET /readyz":      "readiness probe; says only whether the database and schema are ready",
	"GET /favicon.ico": "the site icon, the same for everyone",
	"GET /metrics":     "404 unless the bearer token matches or the caller is on loopback (TestMetricsOnlyForLoopbackOrToken)",

	"GET /":              "the public home page",
	"GET /courses":       "the public catalog",
	"GET /courses/:slug": "a public catalog page",

	"GET /login":   "the sign-in form",
	"POST /login":  "signing in; throttled per address and account (auth.ErrThrottled)",
	"POST /logout": "ends the caller's own session only",

	"GET /password/forgot":      "the reset-request form",
	"POST /password/forgot":     "answers the same whether or not the address exists; throttled per client address",
	"GET /password/set/:token":  "the secret token in the link is the credential",
	"POST /password/set/:token": "the secret token in the link is the credential",
	"GET /verify":               "the public certificate-verification form",
	"GET /verify/:code":         "public verification by a 78-bit code, rate-limited; shows only what the certificate shows",
	"GET /unsubscribe/:token":   "the secret token in the link is the credential",
	"POST /unsubscribe/:token":  "RFC 8058 one-click unsubscribe; the secret token is the credential",
}

// ownRoutes need a signed-in person and act only on that person's own
// records (the handler keys on the viewer's id, never on an id in the
// request), so there is no other person whose data a row could guard.
// Another person's final check is in the table (access_learning_test.go).
var ownRoutes = map[string]string{
	"GET /my/courses/:slug":            "the viewer's own course player; not started: a redirect to the catalog",
	"GET /my/courses/:slug/lessons/:n": "the viewer's own lesson",
	"GET /my/courses/:slug/resume":     "a redirect to the viewer's own next unopened lesson",
	"GET /my/courses/:slug/check":      "the viewer's own final check",
}
