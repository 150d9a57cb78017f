package store

// OpeningWrites is how many statements have recorded lesson openings.
func OpeningWrites(s *Assignments) int64 { return s.openings.writes.Load() }

// PendingOpenings is how many openings wait for the next write.
func PendingOpenings(s *Assignments) int {
	s.openings.mu.Lock()
	defer s.openings.mu.Unlock()
	return len(s.openings.pending)
}
