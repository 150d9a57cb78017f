package prevention

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/validate"
)

// ClassOrgTypes are the organizations that hold classes and groups.
var ClassOrgTypes = []string{"school", "youth_program", "residential_program"}

// Grade bands of a class.
const (
	Band68   = "6-8"
	Band912  = "9-12"
	BandAges = "ages"
)

// Class is a class or group taught one curriculum. StudentCount is a
// number; Waymark never holds a roster.
type Class struct {
	ID              int64      `db:"id" json:"id"`
	OrgID           int64      `db:"org_id" json:"org_id"`
	OrgName         string     `db:"org_name" json:"-"`
	Name            string     `db:"name" json:"name"`
	GradeBand       string     `db:"grade_band" json:"grade_band"`
	AgeMin          *int       `db:"age_min" json:"age_min,omitempty"`
	AgeMax          *int       `db:"age_max" json:"age_max,omitempty"`
	StudentCount    int        `db:"student_count" json:"student_count"`
	CourseID        *int64     `db:"course_id" json:"course_id,omitempty"`
	CourseSlug      string     `db:"course_slug" json:"course,omitempty"`
	ProgramID       *int64     `db:"program_id" json:"program_id,omitempty"`
	OptOutCount     int        `db:"opt_out_count" json:"opt_out_count"`
	ConsentRequired bool       `db:"consent_required" json:"consent_required"`
	ConsentCount    int        `db:"consent_count" json:"consent_count"`
	ContactName     string     `db:"contact_name" json:"contact_name"`
	ContactPhone    string     `db:"contact_phone" json:"contact_phone"`
	ContactEmail    string     `db:"contact_email" json:"contact_email"`
	InspectWhere    string     `db:"inspect_where" json:"inspect_where"`
	CreatedBy       int64      `db:"created_by" json:"created_by"`
	CreatedAt       time.Time  `db:"created_at" json:"-"`
	UpdatedAt       time.Time  `db:"updated_at" json:"-"`
	ArchivedAt      *time.Time `db:"archived_at" json:"-"`
}

// Band describes the grade band or ages for people.
func (c Class) Band() string {
	switch {
	case c.GradeBand == BandAges && c.AgeMin != nil && c.AgeMax != nil:
		return fmt.Sprintf("ages %d–%d", *c.AgeMin, *c.AgeMax)
	case c.GradeBand == Band68:
		return "grades 6–8"
	case c.GradeBand == Band912:
		return "grades 9–12"
	}
	return c.GradeBand
}

const classSelect = `SELECT c.id, c.org_id, o.name AS org_name, c.name, c.grade_band, c.age_min, c.age_max,
	c.student_count, c.course_id, COALESCE(co.slug, '') AS course_slug, c.program_id, c.opt_out_count,
	c.consent_required, c.consent_count, c.contact_name, c.contact_phone, c.contact_email, c.inspect_where,
	c.created_by, c.created_at, c.updated_at, c.archived_at
	FROM prevention_classes c JOIN organizations o ON o.id = c.org_id LEFT JOIN courses co ON co.id = c.course_id`

// Class returns a class the actor may see: a facilitator of it, or an
// administrator. Anything else is store.ErrNotFound.
func (s *Service) Class(ctx context.Context, actor Actor, id int64) (Class, error) {
	return s.classFor(ctx, s.db, actor, id, false)
}

func (s *Service) classFor(ctx context.Context, q sqlx.QueryerContext, actor Actor, id int64, lock bool) (Class, error) {
	var c Class
	query := classSelect + ` WHERE c.id = $1 AND c.archived_at IS NULL AND ($3 OR EXISTS (
		SELECT 1 FROM prevention_class_facilitators f WHERE f.class_id = c.id AND f.user_id = $2))`
	if lock {
		query += ` FOR UPDATE OF c`
	}
	if err := sqlx.GetContext(ctx, q, &c, query, id, actor.UserID, actor.IsAdmin); err != nil {
		return c, fmt.Errorf("prevention: class %d: %w", id, notFound(err))
	}
	return c, nil
}

// MyClasses lists the classes the actor facilitates, newest first.
func (s *Service) MyClasses(ctx context.Context, actor Actor) ([]Class, error) {
	var out []Class
	err := s.db.SelectContext(ctx, &out, classSelect+` JOIN prevention_class_facilitators f ON f.class_id = c.id
		WHERE f.user_id = $1 AND c.archived_at IS NULL ORDER BY c.created_at DESC, c.id DESC`, actor.UserID)
	if err != nil {
		return nil, fmt.Errorf("prevention: my classes: %w", err)
	}
	return out, nil
}

