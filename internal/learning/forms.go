package learning

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/seed"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/validate"
)

// The forms of the requirements matrix and of manual assignment, checked
// here so a page only shows what is wrong: each Check returns what the
// form asks for, or validate.Errors with a message per field.

// RequirementForm is a requirement of the matrix as typed.
type RequirementForm struct {
	Role, Course, DueDays, RenewalMonths string
	Optional                             bool
}

// CheckRequirement checks a requirement form; withPair also checks the
// role and the course (the add form: a row's edit keeps its pair).
func (s *Service) CheckRequirement(ctx context.Context, f RequirementForm, withPair bool) (RequirementChange, error) {
	errs := validate.Errors{}
	ch := RequirementChange{Role: f.Role, CourseSlug: f.Course, Optional: f.Optional}
	if withPair {
		known, err := s.roleKnown(ctx, f.Role)
		if err != nil {
			return ch, err
		}
		if !known {
			errs["role"] = "Choose a job role."
		}
		if !s.isTraining(f.Course) {
			errs["course"] = "Choose a training course."
		}
	}
	n, err := strconv.Atoi(f.DueDays)
	if err != nil || n < 1 || n > seed.MaxDueDays {
		errs["due_days"] = fmt.Sprintf("Enter the number of days, from 1 to %d.", seed.MaxDueDays)
	}
	ch.DueDays = n
	if f.RenewalMonths != "" {
		m, err := strconv.Atoi(f.RenewalMonths)
		if err != nil || m < 0 || m > 120 {
			errs["renewal_months"] = "Enter months from 0 to 120, or leave it empty to use the course's own period."
		}
		ch.RenewalMonths = &m
	}
	return ch, errs.OrNil()
}

// pairExists is the add form's answer to a pair in the matrix already.
func pairExists() validate.Errors {
	return validate.Errors{"course": "This role already has this course. Change the existing row instead."}
}

func (s *Service) roleKnown(ctx context.Context, code string) (bool, error) {
	roles, err := store.ListRoles(ctx, s.DB)
	if err != nil {
		return false, fmt.Errorf("learning: job roles: %w", err)
	}
	for _, r := range roles {
		if r.Code == code {
			return true, nil
		}
	}
	return false, nil
}

func (s *Service) isTraining(slug string) bool {
	course := s.Cat.Get(slug)
	return course != nil && course.Kind == catalog.KindTraining
}

// Assigner is the person assigning: an administrator anywhere, a manager
// within the organization subtrees of their scope.
type Assigner struct {
	ID      int64
	IsAdmin bool
	Scopes  []int64
}

// InScope reports whether an organization is one the assigner may assign in.
func (s *Service) InScope(ctx context.Context, by Assigner, orgID int64) (bool, error) {
	if by.IsAdmin {
		return true, nil
	}
	return store.NewOrgs(s.DB).InSubtree(ctx, orgID, by.Scopes)
}

// AssignForm is the assignment form as typed. UserID is a person the
// caller has checked already (the form was opened for them); otherwise
// Target says whether Email names a person or Org an organization.
type AssignForm struct {
	Course, Target, Email, Org, Due, From string
	UserID                                int64
}

// CheckAssignment checks an assignment form against the assigner's scope:
// a person or organization outside it gets the same answer as one that
// does not exist. Dates are days in the service's time zone; the course is
// due at the end of its day.
func (s *Service) CheckAssignment(ctx context.Context, by Assigner, f AssignForm) (ManualAssignment, error) {
	m := ManualAssignment{ActorID: by.ID, CourseSlug: f.Course}
	errs := validate.Errors{}
	if !s.isTraining(f.Course) {
		errs["course"] = "Choose a training course."
	}
	switch {
	case f.UserID != 0:
		m.UserID = f.UserID
	case f.Target == "person":
		ok, id, err := s.assignablePerson(ctx, by, f.Email)
		if err != nil {
			return m, err
		}
		if !ok {
			errs["email"] = "Enter the email of a person in the organizations you manage."
		}
		m.UserID = id
	case f.Target == "org":
		ok, id, err := s.assignableOrg(ctx, by, f.Org)
		if err != nil {
			return m, err
		}
		if !ok {
			errs["org"] = "Enter the code of an organization you manage."
		}
		m.OrgID = id
	default:
		errs["target"] = "Choose a person or an organization."
	}
	today := s.now().In(s.loc)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, s.loc)
	due, err := time.ParseInLocation("2006-01-02", f.Due, s.loc)
	if err != nil || due.Before(today) {
		errs["due"] = "Enter a due date that is today or later."
	}
	m.DueAt = time.Date(due.Year(), due.Month(), due.Day(), 23, 59, 59, 0, s.loc) // the end of the day
	if f.From != "" {
		from, err := time.ParseInLocation("2006-01-02", f.From, s.loc)
		if err != nil || from.After(due) {
			errs["from"] = "Enter a date on or before the due date, or leave it empty to open the course now."
		}
		m.AvailableFrom = from
	}
	return m, errs.OrNil()
}

// assignablePerson finds the active person with email whom the assigner
// may see.
func (s *Service) assignablePerson(ctx context.Context, by Assigner, email string) (bool, int64, error) {
	u, err := s.users.ByEmail(ctx, email)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return false, 0, nil
	case err != nil:
		return false, 0, err
	case !u.Active():
		return false, u.ID, nil
	}
	ok, err := s.users.CanSee(ctx, by.ID, u.ID)
	return ok, u.ID, err
}

// assignableOrg finds the active organization with code within the
// assigner's scope.
func (s *Service) assignableOrg(ctx context.Context, by Assigner, code string) (bool, int64, error) {
	o, err := store.NewOrgs(s.DB).ByCode(ctx, strings.ToUpper(code))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return false, 0, nil
	case err != nil:
		return false, 0, err
	case o.DeactivatedAt != nil:
		return false, o.ID, nil
	}
	ok, err := s.InScope(ctx, by, o.ID)
	return ok, o.ID, err
}
