package store_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// Table ownership: the store holds the shared tables and the scope rule;
// each area keeps only the SQL of its own tables. TestTableOwnership reads
// every non-test Go file under internal/ and cmd/ and fails when a package
// names, in SQL, a table (or SQL function) it does not own.

// tableOwner is the package that owns a table or SQL function, by name.
func tableOwner(name string) string {
	switch {
	case strings.HasPrefix(name, "report_"):
		return "internal/report"
	case strings.HasPrefix(name, "prevention_"):
		return "internal/prevention"
	case strings.HasPrefix(name, "sso_"):
		return "internal/sso"
	case name == "email_outbox", strings.HasPrefix(name, "mail_"):
		return "internal/mail"
	case strings.HasPrefix(name, "scim_"):
		return "internal/scim"
	}
	return "internal/store"
}

// readOnly lists, by file, the tables of others an area may read (FROM /
// JOIN, never write) in its own set-based statements, each with its
// reason. The same read anywhere else is a violation.
var readOnly = map[string]map[string]string{
	"internal/report/dashboard.go": {
		"organizations": "the dashboard groups report rows by county and type in one grouping-sets statement",
	},
	"internal/report/people.go": {
		"organizations":   "the drill-down filters report pairs by county and type and names their organizations in its page query",
		"courses":         "the drill-down names each report pair's course in its page query",
		"course_versions": "the drill-down names each report pair's course in its page query",
		"assignments":     "the drill-down reads the last activity of the page of report pairs it cuts, in the same query",
		"users":           "the drill-down's search matches report pairs by their person's email address",
	},
	"internal/report/remind_people.go": {
		"users":           "a bulk reminder reads each selected person's name and address with their open report pairs, in its transaction",
		"organizations":   "a bulk reminder names each person's organization with their pairs",
		"courses":         "a bulk reminder names each open pair's course with the pair",
		"course_versions": "a bulk reminder names each open pair's course with the pair",
	},
	"internal/report/nudge.go": {
		"users":           "the nudge reads the report pair's person and address with the pair, in the nudge's transaction",
		"organizations":   "the nudge names the report pair's organization with the pair",
		"courses":         "the nudge names the report pair's course with the pair",
		"course_versions": "the nudge names the report pair's course with the pair",
	},
	"internal/prevention/classes.go": {
		"organizations": "every class is shown with its organization's name, in the class list's one query",
		"courses":       "every class is shown with its curriculum's slug, in the class list's one query",
	},
	"internal/prevention/deliveries.go": {
		"users": "a delivered session is shown with the names of who logged it and the co-facilitator",
	},
	"internal/prevention/facilitators.go": {
		"users": "the facilitator list names and orders the people behind prevention_facilitators rows",
	},
	"internal/prevention/report.go": {
		"organizations":   "the class report names each class's school and district in its one statement over every class in scope",
		"courses":         "the class report names each class's curriculum in the same statement",
		"course_versions": "the class report reads each curriculum's lesson count in the same statement",
	},
	"internal/scim/users_sql.go": {
		"users":         "a SCIM list filters and pages the people of the client's subtree with the client's identity of each, in one query",
		"organizations": "each User carries its organization's code (the enterprise department), read with the page",
	},
	"internal/scim/groups_sql.go": {
		"users": "a Group lists its members with their names, in one query",
	},
	"internal/store/remind_digest.go": {
		"mail_subscriptions": "the weekly digest picks the managers on the list, and their unsubscribe tokens, with its scope counts",
		"email_outbox":       "the weekly digest skips managers whose digest for the week is queued, in the same statement",
	},
}

// exempt packages hold synthetic data or fixtures written straight to the
// tables, outside the product's code paths.
var exempt = map[string]string{
	"internal/bench":   "the synthetic statewide dataset and load harness, written set-based for speed",
	"internal/testfix": "test fixtures",
	"internal/testdb":  "fresh migrated databases for tests",
}

// exemptFiles are single files of synthetic data inside an area.
var exemptFiles = map[string]string{
	"internal/report/synth.go": "Synthesize, the synthetic state the report benchmarks and tests run on (set-based fixture writes, no product path)",
}

