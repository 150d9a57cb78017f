package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/internal/testfix"
	"github.com/waymark/waymark/internal/web"
)

// An area plugged in through Deps.Areas serves its routes behind the
// group's guard, and the route-coverage check asks for its access rows:
// a new area needs no line in app.go or routes.go.
func TestAnAreaPlugsInThroughDeps(t *testing.T) {
	app := newAppWith(t, time.Now, []web.Area{web.ProbeArea()})
	db := testdb.DB(t)
	org := testfix.Org(t, db, "Probe District", "district", "Suffolk", 0)
	_, email := testfix.User(t, db, org, testfix.UserSpec{Name: "Probe Manager", Scopes: []int64{org}})

	if r := newClient(t, app).get("/manage/probe"); r.Status == http.StatusOK {
		t.Fatalf("anonymous GET /manage/probe: 200; the manager group's guard should refuse it")
	}
	c := newClient(t, app)
	c.login(email, testfix.Password)
	if r := c.get("/manage/probe"); r.Status != http.StatusOK || !strings.Contains(r.Body, "probe for Probe Manager") {
		t.Fatalf("manager GET /manage/probe: %d %q", r.Status, r.Body)
	}
	missing, _ := accessGaps(app)
	if !slices.Contains(missing, "GET /manage/probe") {
		t.Fatalf("the route-coverage check did not ask for the new area's rows; missing = %q", missing)
	}
}
