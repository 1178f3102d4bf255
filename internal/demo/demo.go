// Package demo loads a made-up but faithful institution network built from
// the context pages (a medical university, its colleges and hospitals, the
// Hangzhou hospital of the CME page, partners abroad) so a newcomer can try
// every page. Figures in reports are computed from these records, never typed.
package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
)

// Version changes whenever the demo data changes, so `meded serve --demo`
// can tell an old demo database from a current one.
const Version = "2026-11-23.8"

// Password is every demo account's password; the banner on each page says
// the data is not real.
const Password = "Demo-2026-meded"

// Login is one demo account to try.
type Login struct {
	Role     account.Role
	Login    string
	Password string
}

var actor = audit.System("demo data")

// Ensure loads the demo data into an empty (migrated) database. It reports
// whether it loaded now and whether the database holds the current version.
func Ensure(ctx context.Context, db *store.DB) (loaded, current bool, err error) {
	var version string
	err = db.QueryRow(ctx, "SELECT value FROM settings WHERE key = ?", "demo_version").Scan(&version)
	switch {
	case err == nil:
		return false, version == Version, nil
	case !errors.Is(err, sql.ErrNoRows):
		return false, false, fmt.Errorf("demo: read version: %w", err)
	}
	var institutions int
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM institutions").Scan(&institutions); err != nil {
		return false, false, fmt.Errorf("demo: %w", err)
	}
	if institutions > 0 {
		return false, false, errors.New("demo: this database holds real data; the demo loads only into an empty database")
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		b := &builder{ctx: ctx, tx: tx, ids: map[string]int64{}}
		if err := b.load(); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?)", "demo_version", Version)
		return err
	})
	if err != nil {
		return false, false, fmt.Errorf("demo: load: %w", err)
	}
	return true, true, nil
}

// Remove deletes a SQLite demo database so it can be built again.
func Remove(ctx context.Context, dsn string) error {
	if store.IsPostgresURL(dsn) {
		return errors.New("demo --reset rebuilds the SQLite demo file only; drop and recreate a PostgreSQL demo database yourself")
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(dsn + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("demo: remove %s: %w", dsn+suffix, err)
		}
	}
	return nil
}

// Logins lists the demo accounts, one per role.
func Logins() []Login {
	out := make([]Login, 0, len(demoAccounts))
	for _, a := range demoAccounts {
		out = append(out, Login{Role: a.role, Login: a.email, Password: Password})
	}
	return out
}
