package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/store"
)

// staffPerOrg is how many generated people each demo organization gets.
const staffPerOrg = 6

// rolesByType are the job roles generated staff of each kind of
// organization have, in turn.
var rolesByType = map[string][]string{
	"state_agency":        {"training-coordinator", "evaluator"},
	"police_department":   {"patrol-officer", "patrol-officer", "detective", "school-resource-officer"},
	"police_unit":         {"detective"},
	"prosecutor_office":   {"prosecutor", "victim-advocate"},
	"court":               {"court-staff"},
	"school_district":     {"school-administrator", "school-support-staff"},
	"school":              {"teacher", "teacher", "school-support-staff", "school-nurse", "school-counselor"},
	"hospital":            {"emergency-clinician", "behavioral-health-clinician"},
	"dcf_region":          {"dcf-social-worker"},
	"dcf_area_office":     {"dcf-social-worker"},
	"cac":                 {"cac-mdt-member"},
	"residential_program": {"residential-staff"},
	"youth_program":       {"youth-program-staff"},
	"hotel_group":         {"hotel-manager"},
	"hotel":               {"hotel-frontline", "hotel-frontline", "hotel-manager"},
}

var (
	firstNames = []string{"Alex", "Bianca", "Carlos", "Deborah", "Elijah", "Fatima", "Gabriel", "Helen", "Isaac", "Julia",
		"Kwame", "Laura", "Miguel", "Nadia", "Owen", "Patricia", "Quinn", "Rafael", "Sarah", "Tomas", "Uma", "Victor",
		"Wendy", "Xavier", "Yasmin", "Zachary", "Amara", "Brendan", "Chloe", "Darnell", "Erin"}
	lastNames = []string{"Almeida", "Brennan", "Castillo", "Dufresne", "Evans", "Ferreira", "Gallagher", "Haddad",
		"Ibrahim", "Jones", "Kowalski", "Lopez", "McCarthy", "Nascimento", "Oliveira", "Patel", "Quinlan", "Rosario",
		"Silva", "Thibodeau", "Upton", "Vargas", "Whelan", "Xu", "Yang", "Zielinski", "Abreu", "Boucher", "Coelho"}
)

// Staff returns the generated people of the demo, in three cohorts: those
// who joined with the demo a year ago (0), four months later (1), and in
// the last weeks (2). Names and roles follow from each one's place.
func Staff(d people.Demo) [3][]people.DemoPerson {
	var out [3][]people.DemoPerson
	i := 0
	for _, o := range d.Organizations {
		roles := rolesByType[o.Type]
		if len(roles) == 0 {
			continue
		}
		for k := 0; k < staffPerOrg; k++ {
			first, last := firstNames[(i*7)%len(firstNames)], lastNames[(i*11)%len(lastNames)]
			p := people.DemoPerson{Name: first + " " + last, Org: o.Code, Roles: []string{roles[k%len(roles)]},
				Email: fmt.Sprintf("%s.%s.%d@demo.waymark.example", strings.ToLower(first), strings.ToLower(last), i)}
			cohort := 0
			switch i % 10 {
			case 3, 7:
				cohort = 1
			case 5:
				cohort = 2
			}
			out[cohort] = append(out[cohort], p)
			i++
		}
	}
	return out
}

// personIDs looks up every demo person, logins first, in a fixed order.
func personIDs(ctx context.Context, st *store.Stores, d people.Demo, staff [3][]people.DemoPerson) ([]person, error) {
	all := append([]people.DemoPerson{}, d.People...)
	for _, c := range staff {
		all = append(all, c...)
	}
	out := make([]person, 0, len(all))
	for _, p := range all {
		u, err := st.Users.ByEmail(ctx, p.Email)
		if err != nil {
			return nil, fmt.Errorf("demo: %s: %w", p.Email, err)
		}
		out = append(out, person{id: u.ID, email: p.Email})
	}
	return out, nil
}