// OrgChoice is an organization a class may belong to.
type OrgChoice = store.TypedOrg

// OrgChoices lists the schools and programs in the actor's own subtree.
func (s *Service) OrgChoices(ctx context.Context, actor Actor) ([]OrgChoice, error) {
	return store.TypedOrgsUnder(ctx, s.db, actor.OrgID, ClassOrgTypes)
}

// ClassForm is the class form as typed.
type ClassForm struct {
	OrgCode, Name, GradeBand, AgeMin, AgeMax, StudentCount, Curriculum string
	ContactName, ContactPhone, ContactEmail, InspectWhere              string
	ConsentRequired                                                    bool
}

// FormOf fills the form from a stored class.
func (c Class) FormOf(orgCode, curriculumRef string) ClassForm {
	f := ClassForm{OrgCode: orgCode, Name: c.Name, GradeBand: c.GradeBand, StudentCount: strconv.Itoa(c.StudentCount),
		Curriculum: curriculumRef, ContactName: c.ContactName, ContactPhone: c.ContactPhone,
		ContactEmail: c.ContactEmail, InspectWhere: c.InspectWhere, ConsentRequired: c.ConsentRequired}
	if c.AgeMin != nil && c.AgeMax != nil {
		f.AgeMin, f.AgeMax = strconv.Itoa(*c.AgeMin), strconv.Itoa(*c.AgeMax)
	}
	return f
}

// Ref is the curriculum reference of a class.
func (c Class) Ref() string {
	if c.ProgramID != nil {
		return "program:" + strconv.FormatInt(*c.ProgramID, 10)
	}
	return "course:" + c.CourseSlug
}

// parseClass validates the fields a class has whether new or edited.
func parseClass(f ClassForm, errs validate.Errors) Class {
	c := Class{Name: strings.TrimSpace(f.Name), GradeBand: f.GradeBand, ConsentRequired: f.ConsentRequired,
		ContactName: strings.TrimSpace(f.ContactName), ContactPhone: strings.TrimSpace(f.ContactPhone),
		ContactEmail: strings.TrimSpace(f.ContactEmail), InspectWhere: strings.TrimSpace(f.InspectWhere)}
	if c.Name == "" || len(c.Name) > 120 {
		errs["name"] = "Enter a name for the class or group (up to 120 characters), such as \"Grade 7 health, period 3\"."
	}
	switch c.GradeBand {
	case Band68, Band912:
	case BandAges:
		lo, err1 := strconv.Atoi(strings.TrimSpace(f.AgeMin))
		hi, err2 := strconv.Atoi(strings.TrimSpace(f.AgeMax))
		if err1 != nil || err2 != nil || lo < 5 || hi > 25 || lo > hi {
			errs["ages"] = "Enter the youngest and oldest ages, from 5 to 25."
		} else {
			c.AgeMin, c.AgeMax = &lo, &hi
		}
	default:
		errs["grade_band"] = "Choose grades 6–8, grades 9–12, or an age range."
	}
	n, err := strconv.Atoi(strings.TrimSpace(f.StudentCount))
	if err != nil || n < 1 || n > 500 {
		errs["student_count"] = "Enter how many students are in the class, from 1 to 500. Only the number: never names."
	}
	c.StudentCount = n
	if c.ContactName == "" || len(c.ContactName) > 120 {
		errs["contact_name"] = "Enter the staff member families can contact (up to 120 characters)."
	}
	if len(c.ContactPhone) > 40 {
		errs["contact_phone"] = "Enter a phone number of up to 40 characters."
	}
	if c.ContactEmail != "" {
		if _, err := mail.ParseAddress(c.ContactEmail); err != nil || len(c.ContactEmail) > 254 {
			errs["contact_email"] = "Enter an email address like name@school.org."
		}
	}
	if c.ContactPhone == "" && c.ContactEmail == "" && errs["contact_phone"] == "" {
		errs["contact_phone"] = "Enter a phone number or an email address for the contact person."
	}
	if c.InspectWhere == "" || len(c.InspectWhere) > 500 {
		errs["inspect_where"] = "Say where and when families can look at the lesson materials (up to 500 characters)."
	}
	return c
}

