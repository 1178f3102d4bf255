package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/series"
	"github.com/meded/meded/internal/store"
)

// sweepSeriesCredits posts the credits of series sessions whose check-in
// window has closed, every interval until ctx ends. Several instances may
// run it at once: each session is credited under a row lock and only the
// difference is posted, so nothing is counted twice.
func sweepSeriesCredits(ctx context.Context, db *store.DB, logger *slog.Logger, every time.Duration) {
	actor := audit.System("series credit sweep")
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		res, err := series.Sweep(ctx, db, actor, time.Now())
		if err != nil && ctx.Err() == nil {
			logger.ErrorContext(ctx, "series credit sweep", "err", err, "sessions", res.Sessions)
		} else if res.Sessions > 0 {
			logger.InfoContext(ctx, "series credit sweep", "sessions", res.Sessions, "entries", res.Entries)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
