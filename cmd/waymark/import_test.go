package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSeedDemoAndImport runs the commands as `make run` and an operator
// would: seed --demo twice (the second changes nothing), then a roster
// import as a dry run, with problems, and applied twice.
func TestSeedDemoAndImport(t *testing.T) {
	// A database of its own: the demo's year of history (reminders due,
	// mail queued) would be counted by every later test of the package.
	db, url := ownDB(t)
	t.Setenv("DATABASE_URL", url)
	t.Setenv("COURSES_DIR", "")
	ctx := context.Background()
	var out bytes.Buffer
	if code := run(ctx, []string{"seed", "--demo"}, &out, &out); code != 0 {
		t.Fatalf("seed --demo: exit %d\n%s", code, out.String())
	}
	for _, want := range []string{"demo data: 16 organizations and 28 people created", "waymark-demo-2026",
		"admin@demo.waymark.example", "district-coordinator@demo.waymark.example", "counselor@demo.waymark.example"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("seed --demo output lacks %q", want)
		}
	}
	var assigned int
	db.Get(&assigned, `SELECT count(*) FROM assignments a JOIN users u ON u.id = a.user_id WHERE u.email LIKE '%@demo.waymark.example'`)
	if assigned == 0 {
		t.Error("the demo people have no assignments: the people hook is not wired to learning")
	}
	out.Reset()
	if code := run(ctx, []string{"seed", "--demo"}, &out, &out); code != 0 || !strings.Contains(out.String(), "demo data: 0 organizations and 0 people created") {
		t.Fatalf("second seed --demo: exit %d\n%s", code, out.String())
	}

	dir := t.TempDir()
	file := filepath.Join(dir, "roster.csv")
	os.WriteFile(file, []byte("email,name,organization code,job roles\nnew.teacher@example.org,New Teacher,SPFLD-CENTRAL-HS,teacher\n"+
		"teacher@demo.waymark.example,Emily Chen,SPFLD-CENTRAL-HS,teacher;school-counselor\n"), 0o644)
	more := filepath.Join(dir, "more.csv")
	os.WriteFile(more, []byte("email,name,organization code,job roles\nnew.teacher@example.org,New Teacher,SPFLD-CENTRAL-HS,teacher\n"+
		"teacher@demo.waymark.example,Emily Chen,SPFLD-CENTRAL-HS,teacher;school-counselor\n"+
		"second.teacher@example.org,Second Teacher,SPFLD-CENTRAL-HS,teacher\n"), 0o644)
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("email,name,organization code,job roles\nbad,Bad,NOPE,astronaut\n"), 0o644)
	steps := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"import", "users", bad}, 1, `bad.csv: line 2: unknown organization code "NOPE"`},
		{[]string{"import", "users", file}, 0, "dry run: 1 created, 1 updated, 0 unchanged"},
		{[]string{"import", "users", file, "--apply"}, 0, "imported: 1 created, 1 updated, 0 unchanged"},
		{[]string{"import", "users", file, "--apply"}, 0, "imported: 0 created, 0 updated, 2 unchanged"},
		{[]string{"import", "people", file}, 1, "usage: waymark import users FILE.csv [--apply]"},
		{[]string{"import", "users", more, "--invite"}, 1, "--invite needs --apply"},
		// The two people who have not signed in get one invitation each;
		// the demo teacher, who has a password, none.
		{[]string{"import", "users", more, "--apply", "--invite"}, 0, "imported: 1 created, 0 updated, 2 unchanged, 2 invitations sent"},
		{[]string{"import", "users", more, "--apply", "--invite"}, 0, "imported: 0 created, 0 updated, 3 unchanged in"},
	}
	for _, st := range steps {
		out.Reset()
		if code := run(ctx, st.args, &out, &out); code != st.code || !strings.Contains(out.String(), st.want) {
			t.Errorf("%v: exit %d\n%s\nwant exit %d and %q", st.args, code, out.String(), st.code, st.want)
		}
	}
	for _, email := range []string{"new.teacher@example.org", "second.teacher@example.org", "teacher@demo.waymark.example"} {
		var n int
		db.Get(&n, `SELECT count(*) FROM email_outbox WHERE kind = 'invite' AND to_addr = $1 AND dedupe_key LIKE 'invite:import:%'`, email)
		if want := map[bool]int{true: 0, false: 1}[strings.HasSuffix(email, "demo.waymark.example")]; n != want {
			t.Errorf("%s: %d import invitations, want %d", email, n, want)
		}
	}
}
