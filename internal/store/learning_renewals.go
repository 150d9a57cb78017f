package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// RenewalsDue lists the people, by id, holding a completion that expires
// after since and within windowDays of now and has no next cycle yet.
func (s *Completions) RenewalsDue(ctx context.Context, now time.Time, windowDays int, since time.Time) ([]int64, error) {
	var users []int64
	err := s.db.SelectContext(ctx, &users, `SELECT DISTINCT cm.user_id FROM completions cm
		WHERE cm.expires_at IS NOT NULL AND cm.expires_at <= $1::timestamptz + $2::int * interval '1 day'
		AND cm.expires_at > $3
		AND NOT EXISTS (SELECT 1 FROM assignments b
			WHERE b.user_id = cm.user_id AND b.course_id = cm.course_id AND b.cycle > cm.cycle)
		ORDER BY cm.user_id`, now, windowDays, since)
	if err != nil {
		return nil, fmt.Errorf("store: renewals due: %w", err)
	}
	return users, nil
}

// ExpiredTx reports whether the completion of an assignment has expired
// at now (false when there is none or it never expires).
func (s *Completions) ExpiredTx(ctx context.Context, tx *sqlx.Tx, assignmentID int64, now time.Time) (bool, error) {
	var expired bool
	err := tx.GetContext(ctx, &expired, `SELECT COALESCE(bool_or(expires_at <= $2), false) FROM completions
		WHERE assignment_id = $1`, assignmentID, now)
	if err != nil {
		return false, fmt.Errorf("store: completion expiry: %w", err)
	}
	return expired, nil
}

// RenewalMonthsTx is how long a completion of the course counts for the
// person: the shortest renewal of the requirements that make the person
// take it (a requirement without its own uses courseMonths), or
// courseMonths when no requirement applies. 0 means it never expires.
func (s *Requirements) RenewalMonthsTx(ctx context.Context, tx *sqlx.Tx, userID, courseID int64, courseMonths int) (int, error) {
	var months int
	err := tx.GetContext(ctx, &months, `SELECT CASE WHEN count(*) = 0 THEN $3::int
			ELSE COALESCE(min(NULLIF(COALESCE(r.renewal_months, $3::int), 0)), 0) END
		FROM user_roles ur
		JOIN requirements r ON r.role_code = ur.role_code AND r.removed_at IS NULL AND NOT r.optional
		WHERE ur.user_id = $1 AND r.course_id = $2`, userID, courseID, courseMonths)
	if err != nil {
		return 0, fmt.Errorf("store: renewal period: %w", err)
	}
	return months, nil
}
