package scim_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"reflect"
	"strings"
	"testing"
)

// fixture is a vendor's request sequence (testdata/*.json).
type fixture struct {
	About string `json:"about"`
	Steps []step `json:"steps"`
}

type step struct {
	Name    string            `json:"name"`
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Body    json.RawMessage   `json:"body"`
	Status  int               `json:"status"`
	Expect  map[string]any    `json:"expect"`
	Capture map[string]string `json:"capture"` // variable → top-level attribute of the response
	// OpenAssignments, when set, is how many open assignments ${user}
	// has in PostgreSQL after the step.
	OpenAssignments *int `json:"openAssignments"`
}

// replay sends a fixture's requests in order over HTTP with the token and
// checks each answer and, where a step says, the person's assignments.
func replay(t *testing.T, s *server, file, token string, vars map[string]string) {
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var fx fixture
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	fill := func(s string) string {
		for k, v := range vars {
			s = strings.ReplaceAll(s, "${"+k+"}", v)
		}
		return s
	}
	for i, st := range fx.Steps {
		path, query, _ := strings.Cut(fill(st.Path), "?")
		if query != "" {
			q, err := url.ParseQuery(query)
			if err != nil {
				t.Fatalf("step %d %s: query: %v", i, st.Name, err)
			}
			path += "?" + q.Encode()
		}
		var body []byte
		if st.Body != nil {
			body = []byte(fill(string(st.Body)))
		}
		r := s.do(st.Method, "/scim/v2"+path, token, body)
		if r.Status != st.Status {
			t.Fatalf("step %d %q: %s %s: status %d, want %d\n%s", i, st.Name, st.Method, path, r.Status, st.Status, r.Body)
		}
		if ct := r.Header.Get("Content-Type"); len(r.Body) > 0 && !strings.HasPrefix(ct, "application/scim+json") {
			t.Errorf("step %d %q: Content-Type %q", i, st.Name, ct)
		}
		var doc map[string]any
		if len(st.Expect) > 0 || len(st.Capture) > 0 {
			doc = r.json(t)
		}
		for k, want := range st.Expect {
			if w, ok := want.(string); ok {
				want = fill(w)
			}
			if got := doc[k]; !reflect.DeepEqual(got, want) {
				t.Errorf("step %d %q: %s = %#v, want %#v", i, st.Name, k, got, want)
			}
		}
		for v, attr := range st.Capture {
			vars[v] = fmt.Sprint(doc[attr])
		}
		if st.OpenAssignments != nil {
			if got := s.openAssignments(vars["user"]); got != *st.OpenAssignments {
				t.Fatalf("step %d %q: %d open assignments in PostgreSQL, want %d", i, st.Name, got, *st.OpenAssignments)
			}
		}
	}
}

// The requests Entra ID sends, replayed: the user gets sample-course when
// added to the group mapped to "teacher", loses it when disabled with the
// string "False" and when removed from the group, and is deactivated (not
// deleted) on DELETE.
func TestEntraIDSequence(t *testing.T) {
	s := newServer(t)
	c, token := s.client(1000)
	if err := s.svc.SetMapping(context.Background(), s.admin, c.ID, "Teachers", "teacher"); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"school": s.schoolCode, "district": s.districtCode}
	replay(t, s, "testdata/entra.json", token, vars)

	var name, email, org string
	var active bool
	if err := s.db.QueryRow(`SELECT u.name, u.email, o.code, u.deactivated_at IS NULL FROM users u JOIN organizations o ON o.id = u.org_id
		WHERE u.id = $1::bigint`, vars["user"]).Scan(&name, &email, &org, &active); err != nil {
		t.Fatal(err)
	}
	if name != "givenName familyName" || email != "updatedEmail@springfield.example.org" || org != s.districtCode || active {
		t.Errorf("person after the sequence: %q %q %s active=%v", name, email, org, active)
	}
	var audited int
	if err := s.db.Get(&audited, `SELECT count(*) FROM audit_log WHERE entity = 'user' AND entity_id = $1 AND actor_label = $2`,
		vars["user"], c.Name); err != nil {
		t.Fatal(err)
	}
	if audited < 6 {
		t.Errorf("%d audit entries name the client %q; want one per change", audited, c.Name)
	}
}

// The requests Okta sends, replayed, with the organization in a custom
// attribute (Waymark's extension).
func TestOktaSequence(t *testing.T) {
	s := newServer(t)
	c, token := s.client(1000)
	if err := s.svc.SetMapping(context.Background(), s.admin, c.ID, "Teachers", "teacher"); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"school": s.schoolCode}
	replay(t, s, "testdata/okta.json", token, vars)
	var org string
	if err := s.db.Get(&org, `SELECT o.code FROM users u JOIN organizations o ON o.id = u.org_id WHERE u.id = $1::bigint`, vars["user"]); err != nil {
		t.Fatal(err)
	}
	if org != s.schoolCode {
		t.Errorf("organization %s, want %s (from the custom attribute)", org, s.schoolCode)
	}
}
