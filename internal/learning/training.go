package learning

import (
	"context"
	"sort"
	"time"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/store"
)

// Status is how an assignment stands for the person, in plain words.
type Status string

// Statuses, as "My training" shows them.
const (
	NotStarted Status = "Not started"
	InProgress Status = "In progress"
	DueSoon    Status = "Due soon"
	Overdue    Status = "Overdue"
	Completed  Status = "Completed"
	Expiring   Status = "Expiring"
	Expired    Status = "Expired"
	Withdrawn  Status = "No longer required"
)

// Windows that change a status.
const (
	DueSoonWindow  = 14 * 24 * time.Hour
	ExpiringWindow = 60 * 24 * time.Hour
)

// Class is a CSS-safe name for the status.
func (s Status) Class() string {
	switch s {
	case Overdue, Expired:
		return "overdue"
	case Completed:
		return "completed"
	case DueSoon, Expiring:
		return "due-soon"
	}
	return "open"
}

// StatusOf classifies an assignment at now: open ones by due date and
// progress, completed ones by the expiry of their completion.
func StatusOf(a store.LearnerAssignment, now time.Time) Status {
	switch a.Status {
	case store.StatusWithdrawn:
		return Withdrawn
	case store.StatusCompleted:
		switch {
		case a.ExpiresAt == nil:
			return Completed
		case !a.ExpiresAt.After(now):
			return Expired
		case a.ExpiresAt.Sub(now) <= ExpiringWindow:
			return Expiring
		}
		return Completed
	}
	switch {
	case a.DueAt != nil && a.DueAt.Before(now):
		return Overdue
	case a.DueAt != nil && a.DueAt.Sub(now) <= DueSoonWindow:
		return DueSoon
	case a.Opened > 0 || a.StartedAt != nil:
		return InProgress
	}
	return NotStarted
}

// Item is one assignment on "My training".
type Item struct {
	store.LearnerAssignment
	Course  *catalog.Course
	Status  Status
	Lessons int
}

// Percent is the share of the course's lessons opened, in whole percent.
func (it Item) Percent() int { return percent(it.Opened, it.Lessons) }

// Done reports whether the assignment was completed (its completion and
// expiry dates show, not its due date).
func (it Item) Done() bool { return it.LearnerAssignment.Status == store.StatusCompleted }

// MyTraining is everything the learner's home page shows.
type MyTraining struct {
	Current     []Item // the newest cycle of each course, unless withdrawn
	Past        []Item // earlier cycles and withdrawn assignments
	Recommended []*catalog.Course
	Credits     Credits
}

// Training gathers a person's assignments, recommended optional courses
// and credited minutes.
func (s *Service) Training(ctx context.Context, userID int64) (MyTraining, error) {
	var out MyTraining
	now := s.now()
	rows, err := s.assignments.ForLearner(ctx, userID)
	if err != nil {
		return out, err
	}
	have := map[string]bool{}
	for _, r := range rows {
		c := s.Cat.Get(r.Slug)
		if c == nil {
			continue // a course no longer in the catalog
		}
		it := Item{LearnerAssignment: r, Course: c, Status: StatusOf(r, now), Lessons: len(c.Lessons)}
		it.DueAt, it.ExpiresAt, it.CompletedAt = s.local(r.DueAt), s.local(r.ExpiresAt), s.local(r.CompletedAt)
		if !have[r.Slug] && r.Status != store.StatusWithdrawn {
			out.Current = append(out.Current, it)
		} else {
			out.Past = append(out.Past, it)
		}
		have[r.Slug] = true
	}
	sort.SliceStable(out.Current, func(i, j int) bool { return dueOrder(out.Current[i], out.Current[j]) })
	roles, err := s.users.Roles(ctx, userID)
	if err != nil {
		return out, err
	}
	reqs, err := s.reqs.ForRoles(ctx, roles)
	if err != nil {
		return out, err
	}
	seen := map[string]bool{}
	for _, r := range reqs {
		if r.Optional && !have[r.CourseSlug] && !seen[r.CourseSlug] {
			if c := s.Cat.Get(r.CourseSlug); c != nil {
				out.Recommended = append(out.Recommended, c)
				seen[r.CourseSlug] = true
			}
		}
	}
	out.Credits, err = s.Credits(ctx, userID, roles)
	return out, err
}

// dueOrder puts open assignments first, soonest due first, then the rest.
func dueOrder(a, b Item) bool {
	ao, bo := a.LearnerAssignment.Status == store.StatusOpen, b.LearnerAssignment.Status == store.StatusOpen
	if ao != bo {
		return ao
	}
	if a.DueAt == nil || b.DueAt == nil {
		return a.DueAt != nil && b.DueAt == nil
	}
	return a.DueAt.Before(*b.DueAt)
}

// local shows a time in the service's time zone.
func (s *Service) local(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.In(s.loc)
	return &v
}
