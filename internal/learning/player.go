package learning

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/store"
)

// Player is the lesson player's view of one person's course: the course,
// the current assignment and which lessons were opened.
type Player struct {
	Course *catalog.Course
	State  store.PlayerState
	Lesson int // the lesson shown (1-based); 0 on the course page
	opened []bool
}

// Opened reports whether lesson n (1-based) was opened.
func (p Player) Opened(n int) bool { return n > 0 && n < len(p.opened) && p.opened[n] }

// OpenedCount is how many lessons were opened.
func (p Player) OpenedCount() int {
	n := 0
	for _, o := range p.opened {
		if o {
			n++
		}
	}
	return n
}

// Open reports whether the assignment is open (not completed).
func (p Player) Open() bool { return p.State.Status == store.StatusOpen }

// CheckOpen reports whether the final check may be taken: the assignment
// is open and, when the course paces, every lesson was opened.
func (p Player) CheckOpen() bool {
	return p.Open() && (!p.Course.Pacing || p.OpenedCount() == len(p.Course.Lessons))
}

// Resume is where the person goes on from: the first lesson not opened
// yet, or 0 when every lesson was opened (the final check is next).
func (p Player) Resume() int {
	for n := 1; n < len(p.opened); n++ {
		if !p.opened[n] {
			return n
		}
	}
	return 0
}

// Percent is the share of lessons opened, in whole percent.
func (p Player) Percent() int { return percent(p.OpenedCount(), len(p.Course.Lessons)) }

// percent is n of d in whole percent, rounded down (100 only when all).
func percent(n, d int) int {
	if d <= 0 {
		return 0
	}
	return min(100, n*100/d)
}

// Remaining lists the lessons not opened yet.
func (p Player) Remaining() []catalog.Lesson {
	var out []catalog.Lesson
	for i, l := range p.Course.Lessons {
		if !p.Opened(i + 1) {
			out = append(out, l)
		}
	}
	return out
}

// Player loads a person's course for the player and, for lesson > 0,
// records the lesson as opened. An unknown course or lesson is
// store.ErrNotFound; no assignment is ErrNotAssigned; an assignment that
// opens later is ErrNotAvailable (the player is still returned).
func (s *Service) Player(ctx context.Context, userID int64, slug string, lesson int) (Player, error) {
	c, ref, err := s.trainingCourse(slug)
	if errors.Is(err, ErrNotAssignable) {
		err = fmt.Errorf("learning: player for %q: %w", slug, store.ErrNotFound)
	}
	if err != nil {
		return Player{}, err
	}
	if lesson < 0 || lesson > len(c.Lessons) {
		return Player{}, fmt.Errorf("learning: lesson %d of %q: %w", lesson, slug, store.ErrNotFound)
	}
	now := s.now()
	st, err := s.assignments.OpenLesson(ctx, userID, ref.CourseID, lesson, now)
	if errors.Is(err, store.ErrNotFound) {
		return Player{}, fmt.Errorf("learning: %q: %w", slug, ErrNotAssigned)
	}
	if err != nil {
		return Player{}, err
	}
	p := Player{Course: c, State: st, Lesson: lesson, opened: make([]bool, len(c.Lessons)+1)}
	for _, n := range st.Opened {
		if n > 0 && int(n) < len(p.opened) {
			p.opened[n] = true
		}
	}
	if p.Open() && st.AvailableFrom.After(now) {
		return p, ErrNotAvailable
	}
	return p, nil
}

// AvailableFrom is when the assignment opens, for messages.
func (p Player) AvailableFrom() time.Time { return p.State.AvailableFrom }
