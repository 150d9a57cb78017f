package report

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// RefreshDeferred refreshes, set-based, the report rows of the people in
// ids (a bigint[] SQL expression evaluated in tx) and lets the report
// triggers run again, after a bulk change made in tx with them deferred
// (set_config('waymark.report_deferred', 'on', true);
// migrations/0053_report_people.sql).
func RefreshDeferred(ctx context.Context, tx sqlx.ExecerContext, ids string) error {
	if _, err := tx.ExecContext(ctx, `SELECT report_refresh_people(`+ids+`),
		set_config('waymark.report_deferred', 'off', true)`); err != nil {
		return fmt.Errorf("report: refresh deferred rows: %w", err)
	}
	return nil
}

// Rebuild recomputes every report table from the source tables, after a
// bulk writer ran with the report triggers deferred for its whole session
// (the demo's history).
func (s *Service) Rebuild(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `SELECT report_rebuild()`); err != nil {
		return fmt.Errorf("report: rebuild: %w", err)
	}
	return nil
}
