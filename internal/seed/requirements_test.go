package seed_test

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/waymark/waymark/courses"
	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/seed"
	"github.com/waymark/waymark/internal/testfix"
	"github.com/waymark/waymark/seeds"
)

// TestShippedMatrix loads seeds/requirements.yaml against the shipped roles
// and curriculum: every role and course exists, every pair fits the
// course's audiences, and the matrix covers what the plan asks for.
func TestShippedMatrix(t *testing.T) {
	roles, err := seed.LoadRoles(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Load(courses.FS, seed.RoleSet(roles))
	if err != nil {
		t.Fatal(err)
	}
	reqs, err := seed.LoadRequirements(seeds.FS, seed.RoleSet(roles), cat)
	if err != nil {
		t.Fatal(err)
	}
	required := map[string]map[string]bool{} // role → required courses
	assignable := map[string]bool{}
	for _, r := range reqs {
		c := cat.Get(r.Course)
		if c == nil || c.Kind != catalog.KindTraining || !c.HasAudience(r.Role) {
			t.Errorf("line %d: %s → %s does not fit the catalog", r.Line, r.Role, r.Course)
		}
		if required[r.Role] == nil {
			required[r.Role] = map[string]bool{}
		}
		if !r.Optional {
			required[r.Role][r.Course] = true
		}
		assignable[r.Course] = true
	}
	for _, role := range roles {
		if _, ok := required[role.Code]; !ok {
			t.Errorf("role %s has no courses in the matrix", role.Code)
		}
	}
	for _, c := range cat.Courses {
		if c.Kind == catalog.KindTraining && c.TranslationOf == "" && !assignable[c.Slug] {
			t.Errorf("training course %s is not in the matrix", c.Slug)
		}
	}
	checks := []struct{ role, course string }{
		{"patrol-officer", "foundations"}, {"patrol-officer", "police-first-response"}, {"teacher", "school-staff"},
		{"victim-advocate", "investigating-prosecuting"}, {"court-staff", "courts-trauma-informed"},
		{"school-nurse", "health-care-response"}, {"cac-mdt-member", "child-welfare-youth-settings"},
		{"prevention-facilitator", "facilitator-preparation"}, {"hotel-frontline", "hospitality"},
		{"evaluator", "leading-capacity"}, {"evaluator", "annual-refresher"},
	}
	for _, c := range checks {
		if !required[c.role][c.course] {
			t.Errorf("%s should be required to take %s", c.role, c.course)
		}
	}
	if len(required["parent-caregiver"]) != 0 {
		t.Errorf("parents and caregivers should have only optional courses, got %v", required["parent-caregiver"])
	}
}

func TestRequirementErrorsNameTheLine(t *testing.T) {
	cat := testfix.SampleCatalog(t)
	roles := map[string]bool{"teacher": true, "prevention-facilitator": true}
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"unknown role", "requirements:\n  - roles: [teacher,\n      astronaut]\n    courses:\n      - {course: sample-course, due_days: 30}\n",
			[]string{"requirements.yaml:3: unknown job role \"astronaut\""}},
		{"unknown course", "requirements:\n  - roles: [teacher]\n    courses:\n      - {course: sample-course, due_days: 30}\n      - {course: no-such, due_days: 30}\n",
			[]string{"requirements.yaml:5: unknown course \"no-such\""}},
		{"bad numbers", "requirements:\n  - roles: [teacher]\n    courses:\n      - {course: sample-course, due_days: 0}\n      - {course: sample-prep, due_days: 10, renewal_months: -2}\n",
			[]string{"requirements.yaml:4: due_days must be", "requirements.yaml:5: renewal_months must be"}},
		{"not a number", "requirements:\n  - roles: [teacher]\n    courses:\n      - {course: sample-course, due_days: soon}\n",
			[]string{"requirements.yaml:4:", "soon"}},
		{"unknown key", "requirements:\n  - roles: [teacher]\n    courses:\n      - {course: sample-course, due_days: 3, due: 4}\n",
			[]string{"requirements.yaml:4:", "due"}},
		{"prevention course", "requirements:\n  - roles: [prevention-facilitator]\n    courses:\n      - {course: sample-series, due_days: 30}\n",
			[]string{"requirements.yaml:4: \"sample-series\" is a prevention session guide"}},
		{"audience", "requirements:\n  - roles: [prevention-facilitator]\n    courses:\n      - {course: sample-course, due_days: 30}\n",
			[]string{"requirements.yaml:4: role \"prevention-facilitator\" is not among the audiences"}},
		{"twice", "requirements:\n  - roles: [teacher]\n    courses:\n      - {course: sample-course, due_days: 30}\n  - roles: [teacher]\n    courses:\n      - {course: sample-course, due_days: 10}\n",
			[]string{"requirements.yaml:7: role \"teacher\" and course \"sample-course\" are already paired at line 4"}},
		{"no list", "requirements: 3\n", []string{"requirements.yaml:1:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"requirements.yaml": {Data: []byte(tt.yaml)}}
			_, err := seed.LoadRequirements(fsys, roles, cat)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
	good := "requirements:\n  - roles: [teacher]\n    courses:\n      - {course: sample-course, due_days: 30}\n      - {course: sample-prep, due_days: 10, renewal_months: 0, optional: true}\n"
	reqs, err := seed.LoadRequirements(fstest.MapFS{"requirements.yaml": {Data: []byte(good)}}, roles, cat)
	if err != nil || len(reqs) != 2 || reqs[0].DueDays != 30 || reqs[0].RenewalMonths != nil ||
		reqs[1].RenewalMonths == nil || *reqs[1].RenewalMonths != 0 || !reqs[1].Optional || reqs[1].Line != 5 {
		t.Fatalf("good file: %v %+v", err, reqs)
	}
	if _, err := seed.LoadRequirements(fstest.MapFS{}, roles, cat); err == nil || errors.Unwrap(err) == nil {
		t.Fatalf("missing file: %v", err)
	}
}
