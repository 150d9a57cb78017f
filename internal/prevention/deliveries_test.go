package prevention_test

import (
	"encoding/json"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/prevention"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testfix"
	"github.com/waymark/waymark/internal/validate"
)

func TestLoggingNeedsAValidPreparationCompletion(t *testing.T) {
	e := newEnv(t)
	p := e.people("Hampden")
	cur, err := e.svc.Course("youth-prevention-6-8")
	if err != nil {
		t.Fatal(err)
	}
	expired, _ := testfix.User(t, e.db, p.school, testfix.UserSpec{Facilitator: true})
	testfix.Prepared(t, e.db, expired, prevention.DefaultPrepCourse, t0.AddDate(-2, -1, 0), t0.AddDate(0, -1, 0))
	expiredActor := prevention.Actor{UserID: expired, OrgID: p.school}
	otherCourse, _ := testfix.User(t, e.db, p.school, testfix.UserSpec{Facilitator: true})
	testfix.Prepared(t, e.db, otherCourse, "foundations", t0.AddDate(0, -1, 0), time.Time{})
	otherActor := prevention.Actor{UserID: otherCourse, OrgID: p.school}

	tests := []struct {
		name  string
		actor prevention.Actor
		want  error
	}{
		{"no completion at all", p.unprepped, prevention.ErrNotPrepared},
		{"completion expired last month", expiredActor, prevention.ErrNotPrepared},
		{"completion of another course", otherActor, prevention.ErrNotPrepared},
		{"valid completion", p.lead, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			class := e.class(tt.actor, p.schoolCode, cur.Ref, 24)
			_, err := e.svc.LogDelivery(e.ctx, tt.actor, class, 1, form(cur, 1, 20))
			if !errors.Is(err, tt.want) && !(tt.want == nil && err == nil) {
				t.Fatalf("LogDelivery = %v, want %v", err, tt.want)
			}
			ds, _ := e.svc.Deliveries(e.ctx, class)
			if want := map[bool]int{true: 1, false: 0}[tt.want == nil]; len(ds) != want {
				t.Fatalf("%d sessions recorded, want %d", len(ds), want)
			}
		})
	}

	t.Run("the completion lapses while the facilitator teaches", func(t *testing.T) {
		lapsing, _ := testfix.User(t, e.db, p.school, testfix.UserSpec{Facilitator: true})
		testfix.Prepared(t, e.db, lapsing, prevention.DefaultPrepCourse, t0.AddDate(-2, 0, 0), t0.Add(3*24*time.Hour))
		a := prevention.Actor{UserID: lapsing, OrgID: p.school}
		ce := *e
		c := &clock{t: t0}
		ce.clock, ce.svc = c, prevention.New(e.db, cat, prevention.Options{Now: c.Now})
		class := ce.class(a, p.schoolCode, cur.Ref, 24)
		if _, err := ce.svc.LogDelivery(e.ctx, a, class, 1, form(cur, 1, 20)); err != nil {
			t.Fatal(err)
		}
		c.Add(4 * 24 * time.Hour)
		f := form(cur, 2, 20)
		f.Date = c.Now().Format(time.DateOnly)
		if _, err := ce.svc.LogDelivery(e.ctx, a, class, 2, f); !errors.Is(err, prevention.ErrNotPrepared) {
			t.Fatalf("after expiry: %v, want ErrNotPrepared", err)
		}
	})
}