// CreateClass creates a class in an organization of the actor's subtree
// (anywhere for administrators); the actor becomes its lead facilitator.
func (s *Service) CreateClass(ctx context.Context, actor Actor, f ClassForm) (int64, error) {
	errs := validate.Errors{}
	c := parseClass(f, errs)
	org, err := s.classOrg(ctx, actor, strings.TrimSpace(f.OrgCode))
	if err != nil {
		return 0, err
	}
	if org == nil {
		errs["org"] = "Choose a school, youth program or residential program in your organization."
	} else {
		c.OrgID = org.ID
	}
	cur, err := s.CurriculumByRef(ctx, f.Curriculum)
	if err != nil {
		errs["curriculum"] = "Choose the curriculum this class follows."
	} else if cur.External {
		c.ProgramID = &cur.ProgramID
	}
	if err := errs.OrNil(); err != nil {
		return 0, err
	}
	now := s.now()
	err = store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var courseID *int64
		if !cur.External {
			id, err := store.CourseIDBySlug(ctx, tx, cur.Course.Slug)
			if err != nil {
				return err
			}
			courseID = &id
		}
		err := tx.GetContext(ctx, &c.ID, `INSERT INTO prevention_classes (org_id, name, grade_band, age_min, age_max,
			student_count, course_id, program_id, consent_required, contact_name, contact_phone, contact_email,
			inspect_where, created_by, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$15) RETURNING id`,
			c.OrgID, c.Name, c.GradeBand, c.AgeMin, c.AgeMax, c.StudentCount, courseID, c.ProgramID, c.ConsentRequired,
			c.ContactName, c.ContactPhone, c.ContactEmail, c.InspectWhere, actor.UserID, now)
		if err != nil {
			return fmt.Errorf("prevention: create class: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO prevention_class_facilitators (class_id, user_id, lead, added_at)
			VALUES ($1, $2, true, $3)`, c.ID, actor.UserID, now); err != nil {
			return fmt.Errorf("prevention: class lead: %w", err)
		}
		after, err := s.classFor(ctx, tx, Actor{IsAdmin: true}, c.ID, false)
		if err != nil {
			return err
		}
		return store.Audit(ctx, tx, store.AuditEntry{ActorID: &actor.UserID, Action: "prevention.class.create",
			Entity: "prevention_class", EntityID: strconv.FormatInt(c.ID, 10), OrgID: &c.OrgID, After: after})
	})
	return c.ID, err
}

// classOrg finds the organization a class may be created in, or nil.
func (s *Service) classOrg(ctx context.Context, actor Actor, code string) (*OrgChoice, error) {
	if code == "" {
		return nil, nil
	}
	o, err := store.TypedOrgByCode(ctx, s.db, code, ClassOrgTypes, actor.OrgID, actor.IsAdmin)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return &o, nil
}

// UpdateClass changes a class's details. Its organization and curriculum
// stay as created. The class size cannot drop below recorded counts.
func (s *Service) UpdateClass(ctx context.Context, actor Actor, id int64, f ClassForm) error {
	errs := validate.Errors{}
	c := parseClass(f, errs)
	if err := errs.OrNil(); err != nil {
		return err
	}
	return store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		before, err := s.classFor(ctx, tx, actor, id, true)
		if err != nil {
			return err
		}
		var floor int
		if err := tx.GetContext(ctx, &floor, `SELECT GREATEST($2::int, $3::int,
			COALESCE((SELECT max(attendance) FROM prevention_deliveries WHERE class_id = $1), 0),
			COALESCE((SELECT max(respondents) FROM prevention_survey_phases WHERE class_id = $1), 0))`,
			id, before.OptOutCount, before.ConsentCount); err != nil {
			return fmt.Errorf("prevention: class floor: %w", err)
		}
		if c.StudentCount < floor {
			return validate.Errors{"student_count": fmt.Sprintf("The class already has counts of up to %d recorded (attendance, notices or surveys), so it cannot have fewer students.", floor)}
		}
		_, err = tx.ExecContext(ctx, `UPDATE prevention_classes SET name = $2, grade_band = $3, age_min = $4, age_max = $5,
			student_count = $6, consent_required = $7, contact_name = $8, contact_phone = $9, contact_email = $10,
			inspect_where = $11, updated_at = $12 WHERE id = $1`,
			id, c.Name, c.GradeBand, c.AgeMin, c.AgeMax, c.StudentCount, c.ConsentRequired, c.ContactName,
			c.ContactPhone, c.ContactEmail, c.InspectWhere, s.now())
		if err != nil {
			return fmt.Errorf("prevention: update class %d: %w", id, err)
		}
		return s.auditClass(ctx, tx, actor, "prevention.class.update", before)
	})
}

// auditClass records before and the class as it is now.
func (s *Service) auditClass(ctx context.Context, tx *sqlx.Tx, actor Actor, action string, before Class) error {
	after, err := s.classFor(ctx, tx, Actor{IsAdmin: true}, before.ID, false)
	if err != nil {
		return err
	}
	return store.Audit(ctx, tx, store.AuditEntry{ActorID: &actor.UserID, Action: action, Entity: "prevention_class",
		EntityID: strconv.FormatInt(before.ID, 10), OrgID: &before.OrgID, Before: before, After: after})
}

// NoticeForm holds the parent-notice counts as typed.
type NoticeForm struct{ OptOuts, Consents string }

// SaveNotices records how many families exempted their child and, where the
// district asks for written consent, how many gave it.
func (s *Service) SaveNotices(ctx context.Context, actor Actor, id int64, f NoticeForm) error {
	return store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		before, err := s.classFor(ctx, tx, actor, id, true)
		if err != nil {
			return err
		}
		errs := validate.Errors{}
		opt, err := strconv.Atoi(strings.TrimSpace(f.OptOuts))
		if err != nil || opt < 0 || opt > before.StudentCount {
			errs["opt_outs"] = fmt.Sprintf("Enter a number from 0 to %d (the class size).", before.StudentCount)
		}
		consent := 0
		if before.ConsentRequired {
			consent, err = strconv.Atoi(strings.TrimSpace(f.Consents))
			if err != nil || consent < 0 || consent > before.StudentCount {
				errs["consents"] = fmt.Sprintf("Enter a number from 0 to %d (the class size).", before.StudentCount)
			}
		}
		if err := errs.OrNil(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE prevention_classes SET opt_out_count = $2, consent_count = $3,
			updated_at = $4 WHERE id = $1`, id, opt, consent, s.now()); err != nil {
			return fmt.Errorf("prevention: notices of class %d: %w", id, err)
		}
		return s.auditClass(ctx, tx, actor, "prevention.class.notices", before)
	})
}