// sqlNames are the tables and functions a migration creates.
func sqlNames(t *testing.T, root string) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "migrations", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations under %s: %v", root, err)
	}
	create := regexp.MustCompile(`(?i)\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:UNLOGGED\s+)?(?:TABLE|FUNCTION)\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_]*)`)
	names := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range create.FindAllStringSubmatch(string(b), -1) {
			names[strings.ToLower(m[1])] = true
		}
	}
	return names
}

// sqlRef is one table or function a SQL text names.
type sqlRef struct {
	name  string
	write bool // INSERT INTO, UPDATE, DELETE FROM, TRUNCATE, COPY, ANALYZE, … TABLE, or a function call
}

var (
	tableRef = regexp.MustCompile(`(?i)\b(DELETE\s+FROM|FROM|JOIN|USING|INSERT\s+INTO|INTO|UPDATE|TRUNCATE|COPY|TABLE|ANALYZE)\s+(?:ONLY\s+)?(?:TABLE\s+)?(?:[a-z_][a-z0-9_]*\.)?([a-z_][a-z0-9_]*)`)
	funcRef  = regexp.MustCompile(`(?i)\b([a-z_][a-z0-9_]*)\s*\(`)
	cteName  = regexp.MustCompile(`(?i)(?:\bWITH\s+(?:RECURSIVE\s+)?|,\s*)([a-z_][a-z0-9_]*)\s+AS\s+(?:NOT\s+)?(?:MATERIALIZED\s+)?\(`)
)

// sqlRefs extracts the known tables and functions a SQL text names,
// leaving out names a CTE in the same text defines.
func sqlRefs(text string, known map[string]bool) []sqlRef {
	ctes := map[string]bool{}
	for _, m := range cteName.FindAllStringSubmatch(text, -1) {
		ctes[strings.ToLower(m[1])] = true
	}
	var refs []sqlRef
	for _, m := range tableRef.FindAllStringSubmatch(text, -1) {
		name := strings.ToLower(m[2])
		if !known[name] || ctes[name] {
			continue
		}
		kw := strings.ToUpper(strings.Fields(m[1])[0])
		refs = append(refs, sqlRef{name: name, write: kw != "FROM" && kw != "JOIN" && kw != "USING"})
	}
	for _, m := range funcRef.FindAllStringSubmatch(text, -1) {
		name := strings.ToLower(m[1])
		if known[name] && strings.HasPrefix(name, "report_") {
			refs = append(refs, sqlRef{name: name, write: true})
		}
	}
	return refs
}

// stringsIn calls fn with every string literal in a file, with constant
// concatenations joined (a non-literal operand reads as a space).
func stringsIn(f *ast.File, fn func(pos token.Pos, s string)) {
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BasicLit:
			if n.Kind == token.STRING {
				if s, err := strconv.Unquote(n.Value); err == nil {
					fn(n.Pos(), s)
				}
			}
		case *ast.BinaryExpr:
			if n.Op != token.ADD {
				return true
			}
			var b strings.Builder
			var rest []ast.Node
			var flatten func(e ast.Expr)
			flatten = func(e ast.Expr) {
				switch e := e.(type) {
				case *ast.BinaryExpr:
					if e.Op == token.ADD {
						flatten(e.X)
						flatten(e.Y)
						return
					}
				case *ast.ParenExpr:
					flatten(e.X)
					return
				case *ast.BasicLit:
					if e.Kind == token.STRING {
						if s, err := strconv.Unquote(e.Value); err == nil {
							b.WriteString(s)
							return
						}
					}
				}
				b.WriteString(" ")
				rest = append(rest, e)
			}
			flatten(n)
			fn(n.Pos(), b.String())
			for _, e := range rest {
				ast.Inspect(e, visit)
			}
			return false
		}
		return true
	}
	ast.Inspect(f, visit)
}

