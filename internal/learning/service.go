// Package learning turns the requirements matrix into assignments, runs the
// lesson player's progress, grades final checks, writes completions once
// and opens renewal cycles before completions expire.
package learning

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/store"
)

// Errors the web layer turns into pages.
var (
	// ErrNotAssigned: the person has no current assignment of the course.
	ErrNotAssigned = errors.New("learning: course not assigned")
	// ErrNotAvailable: the assignment opens later (available_from).
	ErrNotAvailable = errors.New("learning: course not available yet")
	// ErrPacing: the final check opens after every lesson was opened.
	ErrPacing = errors.New("learning: open every lesson first")
	// ErrNotAssignable: prevention session guides are not taken as training.
	ErrNotAssignable = errors.New("learning: not a training course")
	// ErrIncomplete: some questions of the final check were not answered.
	ErrIncomplete = errors.New("learning: answer every question")
	// ErrTampered: a submission names questions or options that were not shown.
	ErrTampered = errors.New("learning: the submission does not match the check shown")
)

// Options are the settings a Service runs with.
type Options struct {
	Now               func() time.Time
	Location          *time.Location // for training years and expiry dates
	RenewalWindowDays int            // default 60
	TrainingYearEnd   time.Time      // month and day; default June 30
	// OnCompleted runs inside the transaction that writes a completion
	// (the certificate service's OnCompleted issues the certificate there).
	OnCompleted func(ctx context.Context, tx *sqlx.Tx, completionID int64) error
}

// Service is the learning area's domain logic. Build it with New.
type Service struct {
	DB  *sqlx.DB
	Cat *catalog.Catalog
	// OnCompleted is Options.OnCompleted (tests swap it).
	OnCompleted func(ctx context.Context, tx *sqlx.Tx, completionID int64) error

	now         func() time.Time
	loc         *time.Location
	window      int
	yearEnd     time.Time
	refs        map[string]courseRef
	slugs       map[int64]string
	versions    sync.Map // course version id → *catalog.Course, for older versions
	users       *store.Users
	reqs        *store.Requirements
	assignments *store.Assignments
	attempts    *store.Attempts
	completions *store.Completions
	courseStore *store.Courses
}

// courseRef ties a catalog course to its database ids: the course and the
// version whose content this process serves.
type courseRef struct {
	CourseID  int64
	VersionID int64
}

// New builds the service over the stores. The catalog must have been
// synced (catalog.Sync) so every course has its version row.
func New(ctx context.Context, db *sqlx.DB, st *store.Stores, cat *catalog.Catalog, o Options) (*Service, error) {
	s := &Service{DB: db, Cat: cat, OnCompleted: o.OnCompleted, now: o.Now, loc: o.Location, window: o.RenewalWindowDays,
		yearEnd: o.TrainingYearEnd, refs: map[string]courseRef{}, slugs: map[int64]string{},
		users: st.Users, reqs: st.Requirements, assignments: st.Assignments,
		attempts: st.Attempts, completions: st.Completions, courseStore: st.Courses}
	if s.now == nil {
		s.now = time.Now
	}
	if s.loc == nil {
		s.loc = time.UTC
	}
	if s.window == 0 {
		s.window = 60
	}
	if s.yearEnd.IsZero() {
		s.yearEnd = time.Date(0, time.June, 30, 0, 0, 0, 0, time.UTC)
	}
	slugs, hashes := make([]string, len(cat.Courses)), make([]string, len(cat.Courses))
	for i, c := range cat.Courses {
		slugs[i], hashes[i] = c.Slug, c.Hash
	}
	rows, err := s.courseStore.Refs(ctx, slugs, hashes)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		s.refs[r.Slug] = courseRef{CourseID: r.CourseID, VersionID: r.VersionID}
		s.slugs[r.CourseID] = r.Slug
	}
	for _, c := range cat.Courses {
		if _, ok := s.refs[c.Slug]; !ok {
			return nil, fmt.Errorf("learning: course %q is not synced to the database", c.Slug)
		}
	}
	return s, nil
}

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// Location is the time zone for dates shown and computed.
func (s *Service) Location() *time.Location { return s.loc }

// course returns a training or prevention course of the catalog and its
// ids, or ErrNotFound.
func (s *Service) course(slug string) (*catalog.Course, courseRef, error) {
	c := s.Cat.Get(slug)
	if c == nil {
		return nil, courseRef{}, fmt.Errorf("learning: course %q: %w", slug, store.ErrNotFound)
	}
	return c, s.refs[slug], nil
}

// trainingCourse is course, refusing prevention session guides.
func (s *Service) trainingCourse(slug string) (*catalog.Course, courseRef, error) {
	c, ref, err := s.course(slug)
	if err == nil && c.Kind != catalog.KindTraining {
		return nil, courseRef{}, fmt.Errorf("learning: course %q: %w", slug, ErrNotAssignable)
	}
	return c, ref, err
}

// CourseID returns the database id of a catalog course.
func (s *Service) CourseID(slug string) (int64, bool) {
	r, ok := s.refs[slug]
	return r.CourseID, ok
}

// SlugOf returns the slug of a course id.
func (s *Service) SlugOf(courseID int64) string { return s.slugs[courseID] }

// versionCourse returns the content of a course version: the catalog's own
// when it is the version served, else the stored JSON (decoded once).
func (s *Service) versionCourse(ctx context.Context, courseID, versionID int64) (*catalog.Course, error) {
	if slug, ok := s.slugs[courseID]; ok && s.refs[slug].VersionID == versionID {
		return s.Cat.Get(slug), nil
	}
	if c, ok := s.versions.Load(versionID); ok {
		return c.(*catalog.Course), nil
	}
	v, err := s.courseStore.Version(ctx, versionID)
	if err != nil {
		return nil, err
	}
	var c catalog.Course
	if err := v.DecodeContent(&c); err != nil {
		return nil, fmt.Errorf("learning: decode course version %d: %w", versionID, err)
	}
	s.versions.Store(versionID, &c)
	return &c, nil
}
