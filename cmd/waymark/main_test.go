package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/waymark/waymark/internal/testdb"
)

func TestHelpListsCommands(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), []string{"help"}, &out, &out); code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, c := range []string{"serve", "migrate", "seed [--demo]", "courses check [DIR]", "version"} {
		if !strings.Contains(out.String(), c) {
			t.Errorf("help lacks %q", c)
		}
	}
}

func TestCoursesCheckNamesFileAndLine(t *testing.T) {
	dir := t.TempDir()
	course := filepath.Join(dir, "broken")
	os.MkdirAll(course, 0o755)
	os.WriteFile(filepath.Join(course, "course.yaml"), []byte("slug: broken\ncode: X\nversion: \"1\"\ntitle: T\nsummary: S\nkind: training\n"+
		"recommendations: [1]\naudiences: [astronaut]\nminutes: 5\nlanguage: en\npass_mark: 80\nobjectives: [o]\n"+
		"sources: [{title: a, url: 'https://a.example'}, {title: b, url: 'https://b.example'}]\n"), 0o644)
	var out bytes.Buffer
	code := run(context.Background(), []string{"courses", "check", dir}, &out, &out)
	if code == 0 {
		t.Fatalf("a broken catalog passed:\n%s", out.String())
	}
	for _, want := range []string{`broken/course.yaml:8: unknown audience "astronaut"`, "broken/course.yaml: the course has no lessons", "broken/quiz.yaml: a training course needs quiz.yaml"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestServeRefusesWithoutDatabaseURL(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	var out bytes.Buffer
	if code := run(context.Background(), []string{"serve"}, &out, &out); code == 0 || !strings.Contains(out.String(), "DATABASE_URL") {
		t.Fatalf("exit %d: %s", code, out.String())
	}
}

func TestMain(m *testing.M) { testdb.Main(m) }

func TestServeRefusesStaleSchemaAndInvalidCatalog(t *testing.T) {
	db := testdb.DB(t)
	t.Setenv("DATABASE_URL", testdb.URL(t))
	ctx := context.Background()

	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "empty-course"), 0o755)
	os.WriteFile(filepath.Join(dir, "empty-course", "course.yaml"), []byte("slug: empty-course\n"), 0o644)
	t.Setenv("COURSES_DIR", dir)
	var out bytes.Buffer
	if code := run(ctx, []string{"serve"}, &out, &out); code == 0 || !strings.Contains(out.String(), "courses check") ||
		!strings.Contains(out.String(), "empty-course/course.yaml:") {
		t.Fatalf("serve on an invalid catalog: exit %d\n%s", code, out.String())
	}

	var max int
	db.GetContext(ctx, &max, `SELECT max(version) FROM schema_migrations`)
	db.ExecContext(ctx, `DELETE FROM schema_migrations WHERE version = $1`, max)
	defer db.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, 'restored')`, max)
	out.Reset()
	if code := run(ctx, []string{"serve"}, &out, &out); code == 0 || !strings.Contains(out.String(), "run `waymark migrate`") {
		t.Fatalf("serve on a stale schema: exit %d\n%s", code, out.String())
	}
}
