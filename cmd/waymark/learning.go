package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/seed"
	"github.com/waymark/waymark/seeds"
)

// seedLearning adds the requirements matrix pairs that were never in the
// database (an administrator's edits are kept) and assigns everyone what
// their roles require. Safe to run again.
func seedLearning(ctx context.Context, svc *learning.Service, roles []seed.Role, cat *catalog.Catalog, out io.Writer) error {
	reqs, err := seed.LoadRequirements(seeds.FS, seed.RoleSet(roles), cat)
	if err != nil {
		return err
	}
	added, ch, err := svc.SeedRequirements(ctx, reqs)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "requirements: %d in the matrix file, %d added; assignments: %d created, %d reopened, %d withdrawn\n",
		len(reqs), added, ch.Created, ch.Reopened, ch.Withdrawn)
	return nil
}

// runRenewals opens renewal cycles now and then every interval until ctx
// ends (interval 0: never). Several instances may run it at once.
func runRenewals(ctx context.Context, svc *learning.Service, interval time.Duration, log *slog.Logger) {
	if interval <= 0 {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := svc.OpenRenewals(ctx, time.Now())
		if err != nil && ctx.Err() == nil {
			log.Error("opening renewals failed", "err", err)
		} else if n > 0 {
			log.Info("renewal cycles opened", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
