package learning_test

import (
	"context"
	"errors"
	"testing"

	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testfix"
	"github.com/waymark/waymark/internal/validate"
)

func TestCheckRequirement(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tests := []struct {
		name     string
		form     learning.RequirementForm
		withPair bool
		fields   []string // the fields with a message; none: valid
	}{
		{"valid", learning.RequirementForm{Role: "teacher", Course: "sample-course", DueDays: "30"}, true, nil},
		{"unknown role, a prevention guide", learning.RequirementForm{Role: "nobody", Course: "sample-series", DueDays: "30"}, true,
			[]string{"role", "course"}},
		{"a row's edit keeps its pair", learning.RequirementForm{DueDays: "30", RenewalMonths: "12"}, false, nil},
		{"days and months out of range", learning.RequirementForm{DueDays: "0", RenewalMonths: "121"}, false,
			[]string{"due_days", "renewal_months"}},
		{"not numbers", learning.RequirementForm{DueDays: "x", RenewalMonths: "y"}, false, []string{"due_days", "renewal_months"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.CheckRequirement(ctx, tt.form, tt.withPair)
			wantFieldErrors(t, err, tt.fields)
		})
	}
}

func TestAddRequirementTwiceIsAFieldError(t *testing.T) {
	e := newEnv(t)
	role := e.role()
	e.require(role, "sample-course", 30, nil, false)
	_, _, err := e.svc.AddRequirement(context.Background(), e.admin, learning.RequirementChange{Role: role, CourseSlug: "sample-course", DueDays: 30})
	if errs, ok := validate.As(err); !ok || errs["course"] == "" || !errors.Is(err, store.ErrConflict) {
		t.Fatalf("err = %v, want a course field error that is store.ErrConflict", err)
	}
}

func TestCheckAssignment(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	other := testfix.Org(t, e.db, "Other district", "school_district", "Suffolk", 0)
	_, inside := testfix.User(t, e.db, e.org, testfix.UserSpec{})
	_, outside := testfix.User(t, e.db, other, testfix.UserSpec{})
	manager, _ := testfix.User(t, e.db, e.org, testfix.UserSpec{Scopes: []int64{e.org}})
	by := learning.Assigner{ID: manager, Scopes: []int64{e.org}}
	var code string
	if err := e.db.Get(&code, `SELECT code FROM organizations WHERE id = $1`, other); err != nil {
		t.Fatal(err)
	}
	due := e.clock.Now().AddDate(0, 0, 7).Format("2006-01-02")
	tests := []struct {
		name   string
		form   learning.AssignForm
		fields []string
	}{
		{"a person in scope", learning.AssignForm{Course: "sample-course", Target: "person", Email: inside, Due: due}, nil},
		{"a person outside", learning.AssignForm{Course: "sample-course", Target: "person", Email: outside, Due: due}, []string{"email"}},
		{"an organization outside", learning.AssignForm{Course: "sample-course", Target: "org", Org: code, Due: due}, []string{"org"}},
		{"no target, a guide, a past due date", learning.AssignForm{Course: "sample-series", Due: "2000-01-01"},
			[]string{"course", "target", "due"}},
		{"opens after it is due", learning.AssignForm{Course: "sample-course", Target: "person", Email: inside, Due: due, From: "2099-01-01"},
			[]string{"from"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.CheckAssignment(ctx, by, tt.form)
			wantFieldErrors(t, err, tt.fields)
		})
	}
}

// wantFieldErrors checks that err has a message for each of fields and no
// other (no fields: err is nil).
func wantFieldErrors(t *testing.T, err error, fields []string) {
	t.Helper()
	errs, _ := validate.As(err)
	if len(errs) != len(fields) || (err != nil && len(errs) == 0) {
		t.Fatalf("err = %v, want messages for %v", err, fields)
	}
	for _, f := range fields {
		if errs[f] == "" {
			t.Errorf("no message for %s in %v", f, errs)
		}
	}
}
