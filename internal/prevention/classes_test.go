package prevention_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/prevention"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testfix"
	"github.com/waymark/waymark/internal/validate"
)

func TestClassesStayInTheFacilitatorsSubtree(t *testing.T) {
	e := newEnv(t)
	p := e.people("Berkshire")
	other := e.people("Bristol")
	cur, _ := e.svc.Course("youth-prevention-6-8")
	base := prevention.ClassForm{Name: "Grade 8 advisory", GradeBand: "6-8", StudentCount: "22", Curriculum: cur.Ref,
		ContactName: "Pat Rivera", ContactEmail: "pat@example.org", InspectWhere: "Main office"}
	tests := []struct {
		name  string
		actor prevention.Actor
		org   string
		edit  func(f *prevention.ClassForm)
		field string
	}{
		{"own school", p.lead, p.schoolCode, nil, ""},
		{"district facilitator, school below", p.coFac, p.schoolCode, nil, ""},
		{"another district's school", p.lead, other.schoolCode, nil, "org"},
		{"administrator anywhere", p.admin, other.schoolCode, nil, ""},
		{"unknown organization", p.lead, "NO-SUCH-ORG", nil, "org"},
		{"no name", p.lead, p.schoolCode, func(f *prevention.ClassForm) { f.Name = " " }, "name"},
		{"grade band", p.lead, p.schoolCode, func(f *prevention.ClassForm) { f.GradeBand = "k-5" }, "grade_band"},
		{"ages reversed", p.lead, p.schoolCode, func(f *prevention.ClassForm) { f.GradeBand, f.AgeMin, f.AgeMax = "ages", "16", "12" }, "ages"},
		{"ages", p.lead, p.schoolCode, func(f *prevention.ClassForm) { f.GradeBand, f.AgeMin, f.AgeMax = "ages", "12", "16" }, ""},
		{"no students", p.lead, p.schoolCode, func(f *prevention.ClassForm) { f.StudentCount = "0" }, "student_count"},
		{"a list of names", p.lead, p.schoolCode, func(f *prevention.ClassForm) { f.StudentCount = "Ana, Ben" }, "student_count"},
		{"unknown curriculum", p.lead, p.schoolCode, func(f *prevention.ClassForm) { f.Curriculum = "course:foundations" }, "curriculum"},
		{"no way to reach the contact", p.lead, p.schoolCode, func(f *prevention.ClassForm) { f.ContactEmail = "" }, "contact_phone"},
		{"where to inspect", p.lead, p.schoolCode, func(f *prevention.ClassForm) { f.InspectWhere = "" }, "inspect_where"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := base
			f.OrgCode = tt.org
			if tt.edit != nil {
				tt.edit(&f)
			}
			id, err := e.svc.CreateClass(e.ctx, tt.actor, f)
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				c, err := e.svc.Class(e.ctx, tt.actor, id)
				if err != nil || c.StudentCount != 22 {
					t.Fatalf("class %+v, %v", c, err)
				}
				return
			}
			var fe validate.Errors
			if !errors.As(err, &fe) || fe[tt.field] == "" {
				t.Fatalf("err = %v, want a message for %q", err, tt.field)
			}
		})
	}

	t.Run("only the class's facilitators and administrators see it", func(t *testing.T) {
		id := e.class(p.lead, p.schoolCode, cur.Ref, 20)
		if _, err := e.svc.Class(e.ctx, p.unprepped, id); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another facilitator of the school: %v", err)
		}
		if _, err := e.svc.Class(e.ctx, other.admin, id); err != nil {
			t.Fatalf("administrator: %v", err)
		}
		if err := e.svc.AddFacilitator(e.ctx, p.lead, id, other.leadEmail); err == nil {
			t.Fatal("added a facilitator from another district")
		}
		if err := e.svc.AddFacilitator(e.ctx, p.lead, id, p.coFacEmail); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Class(e.ctx, p.coFac, id); err != nil {
			t.Fatalf("co-facilitator: %v", err)
		}
		fs, _ := e.svc.Facilitators(e.ctx, id)
		if len(fs) != 2 || !fs[0].Lead || fs[0].UserID != p.lead.UserID {
			t.Fatalf("facilitators %+v", fs)
		}
		if err := e.svc.RemoveFacilitator(e.ctx, p.coFac, id, p.lead.UserID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("removing the lead: %v", err)
		}
		if err := e.svc.RemoveFacilitator(e.ctx, p.lead, id, p.coFac.UserID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Class(e.ctx, p.coFac, id); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("removed co-facilitator still sees the class: %v", err)
		}
	})
}

