package scim_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/testfix"
)

func userBody(userName, orgCode string) []byte {
	return fmt.Appendf(nil, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":%q,
		"name":{"givenName":"Pat","familyName":"Lee"},"emails":[{"value":%q,"primary":true}],"active":true,
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":%q}}`, userName, userName, orgCode)
}

func (s *server) count(query string, args ...any) int {
	s.t.Helper()
	var n int
	if err := s.db.Get(&n, query, args...); err != nil {
		s.t.Fatal(err)
	}
	return n
}

// A client's token reaches only its subtree: it cannot create a person
// outside it (403), see or change one there (404), move one out of it
// (403) or put one in a group (404) — and nothing is written.
func TestTokenScope(t *testing.T) {
	s := newServer(t)
	c, token := s.client(1000)
	ctx := context.Background()
	if err := s.svc.SetMapping(ctx, s.admin, c.ID, "Teachers", "teacher"); err != nil {
		t.Fatal(err)
	}
	var otherOrg int64
	if err := s.db.Get(&otherOrg, `SELECT id FROM organizations WHERE code = $1`, s.otherCode); err != nil {
		t.Fatal(err)
	}
	outsider, outsiderEmail := testfix.User(t, s.db, otherOrg, testfix.UserSpec{Name: "Outside Person"})
	out := strconv.FormatInt(outsider, 10)
	audits := func() int { return s.count(`SELECT count(*) FROM audit_log`) }
	before := audits()

	email := testfix.Unique("outside") + "@example.org"
	r := s.do("POST", "/scim/v2/Users", token, userBody(email, s.otherCode))
	if r.Status != http.StatusForbidden {
		t.Fatalf("create in another district: %d %s", r.Status, r.Body)
	}
	if n := s.count(`SELECT count(*) FROM users WHERE lower(email) = lower($1)`, email); n != 0 {
		t.Errorf("the refused create wrote %d people", n)
	}
	for _, m := range []string{"GET", "DELETE"} {
		if r := s.do(m, "/scim/v2/Users/"+out, token, nil); r.Status != http.StatusNotFound {
			t.Errorf("%s someone outside: %d %s", m, r.Status, r.Body)
		}
	}
	patch := []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}`)
	if r := s.do("PATCH", "/scim/v2/Users/"+out, token, patch); r.Status != http.StatusNotFound {
		t.Errorf("PATCH someone outside: %d %s", r.Status, r.Body)
	}
	if r := s.do("PUT", "/scim/v2/Users/"+out, token, userBody(outsiderEmail, s.schoolCode)); r.Status != http.StatusNotFound {
		t.Errorf("PUT someone outside into the district: %d %s", r.Status, r.Body)
	}
	r = s.do("GET", "/scim/v2/Users?filter="+urlQuery(`userName eq "`+outsiderEmail+`"`), token, nil)
	if r.Status != 200 || r.json(t)["totalResults"] != float64(0) {
		t.Errorf("a filter found someone outside: %d %s", r.Status, r.Body)
	}

	// Someone inside cannot be moved out.
	r = s.do("POST", "/scim/v2/Users", token, userBody(testfix.Unique("inside")+"@example.org", s.schoolCode))
	if r.Status != http.StatusCreated {
		t.Fatalf("create inside: %d %s", r.Status, r.Body)
	}
	in := r.json(t)["id"].(string)
	before = audits()
	move := fmt.Appendf(nil, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace",
		"path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":%q}]}`, s.otherCode)
	if r := s.do("PATCH", "/scim/v2/Users/"+in, token, move); r.Status != http.StatusForbidden {
		t.Errorf("move out of the subtree: %d %s", r.Status, r.Body)
	}
	if n := s.count(`SELECT count(*) FROM users WHERE id = $1::bigint AND org_id = $2`, in, s.school); n != 1 {
		t.Errorf("the refused move changed the person's organization")
	}

	// A group cannot take in someone outside, even beside someone inside.
	r = s.do("POST", "/scim/v2/Groups", token, []byte(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Teachers"}`))
	if r.Status != http.StatusCreated {
		t.Fatalf("create group: %d %s", r.Status, r.Body)
	}
	group := r.json(t)["id"].(string)
	add := fmt.Appendf(nil, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"members",
		"value":[{"value":%q},{"value":%q}]}]}`, in, out)
	if r := s.do("PATCH", "/scim/v2/Groups/"+group, token, add); r.Status != http.StatusNotFound {
		t.Errorf("add someone outside to a group: %d %s", r.Status, r.Body)
	}
	if n := s.count(`SELECT count(*) FROM scim_group_members WHERE group_id = $1::bigint`, group); n != 0 {
		t.Errorf("the refused PATCH left %d members", n)
	}
	if n := s.count(`SELECT count(*) FROM user_roles WHERE user_id IN ($1::bigint, $2::bigint)`, in, out); n != 0 {
		t.Errorf("the refused PATCH granted %d roles", n)
	}
	if got := audits(); got != before+1 { // the group's creation only
		t.Errorf("refused requests wrote %d audit entries", got-before-1)
	}

	// Another client cannot see this client's group.
	_, other := s.client(1000)
	if r := s.do("GET", "/scim/v2/Groups/"+group, other, nil); r.Status != http.StatusNotFound {
		t.Errorf("another client's group: %d %s", r.Status, r.Body)
	}
}

// A missing, unknown or revoked token is 401 in SCIM's error schema.
func TestTokens(t *testing.T) {
	s := newServer(t)
	c, token := s.client(1000)
	for name, tok := range map[string]string{"no token": "", "unknown token": "not-a-token"} {
		r := s.do("GET", "/scim/v2/Users", tok, nil)
		if r.Status != http.StatusUnauthorized || r.json(t)["schemas"].([]any)[0] != "urn:ietf:params:scim:api:messages:2.0:Error" {
			t.Errorf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	if r := s.do("GET", "/scim/v2/ServiceProviderConfig", token, nil); r.Status != 200 {
		t.Errorf("ServiceProviderConfig: %d %s", r.Status, r.Body)
	}
	if err := s.svc.RevokeClient(context.Background(), s.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	if r := s.do("GET", "/scim/v2/Users", token, nil); r.Status != http.StatusUnauthorized {
		t.Errorf("revoked token: %d %s", r.Status, r.Body)
	}
}

// The session CSRF check is skipped only for a bearer request without
// cookies: a signed-in browser's POST to /scim/v2 (a forged cross-site
// form rides on its cookie) is refused, token or not, and writes nothing.
func TestSCIMRefusesSessionCookies(t *testing.T) {
	s := newServer(t)
	_, token := s.client(1000)
	session, err := s.deps.Auth.StartSession(context.Background(), s.admin)
	if err != nil {
		t.Fatal(err)
	}
	cookie := "__Host-waymark_session=" + session
	for name, tok := range map[string]string{"cookie only": "", "cookie and token": token} {
		email := testfix.Unique("csrf") + "@example.org"
		r := s.do("POST", "/scim/v2/Users", tok, userBody(email, s.schoolCode), "Cookie", cookie)
		if r.Status != http.StatusForbidden {
			t.Errorf("%s: %d %s", name, r.Status, r.Body)
		}
		if n := s.count(`SELECT count(*) FROM users WHERE email = $1`, email); n != 0 {
			t.Errorf("%s: the refused POST created the person", name)
		}
	}
	if r := s.do("POST", "/scim/v2/Users", token, userBody(testfix.Unique("ok")+"@example.org", s.schoolCode)); r.Status != http.StatusCreated {
		t.Errorf("token without cookies: %d %s", r.Status, r.Body)
	}
}

// A 10,000-request burst from one client: the first requests up to its
// bucket's depth go through, the rest get 429 with Retry-After, and only
// the admitted requests write anything.
func TestBurstIsRateLimited(t *testing.T) {
	s := newServer(t)
	const rate, burst = 20, 20
	_, token := s.client(rate)
	start := time.Now()
	var created, limited, other atomic.Int64
	var retryAfter atomic.Value
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				r := s.do("POST", "/scim/v2/Users", token, userBody(fmt.Sprintf("burst-%d-%d@example.org", start.UnixNano(), i), s.schoolCode))
				switch r.Status {
				case http.StatusCreated:
					created.Add(1)
				case http.StatusTooManyRequests:
					limited.Add(1)
					retryAfter.Store(r.Header.Get("Retry-After"))
				default:
					other.Add(1)
				}
			}
		}()
	}
	for i := 0; i < 10000; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	allowed := int64(burst + rate*elapsed.Seconds() + 1)
	t.Logf("10,000 requests in %v: %d created, %d limited", elapsed, created.Load(), limited.Load())
	if other.Load() != 0 || created.Load() == 0 || created.Load() > allowed || limited.Load() < 10000-allowed {
		t.Errorf("created %d (at most %d allowed), limited %d, other %d", created.Load(), allowed, limited.Load(), other.Load())
	}
	if ra, _ := retryAfter.Load().(string); ra == "" || ra == "0" {
		t.Errorf("429 without a Retry-After (%q)", ra)
	}
	if n := s.count(`SELECT count(*) FROM users WHERE email LIKE $1`, fmt.Sprintf("burst-%d-%%", start.UnixNano())); int64(n) != created.Load() {
		t.Errorf("%d people written for %d admitted requests", n, created.Load())
	}
}
