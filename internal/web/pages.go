package web

import (
	"fmt"
	"reflect"

	"github.com/waymark/waymark/internal/learning"
)

// pageData is the type of Page.Data each page template reads (nil: the
// page reads no data). render refuses any other type, and
// TestTemplatesReadTheirDataTypes checks every field each template reads,
// on every branch, against its type, so a misspelt field fails a test
// instead of a visitor's request. A new page gets a row here and a struct
// of its own (not a map: a map's keys cannot be checked).
var pageData = map[string]any{
	"error": errorPage{},
	"home":  nil,

	// People
	"login":                 loginForm{},
	"password_forgot":       forgotForm{},
	"password_sent":         passwordSentPage{},
	"password_set":          setPasswordForm{},
	"password_link_invalid": nil,
	"admin_home":            adminHomePage{},
	"admin_orgs":            orgsPage{},
	"admin_org_form":        orgFormData{},
	"admin_users":           usersPage{},
	"admin_user_form":       userFormData{},
	"admin_import":          importPage{},
	"admin_audit":           auditPage{},

	// Learning
	"courses":               catalogPage{},
	"course":                coursePage{},
	"learning_my":           myTrainingPage{},
	"learning_course":       playerView{},
	"learning_lesson":       lessonPage{},
	"learning_check":        checkPage{},
	"learning_result":       learning.AttemptView{},
	"learning_assign":       assignPage{},
	"learning_requirements": requirementsPage{},

	// Certificates
	"verify":              verifyPage{},
	"certificates_mine":   []certificateRow{},
	"certificates_manage": zipForm{},
	"certificates_admin":  certSearchPage{},
	"certificate_admin":   revokeForm{},

	// Mail
	"admin_mail":  adminMailPage{},
	"unsubscribe": unsubscribePage{},

	// Reports
	"reports_dashboard": dashboardPage{},
	"reports_people":    peoplePage{},
	"reports_person":    personPage{},

	// Prevention
	"prevention_home":         preventionHomePage{},
	"prevention_disclosures":  nil,
	"prevention_curricula":    curriculaPage{},
	"prevention_curriculum":   curriculumPage{},
	"prevention_guide":        guidePage{},
	"prevention_class_form":   classFormPage{},
	"prevention_class":        classPage{},
	"prevention_delivery":     (*deliveryPage)(nil),
	"prevention_survey":       surveyPage{},
	"prevention_report":       preventionReportPage{},
	"prevention_programs":     programsPage{},
	"prevention_program_form": programFormPage{},
}

// fragmentData is the same for the partials rendered on their own.
var fragmentData = map[string]any{
	"catalog-body": catalogBody{},
	"lesson-body":  lessonBody{},
}

// checkPageData refuses data of another type than the page's row in
// pageData.
func checkPageData(name string, data any) error {
	want, ok := pageData[name]
	if !ok {
		return fmt.Errorf("web: page %q has no row in pageData", name)
	}
	if got := reflect.TypeOf(data); got != reflect.TypeOf(want) {
		return fmt.Errorf("web: page %q renders %v, not %v", name, reflect.TypeOf(want), got)
	}
	return nil
}
