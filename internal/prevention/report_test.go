package prevention_test

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"github.com/waymark/waymark/internal/prevention"
	"github.com/waymark/waymark/internal/testfix"
)

// dataset is the crafted report dataset, under its own root organization:
//
//	root (state agency)
//	├── district D1, Hampden
//	│   ├── school S1: class A (24 students, 2 opt-outs, sessions 1–3, survey 20 → 18)
//	│   │              class B (8 students, 1 opt-out, session 1, survey 7 → 7)
//	│   └── school S2: class C (30 students, grades 9–12, nothing delivered)
//	└── youth program Y, Suffolk: class E (licensed program of 2 sessions,
//	                   12 students, written consent asked, 9 consents, session 1)
type dataset struct {
	root      int64
	lead      prevention.Actor
	classes   map[string]int64
	districtN string
	s1, s2, y string
}

func (e *env) reportDataset() dataset {
	e.t.Helper()
	t := e.t
	ds := dataset{classes: map[string]int64{}}
	ds.root = testfix.Org(t, e.db, testfix.Unique("Agency "), "state_agency", "", 0)
	ds.districtN = testfix.Unique("Holyoke District ")
	d1 := testfix.Org(t, e.db, ds.districtN, "school_district", "Hampden", ds.root)
	ds.s1, ds.s2, ds.y = testfix.Unique("S1 Middle "), testfix.Unique("S2 High "), testfix.Unique("Y Youth Center ")
	s1 := testfix.Org(t, e.db, ds.s1, "school", "Hampden", d1)
	s2 := testfix.Org(t, e.db, ds.s2, "school", "", d1) // county inherited from the district
	y := testfix.Org(t, e.db, ds.y, "youth_program", "Suffolk", ds.root)
	code := func(id int64) string {
		var c string
		e.db.GetContext(e.ctx, &c, `SELECT code FROM organizations WHERE id = $1`, id)
		return c
	}
	leadID, _ := testfix.User(t, e.db, d1, testfix.UserSpec{Facilitator: true})
	ds.lead = prevention.Actor{UserID: leadID, OrgID: d1}
	adminID, _ := testfix.User(t, e.db, ds.root, testfix.UserSpec{Admin: true})
	admin := prevention.Actor{UserID: adminID, OrgID: ds.root, IsAdmin: true}
	for _, a := range []prevention.Actor{ds.lead, admin} {
		testfix.Prepared(t, e.db, a.UserID, prevention.DefaultPrepCourse, t0.AddDate(0, -1, 0), t0.AddDate(1, 0, 0))
	}
	ms, _ := e.svc.Course("youth-prevention-6-8")
	hs, _ := e.svc.Course("youth-prevention-9-12")
	pid, err := e.svc.CreateProgram(e.ctx, admin, prevention.ProgramForm{Name: testfix.Unique("Licensed "), SessionCount: "2",
		FacilitatorCourse: prevention.DefaultPrepCourse, Components: "1. Welcome\n1. Core lesson\n1. Reflection\n2. Review"})
	if err != nil {
		t.Fatal(err)
	}
	prog, _ := e.svc.Program(e.ctx, pid)
	ext := prog.Curriculum()

	mk := func(name string, a prevention.Actor, org int64, ref string, size int, consent bool) int64 {
		id, err := e.svc.CreateClass(e.ctx, a, prevention.ClassForm{OrgCode: code(org), Name: name, GradeBand: "6-8",
			StudentCount: strconv.Itoa(size), Curriculum: ref, ContactName: "Pat", ContactEmail: "pat@example.org",
			InspectWhere: "Office", ConsentRequired: consent})
		if err != nil {
			t.Fatal(err)
		}
		ds.classes[name] = id
		return id
	}
	log := func(a prevention.Actor, class int64, cur prevention.Curriculum, n, attendance int, marks ...string) {
		if _, err := e.svc.LogDelivery(e.ctx, a, class, n, form(cur, n, attendance, marks...)); err != nil {
			t.Fatal(err)
		}
	}
	tally := func(class int64, phase string, respondents int, p1, p2 []string) {
		err := e.svc.SaveTally(e.ctx, ds.lead, class, phase, prevention.SurveyForm{Respondents: strconv.Itoa(respondents),
			Counts: map[string][]string{"p1": p1, "p2": p2}})
		if err != nil {
			t.Fatal(err)
		}
	}
	const D, P, N = prevention.MarkDelivered, prevention.MarkPartly, prevention.MarkNot

	a := mk("Class A", ds.lead, s1, ms.Ref, 24, false)
	log(ds.lead, a, ms, 1, 20, D, D, D, P)
	log(ds.lead, a, ms, 2, 22, D, D, N, D)
	log(ds.lead, a, ms, 3, 21, D, D, D, D)
	tally(a, prevention.PhasePre, 20, []string{"12", "5", "3"}, []string{"6", "10", "4"})
	tally(a, prevention.PhasePost, 18, []string{"16", "1", "1"}, []string{"2", "15", "1"})
	notices(e, ds.lead, a, "2", "")

	b := mk("Class B", ds.lead, s1, ms.Ref, 8, false)
	log(ds.lead, b, ms, 1, 7, D, D, D, D)
	tally(b, prevention.PhasePre, 7, []string{"3", "2", "2"}, []string{"1", "5", "1"})
	tally(b, prevention.PhasePost, 7, []string{"6", "1", "0"}, []string{"0", "7", "0"})
	notices(e, ds.lead, b, "1", "")

	mk("Class C", ds.lead, s2, hs.Ref, 30, false)

	c := mk("Class E", admin, y, ext.Ref, 12, true)
	log(admin, c, ext, 1, 9, D, P, N)
	notices(e, admin, c, "0", "9")
	return ds
}