// ClassItem is a class in a list, with its curriculum and progress.
type ClassItem struct {
	Class
	Curriculum string
	Sessions   int
	Delivered  int
}

// ClassList lists the classes the actor facilitates with their progress.
func (s *Service) ClassList(ctx context.Context, actor Actor) ([]ClassItem, error) {
	classes, err := s.MyClasses(ctx, actor)
	if err != nil || len(classes) == 0 {
		return nil, err
	}
	ids := make([]int64, len(classes))
	for i, c := range classes {
		ids[i] = c.ID
	}
	var counts []struct {
		ClassID int64 `db:"class_id"`
		N       int   `db:"n"`
	}
	if err := s.db.SelectContext(ctx, &counts, `SELECT class_id, count(*) AS n FROM prevention_deliveries
		WHERE class_id = ANY($1) GROUP BY class_id`, int64Array(ids)); err != nil {
		return nil, fmt.Errorf("prevention: delivered counts: %w", err)
	}
	delivered := map[int64]int{}
	for _, c := range counts {
		delivered[c.ClassID] = c.N
	}
	curricula, err := s.allCurricula(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ClassItem, len(classes))
	for i, c := range classes {
		cur := curricula[c.Ref()]
		out[i] = ClassItem{Class: c, Curriculum: cur.Title, Sessions: len(cur.Sessions), Delivered: delivered[c.ID]}
	}
	return out, nil
}

// allCurricula maps every curriculum, retired programs included, by Ref.
func (s *Service) allCurricula(ctx context.Context) (map[string]Curriculum, error) {
	out := map[string]Curriculum{}
	for _, c := range s.Courses() {
		out[c.Ref] = c
	}
	progs, err := s.Programs(ctx, true)
	if err != nil {
		return nil, err
	}
	for _, p := range progs {
		out[p.Curriculum().Ref] = p.Curriculum()
	}
	return out, nil
}
