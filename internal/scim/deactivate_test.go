package scim_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/testfix"
)

// Deactivation through SCIM (Okta's PATCH active false) ends the person's
// sessions and withdraws their open assignments; their completions and
// certificates stay, and so does the history of the completed assignment.
func TestDeactivationKeepsTrainingRecords(t *testing.T) {
	s := newServer(t)
	c, token := s.client(1000)
	ctx := context.Background()
	if err := s.svc.SetMapping(ctx, s.admin, c.ID, "Teachers", "teacher"); err != nil {
		t.Fatal(err)
	}
	if err := s.svc.SetMapping(ctx, s.admin, c.ID, "Facilitators", "prevention-facilitator"); err != nil {
		t.Fatal(err)
	}
	r := s.do("POST", "/scim/v2/Users", token, userBody(testfix.Unique("leaver")+"@example.org", s.schoolCode))
	user := r.json(t)["id"].(string)
	for _, g := range []string{"Teachers", "Facilitators"} {
		r := s.do("POST", "/scim/v2/Groups", token, []byte(`{"displayName":"`+g+`","members":[{"value":"`+user+`"}]}`))
		if r.Status != http.StatusCreated {
			t.Fatalf("group %s: %d %s", g, r.Status, r.Body)
		}
	}
	var done int64
	if err := s.db.Get(&done, `SELECT id FROM assignments WHERE user_id = $1::bigint AND status = 'open' ORDER BY id LIMIT 1`, user); err != nil {
		t.Fatalf("no open assignment from the groups: %v", err)
	}
	completion := testfix.CompleteRow(t, s.db, done, time.Now(), time.Time{})
	var uid int64
	s.db.Get(&uid, `SELECT $1::bigint`, user)
	if _, err := s.deps.Auth.StartSession(ctx, uid); err != nil {
		t.Fatal(err)
	}
	open := s.openAssignments(user)

	r = s.do("PATCH", "/scim/v2/Users/"+user, token,
		[]byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}`))
	if r.Status != http.StatusOK || r.json(t)["active"] != false {
		t.Fatalf("deactivate: %d %s", r.Status, r.Body)
	}
	if open == 0 || s.openAssignments(user) != 0 {
		t.Errorf("open assignments: %d before, %d after; want some, then none", open, s.openAssignments(user))
	}
	if n := s.count(`SELECT count(*) FROM sessions WHERE user_id = $1::bigint`, user); n != 0 {
		t.Errorf("%d sessions survived the deactivation", n)
	}
	if n := s.count(`SELECT count(*) FROM completions WHERE id = $1`, completion); n != 1 {
		t.Error("the completion was removed")
	}
	if n := s.count(`SELECT count(*) FROM assignments WHERE id = $1 AND status = 'completed'`, done); n != 1 {
		t.Error("the completed assignment changed")
	}
	if n := s.count(`SELECT count(*) FROM audit_log WHERE action = 'user.deactivate' AND entity_id = $1 AND actor_label = $2`, user, c.Name); n != 1 {
		t.Errorf("%d audit entries of the deactivation name the client", n)
	}
}
