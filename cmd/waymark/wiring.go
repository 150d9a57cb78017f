package main

import (
	"context"
	"io/fs"
	"log/slog"
	"os"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/courses"
	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/config"
	"github.com/waymark/waymark/internal/seed"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/web"
	"github.com/waymark/waymark/internal/wiring"
	"github.com/waymark/waymark/seeds"
)

// coursesFS is the embedded catalog, or COURSES_DIR when set.
func coursesFS(dir string) fs.FS {
	if dir != "" {
		return os.DirFS(dir)
	}
	return courses.FS
}

// loadCatalog reads the roles and the course catalog.
func loadCatalog(dir string) ([]seed.Role, *catalog.Catalog, error) {
	roles, err := seed.LoadRoles(seeds.FS)
	if err != nil {
		return nil, nil, err
	}
	cat, err := catalog.Load(coursesFS(dir), seed.RoleSet(roles))
	return roles, cat, err
}

// openDB loads the config and opens the pool.
func openDB(ctx context.Context) (*config.Config, *sqlx.DB, error) {
	cfg, err := config.FromEnv()
	if err != nil {
		return nil, nil, err
	}
	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, nil, err
	}
	return cfg, db, nil
}

// syncReference writes the job roles and the course catalog.
func syncReference(ctx context.Context, db *sqlx.DB, st *store.Stores, roles []seed.Role, cat *catalog.Catalog) (store.SyncResult, error) {
	rows := make([]store.JobRole, len(roles))
	for i, r := range roles {
		rows[i] = store.JobRole{Code: r.Code, Name: r.Name, Sector: r.Sector}
	}
	if err := store.UpsertRoles(ctx, db, rows); err != nil {
		return store.SyncResult{}, err
	}
	return catalog.Sync(ctx, st.Courses, cat)
}

// wire builds the services and their hooks once, over the stores and a
// synced catalog (internal/wiring): every command that needs a service
// takes it from here.
func wire(ctx context.Context, cfg *config.Config, db *sqlx.DB, st *store.Stores, log *slog.Logger, cat *catalog.Catalog) (web.Deps, error) {
	roles, err := store.ListRoles(ctx, db)
	if err != nil {
		return web.Deps{}, err
	}
	return wiring.New(ctx, wiring.Base{Config: cfg, DB: db, Log: log, Stores: st, Catalog: cat, Roles: roles, Now: time.Now})
}
