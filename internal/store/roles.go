package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// JobRole is a job role row.
type JobRole struct {
	Code   string `db:"code"`
	Name   string `db:"name"`
	Sector string `db:"sector"`
}

// UpsertRoles writes the job roles, updating names and sectors in place.
func UpsertRoles(ctx context.Context, db *sqlx.DB, roles []JobRole) error {
	return InTx(ctx, db, func(tx *sqlx.Tx) error {
		for _, r := range roles {
			_, err := tx.ExecContext(ctx, `INSERT INTO job_roles (code, name, sector) VALUES ($1, $2, $3)
				ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, sector = EXCLUDED.sector
				WHERE (job_roles.name, job_roles.sector) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.sector)`,
				r.Code, r.Name, r.Sector)
			if err != nil {
				return fmt.Errorf("store: upsert role %q: %w", r.Code, err)
			}
		}
		return nil
	})
}

// ListRoles returns every job role by sector and name.
func ListRoles(ctx context.Context, db *sqlx.DB) ([]JobRole, error) {
	var out []JobRole
	if err := db.SelectContext(ctx, &out, `SELECT code, name, sector FROM job_roles ORDER BY sector, name`); err != nil {
		return nil, fmt.Errorf("store: list roles: %w", err)
	}
	return out, nil
}