func TestClassUpdatesPlansAndNoticesAreAudited(t *testing.T) {
	e := newEnv(t)
	p := e.people("Norfolk")
	cur, _ := e.svc.Course("youth-prevention-6-8")
	id := e.class(p.lead, p.schoolCode, cur.Ref, 20)
	if _, err := e.svc.LogDelivery(e.ctx, p.lead, id, 1, form(cur, 1, 18)); err != nil {
		t.Fatal(err)
	}
	c, _ := e.svc.Class(e.ctx, p.lead, id)
	f := c.FormOf(p.schoolCode, c.Ref())
	f.StudentCount = "17"
	var fe validate.Errors
	if err := e.svc.UpdateClass(e.ctx, p.lead, id, f); !errors.As(err, &fe) || fe["student_count"] == "" {
		t.Fatalf("class smaller than recorded attendance: %v", err)
	}
	f.StudentCount = "19"
	if err := e.svc.UpdateClass(e.ctx, p.lead, id, f); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.SaveNotices(e.ctx, p.lead, id, prevention.NoticeForm{OptOuts: "20"}); !errors.As(err, &fe) {
		t.Fatalf("more opt-outs than students: %v", err)
	}
	if err := e.svc.SaveNotices(e.ctx, p.lead, id, prevention.NoticeForm{OptOuts: "2"}); err != nil {
		t.Fatal(err)
	}
	dates := map[int]string{1: "2026-03-02", 2: "2026-03-09", 5: "2026-03-30"}
	if err := e.svc.SavePlan(e.ctx, p.lead, id, dates); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.SavePlan(e.ctx, p.lead, id, map[int]string{1: "next week"}); !errors.As(err, &fe) || fe["planned_1"] == "" {
		t.Fatalf("bad date: %v", err)
	}
	plan, _ := e.svc.Plan(e.ctx, id)
	if len(plan) != 3 || plan[2].Format(time.DateOnly) != "2026-03-09" {
		t.Fatalf("plan %v", plan)
	}
	var rows []struct {
		Action string `db:"action"`
		Before []byte `db:"before"`
		After  []byte `db:"after"`
	}
	e.db.SelectContext(e.ctx, &rows, `SELECT action, COALESCE(before, 'null') AS before, after FROM audit_log
		WHERE entity = 'prevention_class' AND entity_id = $1 ORDER BY id`, itoa(id))
	var actions []string
	for _, r := range rows {
		actions = append(actions, r.Action)
	}
	want := []string{"prevention.class.create", "prevention.class.update", "prevention.class.notices", "prevention.class.plan"}
	if len(actions) != len(want) {
		t.Fatalf("audit actions %v, want %v", actions, want)
	}
	for i := range want {
		if actions[i] != want[i] {
			t.Fatalf("audit actions %v, want %v", actions, want)
		}
	}
	var before, after prevention.Class
	json.Unmarshal(rows[2].Before, &before)
	json.Unmarshal(rows[2].After, &after)
	if before.OptOutCount != 0 || after.OptOutCount != 2 || after.StudentCount != 19 {
		t.Fatalf("notices audit %+v → %+v", before, after)
	}
}

