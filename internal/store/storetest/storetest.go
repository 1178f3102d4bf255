// Package storetest opens real, migrated databases for tests: a temp-file
// SQLite always, and PostgreSQL when MEDED_TEST_POSTGRES_URL is set. Each
// PostgreSQL test gets its own database cloned from a migrated template, so
// test packages run in parallel without seeing each other's rows.
package storetest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/meded/meded/internal/store"
)

// PostgresURLEnv names the variable holding an admin URL of a throwaway server.
const PostgresURLEnv = "MEDED_TEST_POSTGRES_URL"

// Each runs fn once per available dialect as subtests named "sqlite" and
// "postgres", each on a fresh migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) {
		db := Postgres(t)
		if db == nil {
			return
		}
		fn(t, db)
	})
}

// SQLite opens a migrated SQLite database in a temp dir, closed at cleanup.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	return openMigrated(t, filepath.Join(t.TempDir(), "meded.db"))
}

// EmptySQLite opens an unmigrated SQLite database.
func EmptySQLite(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "meded.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func openMigrated(t testing.TB, dsn string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	return db
}

// PostgresAdminURL returns the admin URL, skipping the test when none is set
// outside CI and failing it in CI, where a missing server is a broken run.
func PostgresAdminURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(PostgresURLEnv)
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: CI must test PostgreSQL (run ./scripts/test)", PostgresURLEnv)
		}
		t.Skipf("%s not set; run ./scripts/test to test PostgreSQL too", PostgresURLEnv)
	}
	return u
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
	dbCounter    atomic.Int64
)

// Postgres returns a migrated PostgreSQL database of its own, dropped at
// cleanup; it returns nil after skipping when no server is configured.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	name := NewPostgresDatabase(t, true)
	if name == "" {
		return nil
	}
	db, err := store.Open(context.Background(), withDatabase(PostgresAdminURL(t), name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// EmptyPostgres returns the URL of a new empty database, dropped at cleanup.
func EmptyPostgres(t testing.TB) string {
	t.Helper()
	name := NewPostgresDatabase(t, false)
	if name == "" {
		return ""
	}
	return withDatabase(PostgresAdminURL(t), name)
}

// NewPostgresDatabase creates a database (migrated from the template when
// migrated is true) and registers its removal.
func NewPostgresDatabase(t testing.TB, migrated bool) string {
	t.Helper()
	admin := PostgresAdminURL(t)
	ctx := context.Background()
	pool, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	template := "template0"
	if migrated {
		templateOnce.Do(func() { templateName, templateErr = ensureTemplate(ctx, admin, pool) })
		if templateErr != nil {
			t.Fatalf("postgres template: %v", templateErr)
		}
		template = templateName
	}
	name := fmt.Sprintf("meded_t_%d_%d", os.Getpid(), dbCounter.Add(1))
	if _, err := pool.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, template)); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		p, err := sql.Open("pgx", admin)
		if err != nil {
			return
		}
		defer p.Close()
		p.ExecContext(context.Background(), fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name))
	})
	return name
}

// ensureTemplate creates, once per migration set, a migrated database named
// after the hash of the migrations; concurrent test binaries serialise on an
// advisory lock so only one builds it.
func ensureTemplate(ctx context.Context, admin string, pool *sql.DB) (string, error) {
	h := sha256.New()
	fsys := store.MigrationFS(store.Postgres)
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	if err != nil {
		return "", err
	}
	name := "meded_tmpl_" + hex.EncodeToString(h.Sum(nil))[:16]
	conn, err := pool.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(727001)`); err != nil {
		return "", err
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(727001)`)
	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_build"
	conn.ExecContext(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, building))
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE template0`, building)); err != nil {
		return "", err
	}
	db, err := store.Open(ctx, withDatabase(admin, building))
	if err != nil {
		return "", err
	}
	_, err = db.Migrate(ctx, nil)
	db.Close()
	if err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`ALTER DATABASE %s RENAME TO %s`, building, name)); err != nil {
		return "", err
	}
	return name, nil
}

func withDatabase(admin, name string) string {
	u, err := url.Parse(admin)
	if err != nil {
		return admin
	}
	u.Path = "/" + name
	return u.String()
}