func TestPreparationIsConfigurablePerProgram(t *testing.T) {
	e := newEnv(t)
	p := e.people("Suffolk")
	own, err := e.svc.CreateProgram(e.ctx, p.admin, prevention.ProgramForm{Name: testfix.Unique("Licensed A "),
		SessionCount: "2", FacilitatorCourse: "", Components: "1. Opening circle\n2. Closing circle"})
	if err != nil {
		t.Fatal(err)
	}
	ours, err := e.svc.CreateProgram(e.ctx, p.admin, prevention.ProgramForm{Name: testfix.Unique("Licensed B "),
		SessionCount: "2", FacilitatorCourse: prevention.DefaultPrepCourse, Components: "1. Opening\n2. Closing"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		program int64
		want    error
	}{{own, nil}, {ours, prevention.ErrNotPrepared}} {
		prog, _ := e.svc.Program(e.ctx, tt.program)
		cur := prog.Curriculum()
		class := e.class(p.unprepped, p.schoolCode, cur.Ref, 15)
		_, err := e.svc.LogDelivery(e.ctx, p.unprepped, class, 1, form(cur, 1, 12))
		if !errors.Is(err, tt.want) && !(err == nil && tt.want == nil) {
			t.Errorf("program requiring %q: %v, want %v", prog.FacilitatorCourse, err, tt.want)
		}
	}
}

func TestLoggingValidatesTheRecord(t *testing.T) {
	e := newEnv(t)
	p := e.people("Essex")
	cur, _ := e.svc.Course("youth-prevention-9-12")
	class := e.class(p.lead, p.schoolCode, cur.Ref, 20)
	if err := e.svc.AddFacilitator(e.ctx, p.lead, class, p.coFacEmail); err != nil {
		t.Fatal(err)
	}
	outsider, _ := testfix.User(t, e.db, p.school, testfix.UserSpec{Facilitator: true})
	missing := form(cur, 1, 10)
	sess, _ := cur.Session(1)
	delete(missing.Marks, sess.Components[0].Key)
	tests := []struct {
		name  string
		edit  func(f *prevention.DeliveryForm)
		field string
	}{
		{"attendance above class size", func(f *prevention.DeliveryForm) { f.Attendance = "21" }, "attendance"},
		{"no attendance", func(f *prevention.DeliveryForm) { f.Attendance = "0" }, "attendance"},
		{"date in the future", func(f *prevention.DeliveryForm) { f.Date = t0.AddDate(0, 0, 5).Format(time.DateOnly) }, "date"},
		{"not a date", func(f *prevention.DeliveryForm) { f.Date = "March 3" }, "date"},
		{"minutes", func(f *prevention.DeliveryForm) { f.Minutes = "0" }, "minutes"},
		{"a component unmarked", func(f *prevention.DeliveryForm) { f.Marks = missing.Marks }, "marks"},
		{"a made-up mark", func(f *prevention.DeliveryForm) { f.Marks[sess.Components[0].Key] = "mostly" }, "marks"},
		{"co-facilitator not of this class", func(f *prevention.DeliveryForm) { f.CoFacilitator = itoa(outsider) }, "co_facilitator"},
		{"oneself as co-facilitator", func(f *prevention.DeliveryForm) { f.CoFacilitator = itoa(p.lead.UserID) }, "co_facilitator"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := form(cur, 1, 10)
			tt.edit(&f)
			_, err := e.svc.LogDelivery(e.ctx, p.lead, class, 1, f)
			var fe validate.Errors
			if !errors.As(err, &fe) || fe[tt.field] == "" {
				t.Fatalf("err = %v, want a message for %q", err, tt.field)
			}
		})
	}
	f := form(cur, 1, 20)
	f.CoFacilitator = itoa(p.coFac.UserID)
	if _, err := e.svc.LogDelivery(e.ctx, p.lead, class, 1, f); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.LogDelivery(e.ctx, p.coFac, class, 1, form(cur, 1, 20)); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second record of session 1: %v, want ErrConflict", err)
	}
	if _, err := e.svc.LogDelivery(e.ctx, p.lead, class, 6, form(cur, 1, 20)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("session 6 of 5: %v, want ErrNotFound", err)
	}
	if _, err := e.svc.LogDelivery(e.ctx, prevention.Actor{UserID: outsider, OrgID: p.school}, class, 2, form(cur, 2, 20)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a facilitator of another class: %v, want ErrNotFound", err)
	}
	if _, err := e.svc.LogDelivery(e.ctx, p.admin, class, 2, form(cur, 2, 20)); !errors.Is(err, prevention.ErrNotFacilitator) {
		t.Fatalf("an administrator who does not teach the class: %v, want ErrNotFacilitator", err)
	}
	ds, err := e.svc.Deliveries(e.ctx, class)
	if err != nil || len(ds) != 1 {
		t.Fatalf("deliveries = %v, %v", ds, err)
	}
	if d := ds[0]; d.CoFacilitatorID == nil || *d.CoFacilitatorID != p.coFac.UserID || d.Attendance != 20 ||
		len(d.Marks) != len(sess.Components) || d.CourseVersionID == nil {
		t.Fatalf("stored record = %+v", d)
	}
}

