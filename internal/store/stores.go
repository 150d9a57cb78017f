package store

import (
	"github.com/jmoiron/sqlx"
)

// Stores is every store over one pool, each built once at start-up and
// shared by the services and the web app.
type Stores struct {
	Users        *Users
	Sessions     *Sessions
	Orgs         *Orgs
	Tokens       *Tokens
	Courses      *Courses
	Requirements *Requirements
	Assignments  *Assignments
	Attempts     *Attempts
	Completions  *Completions
	Certificates *Certificates
}

// New builds every store, preparing every hot statement. It fails, naming
// the statement, when one does not prepare (a schema that does not match
// the code): start-up stops there instead of the first request failing.
func New(db *sqlx.DB) (*Stores, error) {
	s := &Stores{Orgs: NewOrgs(db), Tokens: NewTokens(db), Courses: NewCourses(db),
		Attempts: NewAttempts(db), Certificates: NewCertificates(db)}
	var err error
	if s.Users, err = NewUsers(db); err != nil {
		return nil, err
	}
	if s.Sessions, err = NewSessions(db); err != nil {
		return nil, err
	}
	if s.Requirements, err = NewRequirements(db); err != nil {
		return nil, err
	}
	if s.Assignments, err = NewAssignments(db); err != nil {
		return nil, err
	}
	if s.Completions, err = NewCompletions(db); err != nil {
		return nil, err
	}
	return s, nil
}
