package people_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/testfix"
)

// rosterOrgs makes a district with two schools and returns their codes.
func rosterOrgs(t *testing.T, db *sqlx.DB) (district, schoolA, schoolB string) {
	d := testfix.Org(t, db, "District", "school_district", "Hampden", 0)
	a := testfix.Org(t, db, "School A", "school", "Hampden", d)
	b := testfix.Org(t, db, "School B", "school", "Hampden", d)
	return orgCode(t, db, d), orgCode(t, db, a), orgCode(t, db, b)
}

func importFile(t *testing.T, svc *people.Service, csv string, apply bool) people.ImportResult {
	t.Helper()
	res, err := svc.Import(context.Background(), strings.NewReader(csv), people.ImportOptions{Apply: apply, Source: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func countUsersLike(t *testing.T, db *sqlx.DB, pattern string) int {
	var n int
	if err := db.Get(&n, `SELECT count(*) FROM users WHERE email LIKE $1`, pattern); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportCleanFileThenSameFileThenChangedRow(t *testing.T) {
	svc, db, _ := newService(t)
	district, schoolA, schoolB := rosterOrgs(t, db)
	tag := testfix.Unique("imp")
	file := header +
		fmt.Sprintf("ana.%[1]s@example.org,Ana Souza,%[2]s,teacher,\n", tag, schoolA) +
		fmt.Sprintf("bo.%[1]s@example.org,\"Li, Bo\",%[2]s,teacher;school-nurse,\n", tag, schoolB) +
		fmt.Sprintf("cy.%[1]s@example.org,Cy Park,%[2]s,school-administrator,%[2]s;%[3]s\n", tag, district, schoolA)
	var hookCalls [][]int64
	svc.OnPeopleChanged = func(_ context.Context, _ *sqlx.Tx, ids []int64) error { hookCalls = append(hookCalls, ids); return nil }

	dry := importFile(t, svc, file, false)
	if len(dry.Problems) != 0 || dry.Summary() != "3 created, 0 updated, 0 unchanged" || dry.Applied {
		t.Fatalf("dry run = %+v", dry)
	}
	if n := countUsersLike(t, db, "%."+tag+"@%"); n != 0 || len(hookCalls) != 0 {
		t.Fatalf("a dry run wrote %d people / called the hook %d times", n, len(hookCalls))
	}
	res := importFile(t, svc, file, true)
	if res.Summary() != "3 created, 0 updated, 0 unchanged" || !res.Applied {
		t.Fatalf("apply = %+v", res)
	}
	if n := countUsersLike(t, db, "%."+tag+"@%"); n != 3 {
		t.Fatalf("%d people after apply", n)
	}
	if len(hookCalls) != 1 || len(hookCalls[0]) != 3 {
		t.Fatalf("hook calls = %v; want one call with 3 ids", hookCalls)
	}
	var scopes []string
	db.Select(&scopes, `SELECT o.code FROM manager_scopes m JOIN organizations o ON o.id = m.org_id JOIN users u ON u.id = m.user_id
		WHERE u.email = $1 ORDER BY o.code`, "cy."+tag+"@example.org")
	if want := []string{district, schoolA}; !slices.Equal(scopes, sortedCopy(want)) {
		t.Fatalf("scopes = %v", scopes)
	}
	var created int
	db.Get(&created, `SELECT count(*) FROM audit_log a JOIN users u ON a.entity_id = u.id::text
		WHERE a.action = 'user.import_create' AND u.email LIKE $1 AND a.before IS NULL AND a.after->>'org' <> ''`, "%."+tag+"@%")
	if created != 3 {
		t.Fatalf("%d create entries in the audit log", created)
	}

	again := importFile(t, svc, strings.ToUpper(file[:len(header)])+file[len(header):], true)
	if again.Summary() != "0 created, 0 updated, 3 unchanged" || len(hookCalls) != 1 {
		t.Fatalf("second import = %+v, hook calls %d", again, len(hookCalls))
	}

	changed := strings.Replace(file, "Ana Souza,"+schoolA+",teacher", "Ana Souza-Lima,"+schoolB+",teacher;school-counselor", 1)
	changed = strings.Replace(changed, "ana."+tag, "ANA."+tag, 1)
	upd := importFile(t, svc, changed, true)
	if upd.Summary() != "0 created, 1 updated, 2 unchanged" {
		t.Fatalf("changed row = %+v", upd)
	}
	if n := countUsersLike(t, db, "%."+tag+"@%"); n != 3 {
		t.Fatalf("a changed row duplicated: %d people", n)
	}
	var after struct {
		Name  string `db:"name"`
		Org   string `db:"code"`
		Roles string `db:"roles"`
	}
	db.Get(&after, `SELECT u.name, o.code, (SELECT string_agg(role_code, ';' ORDER BY role_code) FROM user_roles WHERE user_id = u.id) AS roles
		FROM users u JOIN organizations o ON o.id = u.org_id WHERE lower(u.email) = $1`, "ana."+tag+"@example.org")
	if after.Name != "Ana Souza-Lima" || after.Org != schoolB || after.Roles != "school-counselor;teacher" {
		t.Fatalf("updated person = %+v", after)
	}
	if len(hookCalls) != 2 || len(hookCalls[1]) != 1 {
		t.Fatalf("hook calls = %v", hookCalls)
	}
	var before, afterJSON string
	db.QueryRow(`SELECT a.before::text, a.after::text FROM audit_log a JOIN users u ON a.entity_id = u.id::text
		WHERE a.action = 'user.import_update' AND lower(u.email) = $1`, "ana."+tag+"@example.org").Scan(&before, &afterJSON)
	if !strings.Contains(before, `"org": "`+schoolA) || !strings.Contains(afterJSON, `"roles": ["school-counselor", "teacher"]`) {
		t.Fatalf("update audit: %s → %s", before, afterJSON)
	}
}

func TestImportWithFiveBadRowsReportsEveryProblemAndWritesNothing(t *testing.T) {
	svc, db, _ := newService(t)
	_, schoolA, _ := rosterOrgs(t, db)
	tag := testfix.Unique("bad")
	row := func(local, rest string) string { return local + "." + tag + "@example.org," + rest + "\n" }
	file := header +
		row("ok1", "Good One,"+schoolA+",teacher,") +
		row("u1", "Unknown Org,NO-SUCH-ORG,teacher,") + // line 3
		row("u2", "Unknown Role,"+schoolA+",teacher;astronaut,") + // line 4
		"not-an-email,Bad Email,NO-SUCH-ORG,teacher,\n" + // line 5: two problems
		row("ok1", "Twice,"+schoolA+",teacher,") + // line 6
		row("u3", "Short Row,"+schoolA) + // line 7
		row("ok2", "Good Two,"+schoolA+",teacher,"+"ALSO-NOWHERE") // line 8: unknown scope
	res := importFile(t, svc, file, true)
	want := []string{
		`line 3: unknown organization code "NO-SUCH-ORG"`,
		`line 4: unknown job role "astronaut"`,
		`line 5: "not-an-email" is not an email address`,
		`line 5: unknown organization code "NO-SUCH-ORG"`,
		"line 6: the email ok1." + tag + "@example.org is also on line 2",
		"line 7: expected 5 fields like the header, found 3",
		`line 8: unknown organization code "ALSO-NOWHERE" in the manager scope`,
	}
	if len(res.Problems) != len(want) {
		t.Fatalf("problems = %v", res.Problems)
	}
	for i, w := range want {
		if !strings.HasPrefix(res.Problems[i].String(), w) {
			t.Errorf("problem %d = %q, want %q", i, res.Problems[i], w)
		}
	}
	if res.Applied || res.Rows != 7 {
		t.Fatalf("result = %+v", res)
	}
	if n := countUsersLike(t, db, "%."+tag+"@%"); n != 0 {
		t.Fatalf("a file with problems wrote %d people", n)
	}
}

func TestImportLeavesScopesAloneWithoutTheColumnAndNeverReactivates(t *testing.T) {
	svc, db, _ := newService(t)
	ctx := context.Background()
	district, schoolA, _ := rosterOrgs(t, db)
	tag := testfix.Unique("keep")
	email := "mgr." + tag + "@example.org"
	importFile(t, svc, header+email+",Manager,"+schoolA+",school-administrator,"+district+"\n", true)
	var id int64
	db.Get(&id, `SELECT id FROM users WHERE email = $1`, email)
	if err := svc.SetActive(ctx, 0, id, false); err != nil {
		t.Fatal(err)
	}
	res := importFile(t, svc, "email,name,organization code,job roles\n"+email+",Manager,"+schoolA+",school-administrator\n", true)
	if res.Summary() != "0 created, 0 updated, 1 unchanged" {
		t.Fatalf("import without the scope column = %+v", res)
	}
	p, _ := svc.Person(ctx, id)
	if len(p.Scopes) != 1 || p.Active {
		t.Fatalf("person = %+v", p)
	}
}

func sortedCopy(v []string) []string {
	out := slices.Clone(v)
	slices.Sort(out)
	return out
}
