package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/pressly/goose/v3"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

const versionTable = "goose_db_version"

// migrationLockID is the PostgreSQL advisory lock key of `meded migrate`.
const migrationLockID int64 = 0x4d65644564 // "MedEd"

// ErrSchemaOutOfDate is returned by CheckSchema when migrations are pending.
var ErrSchemaOutOfDate = errors.New("database schema is out of date: run `meded migrate`")

// ErrSchemaTooNew is returned when the database was migrated by a newer MedEd.
var ErrSchemaTooNew = errors.New("database schema is newer than this meded binary: upgrade meded")

// SchemaVersion describes where a database stands against the embedded migrations.
type SchemaVersion struct {
	Current int64 // 0 for an empty database
	Target  int64 // the newest embedded migration
	Empty   bool  // no MedEd tables at all
}

// MigrationFS returns the embedded migrations of one dialect.
func MigrationFS(d Dialect) fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations/"+d.String())
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	return sub
}

func (db *DB) provider(logger *slog.Logger) (*goose.Provider, error) {
	dialect := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if db.dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	if logger != nil {
		opts = append(opts, goose.WithSlog(logger))
	}
	opts = append(opts, goose.WithDisableGlobalRegistry(true))
	p, err := goose.NewProvider(dialect, db.write, MigrationFS(db.dialect), opts...)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return p, nil
}

// Version reports the schema version of db against the embedded migrations.
func (db *DB) Version(ctx context.Context) (SchemaVersion, error) {
	var v SchemaVersion
	p, err := db.provider(nil)
	if err != nil {
		return v, err
	}
	all := p.ListSources()
	if len(all) > 0 {
		v.Target = all[len(all)-1].Version
	}
	hasVersions, err := db.tableExists(ctx, versionTable)
	if err != nil {
		return v, err
	}
	if !hasVersions {
		hasAny, err := db.tableExists(ctx, "")
		if err != nil {
			return v, err
		}
		v.Empty = !hasAny
		if hasAny {
			return v, errors.New("store: the database holds tables but no MedEd schema version; point --db at an empty database or a MedEd one")
		}
		return v, nil
	}
	err = db.write.QueryRowContext(ctx,
		"SELECT COALESCE(MAX(version_id), 0) FROM "+versionTable+" WHERE is_applied = "+db.trueLiteral()).Scan(&v.Current)
	if err != nil {
		return v, fmt.Errorf("store: read schema version: %w", err)
	}
	return v, nil
}

func (db *DB) trueLiteral() string {
	if db.dialect == Postgres {
		return "true"
	}
	return "1"
}

// tableExists reports whether a table of that name exists, or any table when name is empty.
func (db *DB) tableExists(ctx context.Context, name string) (bool, error) {
	var q string
	var args []any
	switch db.dialect {
	case Postgres:
		q = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()"
		if name != "" {
			q += " AND table_name = $1"
			args = append(args, name)
		}
	default:
		q = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
		if name != "" {
			q += " AND name = ?"
			args = append(args, name)
		}
	}
	var n int
	if err := db.write.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return false, fmt.Errorf("store: list tables: %w", err)
	}
	return n > 0, nil
}

// CheckSchema returns nil when db is exactly at the binary's schema version,
// ErrSchemaOutOfDate when migrations are pending and ErrSchemaTooNew when the
// database is ahead of the binary.
func (db *DB) CheckSchema(ctx context.Context) (SchemaVersion, error) {
	v, err := db.Version(ctx)
	if err != nil {
		return v, err
	}
	switch {
	case v.Current > v.Target:
		return v, fmt.Errorf("%w (database at %d, binary knows up to %d)", ErrSchemaTooNew, v.Current, v.Target)
	case v.Current < v.Target:
		return v, fmt.Errorf("%w (database at %d, binary at %d)", ErrSchemaOutOfDate, v.Current, v.Target)
	}
	return v, nil
}

// Migrate applies every pending migration, each in its own transaction
// together with its version bump. On PostgreSQL it holds an advisory lock
// for the whole run. It refuses a database newer than the binary.
func (db *DB) Migrate(ctx context.Context, logger *slog.Logger) (applied []int64, err error) {
	if db.dialect == Postgres {
		// A session-level advisory lock held across the version check and
		// every step: instances started together migrate one after another.
		conn, err := db.write.Conn(ctx)
		if err != nil {
			return nil, fmt.Errorf("store: migration lock: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockID); err != nil {
			return nil, fmt.Errorf("store: migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLockID)
	}
	v, err := db.Version(ctx)
	if err != nil {
		return nil, err
	}
	if v.Current > v.Target {
		return nil, fmt.Errorf("%w (database at %d, binary knows up to %d)", ErrSchemaTooNew, v.Current, v.Target)
	}
	p, err := db.provider(logger)
	if err != nil {
		return nil, err
	}
	results, err := p.Up(ctx)
	for _, r := range results {
		if r.Error == nil {
			applied = append(applied, r.Source.Version)
		}
	}
	if err != nil {
		return applied, fmt.Errorf("store: migrate: %w", err)
	}
	return applied, nil
}
