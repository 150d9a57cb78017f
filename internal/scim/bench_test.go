package scim_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The SCIM benchmarks run over HTTP against the wired app, like the
// replay tests:
//
//	go test -run '^$' -bench SCIM -benchtime 2000x ./internal/scim      # per request
//	SCIM_BENCH_USERS=50000 go test -run '^$' -bench SCIMProvision -benchtime 1x ./internal/scim
//
// (make bench-scim runs both.)

// BenchmarkSCIMCreateUser is POST /Users, one per iteration, from 8
// concurrent connections.
func BenchmarkSCIMCreateUser(b *testing.B) {
	s := newServer(b)
	_, token := s.client(100000)
	prefix := fmt.Sprintf("bench-%d", time.Now().UnixNano())
	var n atomic.Int64
	b.SetParallelism(4) // 4 × GOMAXPROCS (2) connections
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			if r := s.do("POST", "/scim/v2/Users", token, userBody(fmt.Sprintf("%s-%d@example.org", prefix, i), s.schoolCode)); r.Status != http.StatusCreated {
				b.Errorf("create: %d %s", r.Status, r.Body)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "users/s")
}

// BenchmarkSCIMPatchUser is Entra ID's attribute PATCH on existing people.
func BenchmarkSCIMPatchUser(b *testing.B) {
	s := newServer(b)
	_, token := s.client(100000)
	prefix := fmt.Sprintf("patch-%d", time.Now().UnixNano())
	ids := make([]string, 64)
	for i := range ids {
		r := s.do("POST", "/scim/v2/Users", token, userBody(fmt.Sprintf("%s-%d@example.org", prefix, i), s.schoolCode))
		ids[i] = r.json(b)["id"].(string)
	}
	var n atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			body := fmt.Appendf(nil, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
				{"op":"Replace","path":"name.familyName","value":"Family %d"},{"op":"Replace","path":"active","value":"True"}]}`, i)
			if r := s.do("PATCH", "/scim/v2/Users/"+ids[i%int64(len(ids))], token, body); r.Status != http.StatusOK {
				b.Errorf("patch: %d %s", r.Status, r.Body)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "patches/s")
}

// BenchmarkSCIMProvision provisions SCIM_BENCH_USERS people (default
// 2,000) the way a first Entra ID or Okta cycle does: every user created
// (8 connections), then added to the groups mapped to the teacher role,
// 100 members a PATCH, one group per connection; it checks that every one
// of them has their assignment in PostgreSQL.
func BenchmarkSCIMProvision(b *testing.B) {
	users := 2000
	if v := os.Getenv("SCIM_BENCH_USERS"); v != "" {
		var err error
		if users, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	s := newServer(b)
	for i := 0; i < b.N; i++ {
		provision(b, s, users, 32)
	}
}

func provision(b *testing.B, s *server, users, conns int) {
	c, token := s.client(100000)
	ctx := context.Background()
	if err := s.svc.SetMapping(ctx, s.admin, c.ID, "Teachers", "teacher"); err != nil {
		b.Fatal(err)
	}
	prefix := fmt.Sprintf("prov-%d", time.Now().UnixNano())
	start := time.Now()
	ids := make([][]string, conns)
	var wg sync.WaitGroup
	for w := 0; w < conns; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < users; i += conns {
				r := s.do("POST", "/scim/v2/Users", token, userBody(fmt.Sprintf("%s-%d@example.org", prefix, i), s.schoolCode))
				if r.Status != http.StatusCreated {
					b.Errorf("create: %d %s", r.Status, r.Body)
					return
				}
				ids[w] = append(ids[w], r.json(b)["id"].(string))
			}
		}(w)
	}
	wg.Wait()
	created := time.Since(start)
	for w := 0; w < conns; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			name := "Teachers"
			if w > 0 {
				name = fmt.Sprintf("Teachers %d", w)
				if err := s.svc.SetMapping(ctx, s.admin, c.ID, name, "teacher"); err != nil {
					b.Error(err)
					return
				}
			}
			r := s.do("POST", "/scim/v2/Groups", token, fmt.Appendf(nil, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":%q}`, name))
			if r.Status != http.StatusCreated {
				b.Errorf("group: %d %s", r.Status, r.Body)
				return
			}
			group := r.json(b)["id"].(string)
			for i := 0; i < len(ids[w]); i += 100 {
				var refs []string
				for _, id := range ids[w][i:min(i+100, len(ids[w]))] {
					refs = append(refs, `{"value":"`+id+`"}`)
				}
				body := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"members","value":[` +
					strings.Join(refs, ",") + `]}]}`
				if r := s.do("PATCH", "/scim/v2/Groups/"+group, token, []byte(body)); r.Status != http.StatusNoContent {
					b.Errorf("members: %d %s", r.Status, r.Body)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	n := s.count(`SELECT count(*) FROM assignments a JOIN users u ON u.id = a.user_id WHERE u.email LIKE $1 AND a.status = 'open'`, prefix+"-%")
	if n != users {
		b.Fatalf("%d of %d people have their assignment", n, users)
	}
	b.ReportMetric(elapsed.Seconds(), "s/provisioning")
	b.ReportMetric(float64(users)/elapsed.Seconds(), "users/s")
	b.Logf("%d users: created in %.1fs, in their groups with assignments after %.1fs (%.0f users/s)",
		users, created.Seconds(), elapsed.Seconds(), float64(users)/elapsed.Seconds())
}
