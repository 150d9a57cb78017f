package scim_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func urlQuery(s string) string { return url.QueryEscape(s) }

// Malformed SCIM JSON, filters, paths and values are 400 with the scimType
// RFC 7644 names; a taken userName is 409 uniqueness. Nothing is written.
func TestBadInputIsASCIMError(t *testing.T) {
	s := newServer(t)
	_, token := s.client(1000)
	r := s.do("POST", "/scim/v2/Users", token, userBody("taken@example.org", s.schoolCode))
	if r.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	user := r.json(t)["id"].(string)
	r = s.do("POST", "/scim/v2/Groups", token, []byte(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G"}`))
	group := r.json(t)["id"].(string)
	patch := func(ops string) []byte {
		return []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[` + ops + `]}`)
	}
	users := s.count(`SELECT count(*) FROM users`)
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		scimType                 string
	}{
		{"not JSON", "POST", "/Users", `{"userName": "x@example.org",`, 400, "invalidSyntax"},
		{"a JSON array", "POST", "/Users", `[{"userName": "x@example.org"}]`, 400, "invalidSyntax"},
		{"two objects", "POST", "/Users", `{"userName":"a@example.org"}{"userName":"b@example.org"}`, 400, "invalidSyntax"},
		{"wrong type", "POST", "/Users", `{"userName": 42}`, 400, "invalidSyntax"},
		{"no userName", "POST", "/Users", `{"emails":[{"value":"x@example.org"}]}`, 400, "invalidValue"},
		{"not an address", "POST", "/Users", `{"userName":"not-an-address"}`, 400, "invalidValue"},
		{"active maybe", "POST", "/Users", `{"userName":"m@example.org","active":"maybe"}`, 400, "invalidValue"},
		{"unknown organization", "POST", "/Users", string(userBody("u@example.org", "NO-SUCH-ORG")), 400, "invalidValue"},
		{"taken userName", "POST", "/Users", string(userBody("TAKEN@example.org", s.schoolCode)), 409, "uniqueness"},
		{"filter syntax", "GET", "/Users?filter=" + urlQuery(`userName eq "x`), "", 400, "invalidFilter"},
		{"filter operator", "GET", "/Users?filter=" + urlQuery(`userName xx "x"`), "", 400, "invalidFilter"},
		{"filter attribute", "GET", "/Users?filter=" + urlQuery(`password eq "x"`), "", 400, "invalidFilter"},
		{"filter on a boolean", "GET", "/Users?filter=" + urlQuery(`active eq "yes"`), "", 400, "invalidFilter"},
		{"group filter attribute", "GET", "/Groups?filter=" + urlQuery(`owner eq "x"`), "", 400, "invalidFilter"},
		{"startIndex", "GET", "/Users?startIndex=first", "", 400, "invalidValue"},
		{"no PatchOp schema", "PATCH", "/Users/" + user, `{"Operations":[{"op":"replace","path":"active","value":false}]}`, 400, "invalidSyntax"},
		{"unknown op", "PATCH", "/Users/" + user, string(patch(`{"op":"Merge","path":"active","value":false}`)), 400, "invalidSyntax"},
		{"path syntax", "PATCH", "/Users/" + user, string(patch(`{"op":"replace","path":"emails[type eq","value":"x"}`)), 400, "invalidPath"},
		{"active False-ish", "PATCH", "/Users/" + user, string(patch(`{"op":"Replace","path":"active","value":"Nope"}`)), 400, "invalidValue"},
		{"change id", "PATCH", "/Users/" + user, string(patch(`{"op":"replace","path":"id","value":"7"}`)), 400, "mutability"},
		{"remove without path", "PATCH", "/Users/" + user, string(patch(`{"op":"remove"}`)), 400, "noTarget"},
		{"remove no member", "PATCH", "/Groups/" + group, string(patch(`{"op":"remove","path":"members[value eq \"abc\"]"}`)), 400, "noTarget"},
		{"member not an id", "PATCH", "/Groups/" + group, string(patch(`{"op":"add","path":"members","value":[{"value":"abc"}]}`)), 400, "invalidValue"},
		{"group without name", "POST", "/Groups", `{"displayName":"  "}`, 400, "invalidValue"},
		{"group name taken", "POST", "/Groups", `{"displayName":"g"}`, 409, "uniqueness"},
		{"too many operations", "PATCH", "/Users/" + user, string(patch(strings.Repeat(`{"op":"add","path":"title","value":"x"},`, 1000) +
			`{"op":"add","path":"title","value":"x"}`)), 413, "tooMany"},
	} {
		var body []byte
		if tc.body != "" {
			body = []byte(tc.body)
		}
		r := s.do(tc.method, "/scim/v2"+tc.path, token, body)
		if r.Status != tc.status {
			t.Errorf("%s: %d, want %d: %s", tc.name, r.Status, tc.status, r.Body)
			continue
		}
		doc := r.json(t)
		if doc["scimType"] != tc.scimType || doc["status"] != strconv.Itoa(tc.status) {
			t.Errorf("%s: scimType %v status %v, want %s %d", tc.name, doc["scimType"], doc["status"], tc.scimType, tc.status)
		}
	}
	if n := s.count(`SELECT count(*) FROM users`); n != users {
		t.Errorf("bad requests created %d people", n-users)
	}
}
