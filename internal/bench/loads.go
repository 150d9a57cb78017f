package bench

import (
	"context"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/waymark/waymark/internal/auth"
	"github.com/waymark/waymark/internal/store"
)

const (
	plaintextName = "plaintext (framework ceiling)"
	bareName      = "bare page (2 indexed queries, 16 kB template)"
)

// subjects are the rows the loads point at, chosen deterministically.
type subjects struct {
	learners []person // signed in through /login
	writers  []person // given sessions directly, for first lesson openings
	lessons  map[int64][]string
	openings []opening // first openings, every writer's first lesson before anyone's second
	certs    map[int64][]string
	codes    []string
	course   string
	distinct []string // certificate PDFs of many people, for an administrator
}

type person struct {
	ID    int64  `db:"id"`
	Email string `db:"email"`
}

// pickSubjects chooses learners who have started an open assignment and
// hold a certificate, writers with lessons never opened, and valid codes.
func pickSubjects(ctx context.Context, db *sqlx.DB, learners int) (*subjects, error) {
	s := &subjects{lessons: map[int64][]string{}, certs: map[int64][]string{}}
	err := db.SelectContext(ctx, &s.learners, `SELECT u.id, u.email FROM users u
		WHERE u.email LIKE 'u%' AND u.deactivated_at IS NULL
		  AND EXISTS (SELECT 1 FROM assignments a JOIN lesson_progress p ON p.assignment_id = a.id
		              WHERE a.user_id = u.id AND a.status = 'open' AND a.available_from <= now())
		  AND EXISTS (SELECT 1 FROM completions c JOIN certificates ce ON ce.completion_id = c.id
		              WHERE c.user_id = u.id AND ce.revoked_at IS NULL)
		ORDER BY md5(u.id::text) LIMIT $1`, learners)
	if err != nil {
		return nil, fmt.Errorf("bench: pick learners: %w", err)
	}
	if len(s.learners) == 0 {
		return nil, fmt.Errorf("bench: no learner with a started assignment and a certificate: generate the dataset with `waymark bench data`")
	}
	ids := make([]int64, len(s.learners))
	for i, p := range s.learners {
		ids[i] = p.ID
	}
	var rows []struct {
		UserID int64  `db:"user_id"`
		Path   string `db:"path"`
	}
	if err := db.SelectContext(ctx, &rows, `SELECT a.user_id, '/my/courses/' || c.slug || '/lessons/' || p.lesson AS path
		FROM assignments a JOIN courses c ON c.id = a.course_id JOIN lesson_progress p ON p.assignment_id = a.id
		WHERE a.user_id = ANY($1) AND a.status = 'open' ORDER BY 1, 2`, pq.Array(ids)); err != nil {
		return nil, err
	}
	for _, r := range rows {
		s.lessons[r.UserID] = append(s.lessons[r.UserID], r.Path)
	}
	rows = rows[:0]
	if err := db.SelectContext(ctx, &rows, `SELECT c.user_id, '/my/certificates/' || c.id || '.pdf' AS path
		FROM completions c JOIN certificates ce ON ce.completion_id = c.id
		WHERE c.user_id = ANY($1) AND ce.revoked_at IS NULL ORDER BY 1, 2`, pq.Array(ids)); err != nil {
		return nil, err
	}
	for _, r := range rows {
		s.certs[r.UserID] = append(s.certs[r.UserID], r.Path)
	}
	if err := db.SelectContext(ctx, &s.distinct, `SELECT '/manage/people/' || c.user_id || '/certificates/' || c.id || '.pdf'
		FROM completions c JOIN certificates ce ON ce.completion_id = c.id
		WHERE ce.revoked_at IS NULL AND c.user_id <> ALL($1) ORDER BY md5('pdf' || c.id) LIMIT 4000`, pq.Array(ids)); err != nil {
		return nil, err
	}
	if err := db.SelectContext(ctx, &s.codes, `SELECT code FROM certificates WHERE revoked_at IS NULL ORDER BY md5(code) LIMIT 40`); err != nil {
		return nil, err
	}
	if err := db.GetContext(ctx, &s.course, `SELECT slug FROM courses WHERE current_version_id IS NOT NULL ORDER BY id LIMIT 1`); err != nil {
		return nil, err
	}
	return s, s.pickWriters(ctx, db, ids)
}