func notices(e *env, a prevention.Actor, class int64, optOuts, consents string) {
	e.t.Helper()
	if err := e.svc.SaveNotices(e.ctx, a, class, prevention.NoticeForm{OptOuts: optOuts, Consents: consents}); err != nil {
		e.t.Fatal(err)
	}
}

// figures renders a row the way pages show it.
func figures(r prevention.Row) []string {
	return []string{r.Name, r.ClassCount().String(), r.Enrolled().String(), r.Sessions(), r.Dosage().String(),
		r.Reached().String(), r.Fidelity().String(), r.OptOutCount().String(), r.ConsentCount().String(),
		r.PreShare().String(), r.PostShare().String(), r.KnowledgeChange().String()}
}

func TestReportFiguresOnACraftedDataset(t *testing.T) {
	e := newEnv(t)
	ds := e.reportDataset()
	const few, sup = prevention.SuppressedCount, prevention.SuppressedRate
	// Hand-computed. Class A: 3 of 5 sessions; reach = highest attendance 22;
	// components 3+3+4 = 10 of 12 in full; survey pre 22/40 = 55.0%, post
	// 31/36 = 86.1%, +31.1 points. Class B (8 students): every student figure
	// suppressed, delivery figures shown. S1 pools A and B: 30/54 = 55.6% →
	// 44/50 = 88.0%, +32.4 points; fidelity 14/16 = 87.5%.
	want := map[string][][]string{
		prevention.LevelClass: {
			{"Class A", "1", "24", "3 of 5", "60.0%", "22", "83.3%", "2", "—", "55.0%", "86.1%", "+31.1 points"},
			{"Class B", "1", few, "1 of 5", "20.0%", few, "100.0%", few, "—", sup, sup, sup},
			{"Class C", "1", "30", "0 of 5", "0.0%", few, "—", "0", "—", "—", "—", "—"},
			{"Class E", "1", "12", "1 of 2", "50.0%", few, "33.3%", "0", "9", "—", "—", "—"},
		},
		prevention.LevelSchool: {
			{ds.s1, "2", "32", "4 of 10", "40.0%", "29", "87.5%", "3", "—", "55.6%", "88.0%", "+32.4 points"},
			{ds.s2, "1", "30", "0 of 5", "0.0%", few, "—", "0", "—", "—", "—", "—"},
			{ds.y, "1", "12", "1 of 2", "50.0%", few, "33.3%", "0", "9", "—", "—", "—"},
		},
		prevention.LevelDistrict: {
			{ds.districtN, "3", "62", "4 of 15", "26.7%", "29", "87.5%", "3", "—", "55.6%", "88.0%", "+32.4 points"},
			{"Not in a school district", "1", "12", "1 of 2", "50.0%", few, "33.3%", "0", "9", "—", "—", "—"},
		},
		prevention.LevelCounty: {
			{"Hampden County", "3", "62", "4 of 15", "26.7%", "29", "87.5%", "3", "—", "55.6%", "88.0%", "+32.4 points"},
			{"Suffolk County", "1", "12", "1 of 2", "50.0%", few, "33.3%", "0", "9", "—", "—", "—"},
		},
		// 5 of 17 sessions; components 15 of 19; reach 22 + 7 + 0 + 9 = 38.
		prevention.LevelState: {
			{"All classes in this report", "4", "74", "5 of 17", "29.4%", "38", "78.9%", "3", "9", "55.6%", "88.0%", "+32.4 points"},
		},
	}
	for _, level := range prevention.Levels {
		t.Run(level, func(t *testing.T) {
			rep, err := e.svc.Report(e.ctx, prevention.Scope{Roots: []int64{ds.root}}, level)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Rows) != len(want[level]) {
				t.Fatalf("%d rows, want %d", len(rep.Rows), len(want[level]))
			}
			for i, r := range rep.Rows {
				if got := figures(r); strings.Join(got, " | ") != strings.Join(want[level][i], " | ") {
					t.Errorf("row %d\n got %q\nwant %q", i, got, want[level][i])
				}
			}
			if got := figures(rep.Total)[1:]; strings.Join(got, " | ") != strings.Join(want[prevention.LevelState][0][1:], " | ") {
				t.Errorf("total %q", got)
			}
		})
	}

	t.Run("a facilitator's own classes", func(t *testing.T) {
		rep, err := e.svc.Report(e.ctx, prevention.Scope{Facilitator: ds.lead.UserID}, prevention.LevelState)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"All classes in this report", "3", "62", "4 of 15", "26.7%", "29", "87.5%", "3", "—", "55.6%", "88.0%", "+32.4 points"}
		if got := figures(rep.Rows[0]); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("got %q", got)
		}
	})

	t.Run("statewide includes the dataset", func(t *testing.T) {
		rep, err := e.svc.Report(e.ctx, prevention.Scope{All: true}, prevention.LevelClass)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Total.Name != "Massachusetts" || rep.Total.Classes < 4 {
			t.Fatalf("statewide total %q with %d classes", rep.Total.Name, rep.Total.Classes)
		}
	})
}

