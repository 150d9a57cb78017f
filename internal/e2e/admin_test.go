package e2e_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/waymark/waymark/internal/testfix"
)

// testAdminImportsARoster: an administrator uploads a roster with a bad
// row, reads the problem with its line number, fixes the file, checks it
// (dry run) and imports it.
func testAdminImportsARoster(t *testing.T, e *env) {
	ctx := context.Background()
	state := testfix.Org(t, e.db, testfix.Unique("State Program Office "), "state_agency", "Suffolk", 0)
	district := testfix.Org(t, e.db, testfix.Unique("Chicopee Public Schools "), "school_district", "Hampden", 0)
	var code string
	if err := e.db.GetContext(ctx, &code, `SELECT code FROM organizations WHERE id = $1`, district); err != nil {
		t.Fatal(err)
	}
	_, admin := testfix.User(t, e.db, state, testfix.UserSpec{Name: "Dana Admin", Admin: true})

	ana, ben := testfix.Unique("ana.souza.")+"@chicopee.example.org", testfix.Unique("ben.ortiz.")+"@chicopee.example.org"
	dir := t.TempDir()
	bad := filepath.Join(dir, "roster.csv")
	good := filepath.Join(dir, "roster-fixed.csv")
	header := "email,name,organization code,job roles,manager scope\n"
	write := func(path, rows string) {
		if err := os.WriteFile(path, []byte(header+rows), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(bad, ana+",Ana Souza,"+code+",teacher,\n"+ben+",Ben Ortiz,"+code+",astronaut,\n")
	write(good, ana+",Ana Souza,"+code+",teacher,\n"+ben+",Ben Ortiz,"+code+",school-counselor,\n")

	p := e.newTab(t)
	p.signIn(admin)
	p.open("/admin")
	p.submit(`main a[href="/admin/import"]`)

	// No file: the error is tied to the file field.
	if got := p.submit(`main form button[value=check]`); got != 422 {
		t.Errorf("no file: status %d, want 422", got)
	}
	if d := eval[string](p, `document.getElementById("file").getAttribute("aria-describedby")`); !strings.Contains(d, "file-error") {
		t.Errorf("the file field's aria-describedby = %q, want the error tied to it", d)
	}

	// The bad row: listed with its line; nothing is written.
	p.do(chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{bad}))
	if got := p.submit(`main form button[value=check]`); got != 422 {
		t.Errorf("a roster with a bad row: status %d, want 422", got)
	}
	rows := eval[[][]string](p, `[...document.querySelectorAll("main .import-result tbody tr")].map(r => [...r.cells].map(c => c.textContent.trim()))`)
	if len(rows) != 1 || rows[0][0] != "3" || !strings.Contains(rows[0][1], "astronaut") {
		t.Errorf("problems listed = %q, want one on line 3 naming the unknown role", rows)
	}
	p.screenshot("import problems")
	if n := countUsers(t, e, ana, ben); n != 0 {
		t.Errorf("%d people were written from a roster with a problem", n)
	}

	// Fixed: a dry run first, then the import.
	p.do(chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{good}))
	if got := p.submit(`main form button[value=check]`); got != 200 {
		t.Errorf("dry run of the fixed roster: status %d", got)
	}
	if msg := p.text(`main .import-result [role=status]`); !strings.Contains(msg, "2 created") {
		t.Errorf("dry run says %q", msg)
	}
	if n := countUsers(t, e, ana, ben); n != 0 {
		t.Errorf("the dry run wrote %d people", n)
	}
	// Import applies the file that was checked, without uploading it again.
	p.submit(`main form:has(input[name=pending]) button[type=submit]`)
	if !strings.HasPrefix(p.path(), "/admin/users") {
		t.Fatalf("the import went to %s:\n%s", p.path(), p.mainText())
	}
	if flash := p.text(".flash"); !strings.Contains(flash, "roster-fixed.csv") {
		t.Errorf("flash = %q", flash)
	}
	p.screenshot("imported")
	if n := countUsers(t, e, ana, ben); n != 2 {
		t.Errorf("%d of 2 people imported", n)
	}
}

func countUsers(t *testing.T, e *env, emails ...string) int {
	t.Helper()
	var n int
	for _, m := range emails {
		var c int
		if err := e.db.GetContext(context.Background(), &c, `SELECT count(*) FROM users WHERE lower(email) = lower($1)`, m); err != nil {
			t.Fatal(err)
		}
		n += c
	}
	return n
}