// opening is one first lesson opening of the progress-save load.
type opening struct {
	UserID int64
	Path   string
}

// pickWriters chooses people (not the learners) with lessons never opened
// in available, open assignments: each request of the progress-save load
// opens one for the first time, which records it.
func (s *subjects) pickWriters(ctx context.Context, db *sqlx.DB, exclude []int64) error {
	var rows []struct {
		UserID int64  `db:"user_id"`
		Email  string `db:"email"`
		Path   string `db:"path"`
	}
	err := db.SelectContext(ctx, &rows, `WITH w AS (
			SELECT u.id, u.email FROM users u
			WHERE u.email LIKE 'u%' AND u.deactivated_at IS NULL AND u.id <> ALL($1)
			  AND EXISTS (SELECT 1 FROM assignments a WHERE a.user_id = u.id AND a.status = 'open' AND a.started_at IS NULL
			              AND a.available_from <= now())
			ORDER BY md5('w' || u.id) LIMIT $2)
		SELECT w.id AS user_id, w.email, '/my/courses/' || c.slug || '/lessons/' || l AS path
		FROM w JOIN assignments a ON a.user_id = w.id AND a.status = 'open' AND a.started_at IS NULL AND a.available_from <= now()
		JOIN courses c ON c.id = a.course_id JOIN course_versions cv ON cv.id = c.current_version_id
		CROSS JOIN LATERAL generate_series(1, cv.lesson_count) l
		ORDER BY l, md5(a.id::text)`, pq.Array(exclude), 4000)
	if err != nil {
		return fmt.Errorf("bench: pick writers: %w", err)
	}
	seen := map[int64]bool{}
	for _, r := range rows {
		if !seen[r.UserID] {
			seen[r.UserID] = true
			s.writers = append(s.writers, person{ID: r.UserID, Email: r.Email})
		}
		s.openings = append(s.openings, opening{UserID: r.UserID, Path: r.Path})
	}
	return nil
}

// sessions signs the learners in through /login, two at a time (bcrypt).
func signInAll(base string, people []person) ([]Session, error) {
	out := make([]Session, len(people))
	errs := make([]error, len(people))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, p := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i], errs[i] = SignIn(base, p.Email, Password)
			out[i].UserID = p.ID
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// mintSession starts a session with the code /login runs after the
// password check, for the many people of the write loads (signing each in
// through bcrypt would take minutes). It returns the cookie and the
// session's CSRF token.
func mintSession(ctx context.Context, db *sqlx.DB, sessions *store.Sessions, userID int64) (cookie, csrf string, err error) {
	svc := &auth.Service{Sessions: sessions, Now: time.Now}
	tok, err := svc.StartSession(ctx, userID)
	if err != nil {
		return "", "", err
	}
	err = db.GetContext(ctx, &csrf, `SELECT csrf_token FROM sessions WHERE token_hash = $1`, auth.HashToken(tok))
	return "waymark_session=" + tok, csrf, err
}

