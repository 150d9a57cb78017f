package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
)

// While PostgreSQL is down (a private cluster, stopped), a signed-in page
// answers 503 with a friendly page and Retry-After, /readyz says why, and
// everything answers again once the server is back.
func TestDatabaseDownAnswers503(t *testing.T) {
	cl := testdb.NewCluster(t)
	db := cl.Migrated()
	app := newAppOn(t, db, cl.URL, time.Now)
	org := testfix.Org(t, db, "Police department", "police_department", "Suffolk", 0)
	_, email := testfix.User(t, db, org, testfix.UserSpec{Name: "Officer Down", Roles: []string{"teacher"}})
	c := newClient(t, app)
	c.login(email, testfix.Password)
	if r := c.get("/my"); r.Status != http.StatusOK {
		t.Fatalf("/my before: %d", r.Status)
	}

	cl.Stop()
	r := c.get("/my")
	if r.Status != http.StatusServiceUnavailable || !strings.Contains(r.Body, "Waymark is briefly unavailable") ||
		!strings.Contains(r.Body, "try again in a minute") || !strings.Contains(r.Body, "<main") || r.Header.Get("Retry-After") == "" {
		t.Fatalf("/my while the database is down: %d\n%s", r.Status, r.Body)
	}
	status, body, _ := get(t, app, "/readyz")
	if status != http.StatusServiceUnavailable || !strings.Contains(body, "database unreachable: ") || strings.Contains(body, "127.0.0.1") {
		t.Fatalf("/readyz while the database is down: %d %q", status, body)
	}
	t.Logf("/readyz: %s", body)

	cl.Start()
	if r := c.get("/my"); r.Status != http.StatusOK {
		t.Fatalf("/my after the database is back: %d", r.Status)
	}
}