func TestLicensedProgramsKeepComponentKeys(t *testing.T) {
	e := newEnv(t)
	p := e.people("Plymouth")
	name := testfix.Unique("PROTECT ")
	if _, err := e.svc.CreateProgram(e.ctx, p.lead, prevention.ProgramForm{Name: name, SessionCount: "1", Components: "1. A"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a facilitator registered a program: %v", err)
	}
	bad := []struct {
		form  prevention.ProgramForm
		field string
	}{
		{prevention.ProgramForm{Name: "", SessionCount: "1", Components: "1. A"}, "name"},
		{prevention.ProgramForm{Name: "X", SessionCount: "0", Components: "1. A"}, "session_count"},
		{prevention.ProgramForm{Name: "X", SessionCount: "2", Components: "1. A"}, "components"},
		{prevention.ProgramForm{Name: "X", SessionCount: "1", Components: "3. A"}, "components"},
		{prevention.ProgramForm{Name: "X", SessionCount: "1", Components: "Group agreements"}, "components"},
		{prevention.ProgramForm{Name: "X", SessionCount: "1", Components: "1. A", FacilitatorCourse: "youth-prevention-6-8"}, "facilitator_course"},
		{prevention.ProgramForm{Name: "X", SessionCount: "1", Components: "1. A", Website: "javascript:alert(1)"}, "website"},
	}
	for _, b := range bad {
		_, err := e.svc.CreateProgram(e.ctx, p.admin, b.form)
		var fe validate.Errors
		if !errors.As(err, &fe) || fe[b.field] == "" {
			t.Errorf("%+v: %v, want a message for %q", b.form, err, b.field)
		}
	}
	id, err := e.svc.CreateProgram(e.ctx, p.admin, prevention.ProgramForm{Name: name, Provider: "Provider",
		Website: "https://example.org", SessionCount: "2", FacilitatorCourse: prevention.DefaultPrepCourse,
		Components: "1. Group agreements\n1: Warning signs\n2) Safety plan\n"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.CreateProgram(e.ctx, p.admin, prevention.ProgramForm{Name: name, SessionCount: "1", Components: "1. A"}); err == nil {
		t.Fatal("registered the same name twice")
	}
	before, _ := e.svc.Program(e.ctx, id)
	cur := before.Curriculum()
	if len(cur.Sessions) != 2 || len(cur.Sessions[0].Components) != 2 || cur.Sessions[1].Components[0].Label != "Safety plan" {
		t.Fatalf("curriculum %+v", cur)
	}
	f := before.FormOf()
	f.Components = "1. Warning signs\n1. Group agreements\n2. Help-seeking"
	if err := e.svc.UpdateProgram(e.ctx, p.admin, id, f); err != nil {
		t.Fatal(err)
	}
	after, _ := e.svc.Program(e.ctx, id)
	keys := map[string]int64{}
	for _, c := range before.Components {
		keys[c.Name] = c.ID
	}
	if after.Components[0].Name != "Warning signs" || after.Components[0].ID != keys["Warning signs"] ||
		after.Components[1].ID != keys["Group agreements"] || after.Components[2].ID == keys["Safety plan"] {
		t.Fatalf("components %+v (before %+v)", after.Components, before.Components)
	}
	var retired int
	e.db.GetContext(e.ctx, &retired, `SELECT count(*) FROM prevention_program_components WHERE program_id = $1 AND retired_at IS NOT NULL`, id)
	if retired != 1 {
		t.Fatalf("%d retired components, want 1 (Safety plan kept, not deleted)", retired)
	}
	f.Retired = true
	if err := e.svc.UpdateProgram(e.ctx, p.admin, id, f); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.CreateClass(e.ctx, p.lead, prevention.ClassForm{}); err == nil {
		t.Fatal("empty class form accepted")
	}
	curs, _ := e.svc.Curricula(e.ctx)
	for _, c := range curs {
		if c.ProgramID == id {
			t.Fatal("a retired program is still offered for new classes")
		}
	}
	var n int
	e.db.GetContext(e.ctx, &n, `SELECT count(*) FROM audit_log WHERE entity = 'prevention_program' AND entity_id = $1`, itoa(id))
	if n != 3 {
		t.Fatalf("%d audit rows for the program, want 3", n)
	}
}