func TestEditingIsOpenForSevenDaysAndAudited(t *testing.T) {
	e := newEnv(t)
	p := e.people("Worcester")
	cur, _ := e.svc.Course("youth-prevention-6-8")
	class := e.class(p.lead, p.schoolCode, cur.Ref, 25)
	if err := e.svc.AddFacilitator(e.ctx, p.lead, class, p.coFacEmail); err != nil {
		t.Fatal(err)
	}
	id, err := e.svc.LogDelivery(e.ctx, p.lead, class, 1, form(cur, 1, 22))
	if err != nil {
		t.Fatal(err)
	}
	sess, _ := cur.Session(1)

	// Day 6 and 23 hours: the co-facilitator corrects attendance and a mark.
	e.clock.Add(7*24*time.Hour - time.Hour)
	f := form(cur, 1, 21)
	f.Marks[sess.Components[2].Key] = prevention.MarkPartly
	f.Adaptations = "Shortened the sorting activity; used four cards."
	if err := e.svc.UpdateDelivery(e.ctx, p.coFac, class, id, f); err != nil {
		t.Fatalf("edit within 7 days: %v", err)
	}
	d, _ := e.svc.Delivery(e.ctx, p.lead, class, id)
	if d.Attendance != 21 || d.Marks[2].Status != prevention.MarkPartly || d.Adaptations == "" || !e.svc.Editable(d) {
		t.Fatalf("after edit: %+v", d)
	}

	// Exactly 7 days after logging: locked, nothing changes.
	e.clock.Add(time.Hour)
	if e.svc.Editable(d) {
		t.Fatal("still editable after 7 days")
	}
	f.Attendance = "5"
	if err := e.svc.UpdateDelivery(e.ctx, p.lead, class, id, f); !errors.Is(err, prevention.ErrLocked) || !errors.Is(err, store.ErrConflict) {
		t.Fatalf("edit after 7 days: %v, want ErrLocked", err)
	}
	if d2, _ := e.svc.Delivery(e.ctx, p.lead, class, id); d2.Attendance != 21 {
		t.Fatalf("locked record changed: attendance %d", d2.Attendance)
	}

	// The audit log holds the creation and the one edit, with before/after.
	var rows []struct {
		Action string  `db:"action"`
		Actor  int64   `db:"actor_id"`
		Before *[]byte `db:"before"`
		After  []byte  `db:"after"`
	}
	if err := e.db.SelectContext(e.ctx, &rows, `SELECT action, actor_id, before, after FROM audit_log
		WHERE entity = 'prevention_delivery' AND entity_id = $1 ORDER BY id`, itoa(id)); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Action != "prevention.delivery.create" || rows[1].Action != "prevention.delivery.update" {
		t.Fatalf("audit rows = %+v", rows)
	}
	if rows[1].Actor != p.coFac.UserID || rows[1].Before == nil {
		t.Fatalf("update audit: actor %d, before %v", rows[1].Actor, rows[1].Before)
	}
	var before, after prevention.Delivery
	json.Unmarshal(*rows[1].Before, &before)
	json.Unmarshal(rows[1].After, &after)
	if before.Attendance != 22 || after.Attendance != 21 || before.Marks[2].Status != prevention.MarkDelivered ||
		after.Marks[2].Status != prevention.MarkPartly {
		t.Fatalf("audit before/after: %+v → %+v", before, after)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
