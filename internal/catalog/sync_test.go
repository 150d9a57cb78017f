package catalog_test

import (
	"context"
	"os"
	"testing"
	"testing/fstest"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// currentVersions returns the current version id of each course.
func currentVersions(t *testing.T, ctx context.Context, courses *store.Courses) map[string]int64 {
	t.Helper()
	cur, err := courses.CurrentVersions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	current := map[string]int64{}
	for slug, v := range cur {
		current[slug] = v.ID
	}
	return current
}

func TestSyncWritesNothingWhenUnchanged(t *testing.T) {
	db := testdb.DB(t)
	ctx := context.Background()
	if err := store.UpsertRoles(ctx, db, []store.JobRole{{Code: "teacher", Name: "Teacher", Sector: "schools"}}); err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Load(os.DirFS("testdata/good"), testRoles)
	if err != nil {
		t.Fatal(err)
	}
	courses := store.NewCourses(db)
	first, err := catalog.Sync(ctx, courses, cat)
	if err != nil {
		t.Fatal(err)
	}
	if first.NewCourses != 3 || first.NewVersions != 3 {
		t.Fatalf("first sync = %+v, want 3 new courses and versions", first)
	}
	var xminBefore []string
	db.SelectContext(ctx, &xminBefore, `SELECT xmin::text FROM courses UNION ALL SELECT xmin::text FROM course_versions ORDER BY 1`)

	again, err := catalog.Sync(ctx, courses, cat)
	if err != nil {
		t.Fatal(err)
	}
	if again != (store.SyncResult{Unchanged: 3}) {
		t.Fatalf("re-sync = %+v, want only 3 unchanged", again)
	}
	var xminAfter []string
	db.SelectContext(ctx, &xminAfter, `SELECT xmin::text FROM courses UNION ALL SELECT xmin::text FROM course_versions ORDER BY 1`)
	if len(xminAfter) != len(xminBefore) {
		t.Fatalf("row count changed: %d → %d", len(xminBefore), len(xminAfter))
	}
	for i := range xminBefore {
		if xminBefore[i] != xminAfter[i] {
			t.Fatalf("a row was rewritten by an unchanged re-sync")
		}
	}

	// Changed content: a new version; the old one stays.
	before := currentVersions(t, ctx, courses)
	changed := fstest.MapFS{}
	for _, name := range []string{"course.yaml", "01-first.md", "02-second.md", "quiz.yaml"} {
		b, _ := os.ReadFile("testdata/good/sample-course/" + name)
		changed["sample-course/"+name] = &fstest.MapFile{Data: b}
	}
	changed["sample-course/02-second.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Second lesson\n---\nRevised text.\n")}
	cat2, err := catalog.Load(changed, testRoles)
	if err != nil {
		t.Fatal(err)
	}
	res, err := catalog.Sync(ctx, courses, cat2)
	if err != nil {
		t.Fatal(err)
	}
	if res.NewVersions != 1 || res.Repointed != 1 {
		t.Fatalf("changed sync = %+v", res)
	}
	after := currentVersions(t, ctx, courses)
	if after["sample-course"] == before["sample-course"] {
		t.Fatal("current version did not move to the new content")
	}
	if _, err := courses.Version(ctx, before["sample-course"]); err != nil {
		t.Fatalf("old version is gone: %v", err)
	}
}
