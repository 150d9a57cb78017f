package scim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/config"
	"github.com/waymark/waymark/internal/scim"
	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
	"github.com/waymark/waymark/internal/web"
	"github.com/waymark/waymark/internal/wiring"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// server is the whole app, wired as `waymark serve` wires it, on a real
// HTTP listener, with an organization tree: a district the client may
// provision (with a school under it) and another district it may not.
type server struct {
	t                                   testing.TB
	db                                  *sqlx.DB
	url                                 string // http://127.0.0.1:port
	svc                                 *scim.Service
	deps                                web.Deps
	admin                               int64
	adminMail                           string
	district                            int64
	school                              int64
	schoolCode, otherCode, districtCode string
}

func newServer(t testing.TB) *server {
	t.Helper()
	db := testdb.DB(t)
	ctx := context.Background()
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"DATABASE_URL": testdb.URL(t), "BASE_URL": "https://waymark.example.org"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	st := testfix.Stores(t, db)
	cat := testfix.Sample(t, db, st)
	// The matrix: a teacher must take sample-course, a facilitator sample-prep.
	if _, err := db.Exec(`INSERT INTO requirements (role_code, course_id, due_days)
		SELECT r.role, c.id, 30 FROM (VALUES ('teacher', 'sample-course'), ('prevention-facilitator', 'sample-prep')) r (role, slug)
		JOIN courses c ON c.slug = r.slug ON CONFLICT DO NOTHING`); err != nil {
		t.Fatal(err)
	}
	deps, err := wiring.New(ctx, wiring.Base{Config: cfg, DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Stores: st, Catalog: cat, Roles: testfix.SampleRoles})
	if err != nil {
		t.Fatal(err)
	}
	app, err := web.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() { app.ShutdownWithTimeout(5 * time.Second) })

	s := &server{t: t, db: db, url: "http://" + ln.Addr().String(),
		svc: scim.New(db, st, deps.People, scim.Options{BaseURL: cfg.BaseURL.String()}), deps: deps}
	root := testfix.Org(t, db, "State agency", "state_agency", "", 0)
	s.district = testfix.Org(t, db, "Springfield Public Schools", "school_district", "Hampden", root)
	s.school = testfix.Org(t, db, "Springfield High", "school", "Hampden", s.district)
	other := testfix.Org(t, db, "Worcester Public Schools", "school_district", "Worcester", root)
	s.districtCode, s.schoolCode, s.otherCode = s.code(s.district), s.code(s.school), s.code(other)
	s.admin, s.adminMail = testfix.User(t, db, root, testfix.UserSpec{Name: "State Admin", Admin: true})
	return s
}

func (s *server) code(org int64) string {
	var c string
	if err := s.db.Get(&c, `SELECT code FROM organizations WHERE id = $1`, org); err != nil {
		s.t.Fatal(err)
	}
	return c
}

// client creates a provisioning client for the district, with the
// mapping Teachers → teacher, and returns it with its token.
func (s *server) client(rate int) (scim.Client, string) {
	s.t.Helper()
	c, token, err := s.svc.CreateClient(context.Background(), s.admin, scim.NewClient{Name: testfix.Unique("Entra ID "),
		OrgCode: s.districtCode, Rate: rate, Burst: rate})
	if err != nil {
		s.t.Fatal(err)
	}
	return c, token
}

// response is what a request got back.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("response %d is not JSON: %v\n%s", r.Status, err, r.Body)
	}
	return m
}

// do sends a SCIM request with the token (none when token is "").
func (s *server) do(method, path, token string, body []byte, header ...string) response {
	s.t.Helper()
	req, err := http.NewRequest(method, s.url+path, bytes.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", scim.ContentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// openAssignments counts a person's open assignments.
func (s *server) openAssignments(user string) int {
	s.t.Helper()
	var n int
	if err := s.db.Get(&n, `SELECT count(*) FROM assignments WHERE user_id = $1::bigint AND status = 'open'`, user); err != nil {
		s.t.Fatal(err)
	}
	return n
}
