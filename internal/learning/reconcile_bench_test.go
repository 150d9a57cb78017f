package learning_test

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/store"
)

// BenchmarkReconcile measures reconciling 5,000 people who each hold a
// role requiring two courses: the first pass creates 10,000 assignments
// (timed once and logged), later passes find nothing to do (the people
// area's hook after a roster import of that size).
func BenchmarkReconcile(b *testing.B) {
	e := newEnv(b)
	r := e.role()
	e.require(r, "sample-course", 30, nil, false)
	e.require(r, "sample-prep", 60, nil, false)
	ctx := context.Background()
	var ids []int64
	err := e.db.SelectContext(ctx, &ids, `WITH u AS (
			INSERT INTO users (org_id, email, name) SELECT $1, $2 || g || '@example.org', 'Bench person'
			FROM generate_series(1, 5000) g RETURNING id)
		INSERT INTO user_roles (user_id, role_code) SELECT id, $3 FROM u RETURNING user_id`, e.org, r, r)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	e.inTx(func(tx *sqlx.Tx) error { return e.svc.Reconcile(ctx, tx, ids) })
	b.Logf("first reconcile of %d people: %v", len(ids), time.Since(start))
	var n int
	e.db.Get(&n, `SELECT count(*) FROM assignments WHERE user_id = ANY($1)`, pqInt64s(ids))
	if n != 2*len(ids) {
		b.Fatalf("assignments: %d", n)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := store.InTx(ctx, e.db, func(tx *sqlx.Tx) error { return e.svc.Reconcile(ctx, tx, ids) }); err != nil {
			b.Fatal(err)
		}
	}
}
