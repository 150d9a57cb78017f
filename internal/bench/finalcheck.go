package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"sync"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/store"
)

var tokenField = regexp.MustCompile(`name="token" value="([^"]+)"`)

// finalChecks prepares n final-check submissions, each sendable once: people
// (other than exclude) with an open, started assignment of a course with a
// quiz have every lesson opened on the copy (as if they had read them all,
// which pacing asks for), get a session, and load the check page, which
// issues the attempt; the body answers every question right, so each
// submission passes and records a completion and its certificate.
func finalChecks(ctx context.Context, db *sqlx.DB, cat *catalog.Catalog, base string, n int, exclude []int64) ([]Request, error) {
	var slugs []string
	for _, c := range cat.Courses {
		if c.Kind == "training" && len(c.Quiz) > 0 {
			slugs = append(slugs, c.Slug)
		}
	}
	var picks []struct {
		AssignmentID int64  `db:"id"`
		UserID       int64  `db:"user_id"`
		Slug         string `db:"slug"`
	}
	err := db.SelectContext(ctx, &picks, `SELECT DISTINCT ON (a.user_id) a.id, a.user_id, c.slug
		FROM assignments a JOIN courses c ON c.id = a.course_id
		JOIN users u ON u.id = a.user_id AND u.deactivated_at IS NULL AND u.email LIKE 'u%'
		WHERE a.status = 'open' AND a.started_at IS NOT NULL AND a.available_from <= now()
		  AND c.slug = ANY($1) AND a.user_id <> ALL($2)
		ORDER BY a.user_id, md5(a.id::text) LIMIT $3`, pq.Array(slugs), pq.Array(exclude), n)
	if err != nil {
		return nil, fmt.Errorf("bench: pick final checks: %w", err)
	}
	ids := make([]int64, len(picks))
	for i, p := range picks {
		ids[i] = p.AssignmentID
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO lesson_progress (assignment_id, lesson, opened_at)
		SELECT a.id, l, now() FROM assignments a JOIN courses c ON c.id = a.course_id
		JOIN course_versions cv ON cv.id = c.current_version_id
		CROSS JOIN LATERAL generate_series(1, cv.lesson_count) l
		WHERE a.id = ANY($1) ON CONFLICT DO NOTHING`, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("bench: open every lesson: %w", err)
	}
	out := make([]Request, len(picks))
	errs := make([]error, len(picks))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	sessions, err := store.NewSessions(db)
	if err != nil {
		return nil, err
	}
	for i, p := range picks {
		cookie, csrf, err := mintSession(ctx, db, sessions, p.UserID)
		if err != nil {
			return nil, err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i], errs[i] = checkSubmission(base, cat.Get(p.Slug), cookie, csrf)
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

// checkSubmission loads the final check (issuing its attempt) and builds
// the form that answers every question right.
func checkSubmission(base string, c *catalog.Course, cookie, csrf string) (Request, error) {
	path := "/my/courses/" + c.Slug + "/check"
	resp, body, err := get(base+path, cookie)
	if err != nil {
		return Request{}, err
	}
	m := tokenField.FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		return Request{}, fmt.Errorf("bench: final check of %s: status %d, attempt token found: %t", c.Slug, resp.StatusCode, m != nil)
	}
	form := url.Values{"csrf": {csrf}, "token": {m[1]}}
	for _, q := range c.Quiz {
		for _, n := range q.Correct() {
			form.Add(learning.FieldPrefix+q.ID, strconv.Itoa(n))
		}
	}
	return Request{Method: "POST", Path: path, Cookie: cookie, Body: form.Encode()}, nil
}
