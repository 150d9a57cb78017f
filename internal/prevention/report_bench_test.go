package prevention_test

import (
	"testing"

	"github.com/waymark/waymark/internal/prevention"
	"github.com/waymark/waymark/internal/testfix"
)

// BenchmarkReport measures a report over a synthetic region: 1,000 schools
// in 50 districts, 5 classes each (5,000 classes), every class with 5
// delivered sessions of 4 marked components and pre/post tallies of 8
// questions. Run with:
//
//	go test -run '^$' -bench Report ./internal/prevention
func BenchmarkReport(b *testing.B) {
	e := newEnv(b)
	root := benchRegion(b, e)
	for _, level := range []string{prevention.LevelClass, prevention.LevelSchool, prevention.LevelState} {
		b.Run(level, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				rep, err := e.svc.Report(e.ctx, prevention.Scope{Roots: []int64{root}}, level)
				if err != nil {
					b.Fatal(err)
				}
				if rep.Total.Classes != 5000 {
					b.Fatalf("%d classes", rep.Total.Classes)
				}
			}
		})
	}
}

// benchRegion writes the synthetic region and returns its root.
func benchRegion(b testing.TB, e *env) int64 {
	db := e.db
	root := testfix.Org(b, db, testfix.Unique("Bench region "), "state_agency", "", 0)
	user, _ := testfix.User(b, db, root, testfix.UserSpec{Facilitator: true})
	var courseID int64
	if err := db.Get(&courseID, `SELECT id FROM courses WHERE slug = 'youth-prevention-6-8'`); err != nil {
		b.Fatal(err)
	}
	prefix := testfix.Unique("B")
	steps := []string{
		`INSERT INTO organizations (parent_id, code, name, type, county)
		 SELECT $1, upper($2) || '-D' || g, 'District ' || g, 'school_district', (ARRAY['Essex','Suffolk','Worcester','Hampden'])[1 + g % 4]
		 FROM generate_series(1, 50) g`,
		`INSERT INTO organizations (parent_id, code, name, type, county)
		 SELECT d.id, d.code || '-S' || g, d.name || ' school ' || g, 'school', d.county
		 FROM organizations d, generate_series(1, 20) g WHERE d.parent_id = $1 AND d.code LIKE upper($2) || '-%'`,
		`INSERT INTO org_closure (ancestor_id, descendant_id, depth)
		 SELECT o.id, o.id, 0 FROM organizations o WHERE o.code LIKE upper($2) || '-%'
		 UNION ALL SELECT o.parent_id, o.id, 1 FROM organizations o WHERE o.code LIKE upper($2) || '-%'
		 UNION ALL SELECT $1, o.id, 2 FROM organizations o JOIN organizations d ON d.id = o.parent_id WHERE d.parent_id = $1`,
		`INSERT INTO org_closure (ancestor_id, descendant_id, depth)
		 SELECT $1, o.id, 1 FROM organizations o WHERE o.parent_id = $1 AND o.code LIKE upper($2) || '-%'
		 ON CONFLICT DO NOTHING`,
	}
	for _, q := range steps {
		if _, err := db.Exec(q, root, prefix); err != nil {
			b.Fatal(err)
		}
	}
	fill := []string{
		`INSERT INTO prevention_classes (org_id, name, grade_band, student_count, course_id, opt_out_count, contact_name,
			inspect_where, created_by, created_at, updated_at)
		 SELECT o.id, 'Class ' || g, '6-8', 20 + g, $2, g % 3, 'Pat', 'Office', $3, now(), now()
		 FROM organizations o JOIN org_closure oc ON oc.descendant_id = o.id AND oc.ancestor_id = $1,
		      generate_series(1, 5) g WHERE o.type = 'school'`,
		`INSERT INTO prevention_class_facilitators (class_id, user_id, lead) SELECT c.id, $3, true
		 FROM prevention_classes c JOIN org_closure oc ON oc.descendant_id = c.org_id AND oc.ancestor_id = $1`,
		`INSERT INTO prevention_deliveries (class_id, session, delivered_on, minutes, attendance, logged_by, created_at, updated_at)
		 SELECT c.id, s, current_date, 45, c.student_count - s, $3, now(), now()
		 FROM prevention_classes c JOIN org_closure oc ON oc.descendant_id = c.org_id AND oc.ancestor_id = $1,
		      generate_series(1, 5) s`,
		`INSERT INTO prevention_component_marks (delivery_id, component, label, position, status)
		 SELECT d.id, 'c' || k, 'Component ' || k, k, (ARRAY['delivered','delivered','partly','not'])[1 + (d.id + k) % 4]
		 FROM prevention_deliveries d JOIN prevention_classes c ON c.id = d.class_id
		 JOIN org_closure oc ON oc.descendant_id = c.org_id AND oc.ancestor_id = $1, generate_series(1, 4) k`,
		`INSERT INTO prevention_survey_phases (class_id, phase, respondents, entered_by, updated_at)
		 SELECT c.id, ph, c.student_count - 2, $3, now()
		 FROM prevention_classes c JOIN org_closure oc ON oc.descendant_id = c.org_id AND oc.ancestor_id = $1,
		      unnest(ARRAY['pre','post']) ph`,
		`INSERT INTO prevention_survey_tallies (class_id, phase, question, option, correct, count)
		 SELECT sp.class_id, sp.phase, 'p' || q, opt, opt = 0, CASE WHEN opt = 0 THEN sp.respondents / 2 ELSE sp.respondents / 4 END
		 FROM prevention_survey_phases sp JOIN prevention_classes c ON c.id = sp.class_id
		 JOIN org_closure oc ON oc.descendant_id = c.org_id AND oc.ancestor_id = $1,
		      generate_series(1, 8) q, generate_series(0, 2) opt`,
		`UPDATE prevention_deliveries d SET marks = m.n, marks_full = m.full
		 FROM (SELECT delivery_id, count(*)::int AS n, count(*) FILTER (WHERE status = 'delivered')::int AS full
		       FROM prevention_component_marks GROUP BY delivery_id) m, p
		 WHERE m.delivery_id = d.id AND d.logged_by = p.usr`,
		`UPDATE prevention_survey_phases sp SET correct = t.c, answered = t.a
		 FROM (SELECT class_id, phase, sum(count) FILTER (WHERE correct)::int AS c, sum(count)::int AS a
		       FROM prevention_survey_tallies GROUP BY class_id, phase) t, p
		 WHERE t.class_id = sp.class_id AND t.phase = sp.phase AND sp.entered_by = p.usr`,
	}
	for _, q := range fill {
		if _, err := db.Exec(`WITH p AS (SELECT $1::bigint AS root, $2::bigint AS course, $3::bigint AS usr) `+q, root, courseID, user); err != nil {
			b.Fatal(err)
		}
	}
	db.Exec(`ANALYZE`)
	return root
}