// repoRoot is the module root, two levels above this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// ownershipViolations lists "file:line: package X queries table T owned by Y".
func ownershipViolations(t *testing.T, root string) []string {
	t.Helper()
	known := sqlNames(t, root)
	var out []string
	fset := token.NewFileSet()
	for _, dir := range []string{"internal", "cmd"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			rel = filepath.ToSlash(rel)
			pkg := packageOf(rel)
			if exempt[pkg] != "" || exemptFiles[rel] != "" {
				return nil
			}
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			stringsIn(f, func(pos token.Pos, s string) {
				for _, r := range sqlRefs(s, known) {
					owner := tableOwner(r.name)
					if owner == pkg || (!r.write && readOnly[rel][r.name] != "") {
						continue
					}
					out = append(out, fmt.Sprintf("%s:%d: package %s queries table %s owned by %s",
						rel, fset.Position(pos).Line, pkg, r.name, owner))
				}
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	sort.Strings(out)
	return out
}

// packageOf is the owning package of a file: internal/<area> (sub-packages
// such as internal/mail/mailtest belong to their area) or cmd/<name>.
func packageOf(rel string) string {
	parts := strings.Split(rel, "/")
	if len(parts) < 3 {
		return filepath.Dir(rel)
	}
	return parts[0] + "/" + parts[1]
}

func TestTableOwnership(t *testing.T) {
	for _, v := range ownershipViolations(t, repoRoot(t)) {
		t.Error(v)
	}
}

func TestTableOwnershipReasons(t *testing.T) {
	root := repoRoot(t)
	for file, tables := range readOnly {
		if _, err := os.Stat(filepath.Join(root, file)); err != nil {
			t.Errorf("readOnly[%s]: %v", file, err)
		}
		for table, reason := range tables {
			if strings.TrimSpace(reason) == "" {
				t.Errorf("readOnly[%s][%s] has no reason", file, table)
			}
			if tableOwner(table) == packageOf(file) {
				t.Errorf("readOnly[%s][%s]: the package owns it", file, table)
			}
		}
	}
	for file, reason := range exemptFiles {
		if _, err := os.Stat(filepath.Join(root, file)); err != nil || strings.TrimSpace(reason) == "" {
			t.Errorf("exemptFiles[%s]: missing file or reason (%v)", file, err)
		}
	}
}

func TestSQLRefs(t *testing.T) {
	known := map[string]bool{"users": true, "org_closure": true, "email_outbox": true,
		"report_pairs": true, "report_refresh_people": true, "assignments": true}
	cases := []struct {
		sql  string
		want string
	}{
		{`SELECT id FROM users WHERE id = $1`, "users"},
		{`select u.id from public.users u join org_closure c on c.descendant_id = u.org_id`, "users org_closure"},
		{`INSERT INTO email_outbox (k) SELECT k FROM users`, "email_outbox! users"},
		{`DELETE FROM report_pairs WHERE user_id = $1`, "report_pairs!"},
		{`UPDATE ONLY assignments SET x = 1`, "assignments!"},
		{`DELETE FROM report_pairs p USING users u WHERE p.user_id = u.id`, "report_pairs! users"},
		{`SELECT * FROM report_pairs JOIN users USING (id)`, "report_pairs users"},
		{`WITH users AS (SELECT 1) SELECT * FROM users`, ""},
		{`WITH a AS (SELECT 1), b AS MATERIALIZED (SELECT * FROM a) SELECT * FROM b JOIN users USING (id)`, "users"},
		{`SELECT * FROM (SELECT 1) AS users_sub, unnest($1::bigint[]) x`, ""},
		{`SELECT report_refresh_people($1)`, "report_refresh_people!"},
		{`ANALYZE email_outbox`, "email_outbox!"},
		{`TRUNCATE TABLE report_pairs`, "report_pairs!"},
		{`the page sorted from user's view`, ""},
	}
	for _, c := range cases {
		var got []string
		for _, r := range sqlRefs(c.sql, known) {
			s := r.name
			if r.write {
				s += "!"
			}
			got = append(got, s)
		}
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("sqlRefs(%q) = %q, want %q", c.sql, g, c.want)
		}
	}
}

func TestStringsInJoinsConcatenations(t *testing.T) {
	src := `package p
const q = "SELECT id FROM " + "users WHERE " + cond + " AND x"
var r = f("inner FROM org_closure")`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	stringsIn(f, func(_ token.Pos, s string) { got = append(got, s) })
	want := []string{"SELECT id FROM users WHERE   AND x", "inner FROM org_closure"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}