// loadAll measures every endpoint in a fixed order.
func (r *Runner) loadAll(ctx context.Context, s *subjects) error {
	r.say("signing in %d learners, an administrator and a large-district manager through /login", len(s.learners))
	learners, err := signInAll(r.base(), s.learners)
	if err != nil {
		return err
	}
	staff, err := signInAll(r.base(), []person{{Email: AdminEmail}, {Email: LargeManagerEmail}})
	if err != nil {
		return err
	}
	admin, manager := staff[0], staff[1]
	writerCookies := map[int64]string{}
	sessions, err := store.NewSessions(r.db)
	if err != nil {
		return err
	}
	for _, w := range s.writers {
		if writerCookies[w.ID], _, err = mintSession(ctx, r.db, sessions, w.ID); err != nil {
			return err
		}
	}
	// Thousands of sessions appeared at once; in service they accumulate
	// and autovacuum keeps their statistics. Without this the server's
	// prepared session lookup keeps the plan made for an empty table (a
	// sequential scan) until autovacuum runs.
	if _, err := r.db.ExecContext(ctx, `ANALYZE sessions`); err != nil {
		return err
	}
	each := func(m map[int64][]string) []Request {
		var out []Request
		for _, l := range learners {
			for _, p := range m[l.UserID] {
				out = append(out, Request{Method: "GET", Path: p, Cookie: l.Cookie})
			}
		}
		return out
	}
	var myPages, barePages, writes, verify []Request
	for _, l := range learners {
		myPages = append(myPages, Request{Method: "GET", Path: "/my", Cookie: l.Cookie})
		barePages = append(barePages, Request{Method: "GET", Path: "/bare", Cookie: l.Cookie})
	}
	for _, o := range s.openings {
		writes = append(writes, Request{Method: "GET", Path: o.Path, Cookie: writerCookies[o.UserID]})
	}
	// Each write is sent once; at most what the target rate could use.
	if limit := int(6000 * r.opt.Duration.Seconds()); len(writes) > limit {
		writes = writes[:limit]
	}
	for i, c := range s.codes {
		if i < 25 { // the verify page allows 30 a minute per client
			verify = append(verify, Request{Method: "GET", Path: "/verify/" + url.PathEscape(c)})
		}
	}
	checks := int(300 * r.opt.Duration.Seconds())
	if r.opt.Quick {
		checks = 20
	}
	exclude := make([]int64, 0, len(s.learners)+len(s.writers))
	for _, p := range append(append([]person{}, s.learners...), s.writers...) {
		exclude = append(exclude, p.ID)
	}
	r.say("preparing %d final checks (each loaded once, which issues its attempt)", checks)
	submits, err := finalChecks(ctx, r.db, r.opt.Catalog, r.base(), checks, exclude)
	if err != nil {
		return err
	}
	adminEach := func(paths []string) []Request {
		out := make([]Request, len(paths))
		for i, p := range paths {
			out[i] = Request{Method: "GET", Path: p, Cookie: admin.Cookie}
		}
		return out
	}
	anon := func(path string) []Request { return []Request{{Method: "GET", Path: path}} }
	loads := []struct {
		l Load
		t Target
	}{
		{Load{Name: plaintextName, URL: "http://" + r.srv.BenchAddr, Requests: anon("/plaintext")}, Target{}},
		{Load{Name: bareName, URL: "http://" + r.srv.BenchAddr, Requests: barePages}, Target{}},
		{Load{Name: "catalog (GET /courses)", Requests: anon("/courses")}, Target{}},
		{Load{Name: "course page", Requests: anon("/courses/" + s.course)}, Target{}},
		{Load{Name: "sign-in page (GET /login)", Requests: anon("/login")}, Target{}},
		{Load{Name: "my training (GET /my)", Requests: myPages}, Target{}},
		{Load{Name: "lesson page (reopened)", Requests: each(s.lessons)}, lessonTarget()},
		{Load{Name: "progress save (first opening)", Requests: writes, Once: true}, progressTarget()},
		{Load{Name: "final-check submission (passing)", Requests: submits, Once: true, Expect: 303}, Target{}},
		{Load{Name: "certificate PDF (own, repeated: cached)", Requests: each(s.certs)}, Target{}},
		{Load{Name: "certificate PDF (distinct, each once)", Requests: adminEach(s.distinct), Once: true},
			distinctPDFTarget()},
		{Load{Name: "verify page (25, rate-limited)", Requests: verify, Connections: 1, Once: true}, Target{}},
	}
	r.say("loading each endpoint for %v (%d connections, %d wrk threads)", r.opt.Duration, r.opt.Connections, r.opt.Threads)
	for _, x := range loads {
		if err := r.measure(ctx, x.l, x.t); err != nil {
			return err
		}
	}
	return r.measureReports(ctx, admin, manager)
}