func TestSmallCellsAreSuppressedInTheCSV(t *testing.T) {
	e := newEnv(t)
	ds := e.reportDataset()
	rep, err := e.svc.Report(e.ctx, prevention.Scope{Roots: []int64{ds.root}}, prevention.LevelClass)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := prevention.WriteCSV(&buf, rep); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 6 || strings.Join(recs[0], ",") != strings.Join(prevention.CSVHeader, ",") {
		t.Fatalf("csv:\n%v", recs)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	b := recs[2]
	if b[col["name"]] != "Class B" {
		t.Fatalf("row 2 is %q", b[col["name"]])
	}
	for _, c := range []string{"students_enrolled", "students_reached", "opt_outs"} {
		if b[col[c]] != prevention.SuppressedCount {
			t.Errorf("class B %s = %q, want %q", c, b[col[c]], prevention.SuppressedCount)
		}
	}
	for _, c := range []string{"pre_correct_pct", "post_correct_pct", "knowledge_change_points"} {
		if b[col[c]] != prevention.SuppressedRate {
			t.Errorf("class B %s = %q, want %q", c, b[col[c]], prevention.SuppressedRate)
		}
	}
	for _, cell := range b {
		if cell == "7" || cell == "8" {
			t.Errorf("class B leaks a small count: %q", b)
		}
	}
	if b[col["dosage_pct"]] != "20.0" || b[col["fidelity_pct"]] != "100.0" {
		t.Errorf("class B delivery figures: %q", b)
	}
	a := recs[1]
	if a[col["students_reached"]] != "22" || a[col["knowledge_change_points"]] != "+31.1" || a[col["pre_correct_pct"]] != "55.0" {
		t.Errorf("class A: %q", a)
	}
	total := recs[5]
	if total[0] != "total" || total[col["students_reached"]] != "38" || total[col["fidelity_pct"]] != "78.9" {
		t.Errorf("total: %q", total)
	}
}

func TestCSVCellsCannotRunFormulas(t *testing.T) {
	tests := map[string]string{
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
		"+1 Main":                  "'+1 Main",
		"-2":                       "'-2",
		"@SUM(A1)":                 "'@SUM(A1)",
		"\tTabbed":                 "'\tTabbed",
		"Grade 7 = health":         "Grade 7 = health",
		"":                         "",
	}
	for in, want := range tests {
		if got := prevention.SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
	e := newEnv(t)
	root := testfix.Org(t, e.db, "+Springfield", "school", "Hampden", 0)
	adminID, _ := testfix.User(t, e.db, root, testfix.UserSpec{Admin: true})
	admin := prevention.Actor{UserID: adminID, OrgID: root, IsAdmin: true}
	var code string
	e.db.GetContext(e.ctx, &code, `SELECT code FROM organizations WHERE id = $1`, root)
	cur, _ := e.svc.Course("youth-prevention-6-8")
	if _, err := e.svc.CreateClass(e.ctx, admin, prevention.ClassForm{OrgCode: code, Name: "=cmd|' /C calc'!A0",
		GradeBand: "6-8", StudentCount: "20", Curriculum: cur.Ref, ContactName: "Pat", ContactPhone: "1",
		InspectWhere: "Office"}); err != nil {
		t.Fatal(err)
	}
	rep, _ := e.svc.Report(e.ctx, prevention.Scope{Roots: []int64{root}}, prevention.LevelClass)
	var buf bytes.Buffer
	prevention.WriteCSV(&buf, rep)
	recs, _ := csv.NewReader(&buf).ReadAll()
	if recs[1][1] != "'=cmd|' /C calc'!A0" || recs[1][2] != "'+Springfield" {
		t.Fatalf("unsafe cells: %q", recs[1])
	}
}
