package store_test

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"testing"

	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

func TestBothDialectsHoldTheSameMigrations(t *testing.T) {
	names := func(d store.Dialect) []string {
		entries, err := fs.ReadDir(store.MigrationFS(d), ".")
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		return out
	}
	lite, pg := names(store.SQLite), names(store.Postgres)
	if len(lite) == 0 {
		t.Fatal("no migrations embedded")
	}
	if !slices.Equal(lite, pg) {
		t.Errorf("sqlite migrations %v, postgres migrations %v: both dialects need the same numbered files", lite, pg)
	}
}

func TestMigrateFromEmpty(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, db *store.DB) {
		v, err := db.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !v.Empty || v.Current != 0 || v.Target == 0 {
			t.Fatalf("fresh database: got %+v, want empty at 0 with a target", v)
		}
		if _, err := db.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaOutOfDate) {
			t.Fatalf("CheckSchema on empty: got %v, want ErrSchemaOutOfDate", err)
		}
		applied, err := db.Migrate(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(applied)) != v.Target {
			t.Errorf("applied %v, want %d migrations", applied, v.Target)
		}
		if _, err := db.CheckSchema(ctx); err != nil {
			t.Fatalf("CheckSchema after migrate: %v", err)
		}
		again, err := db.Migrate(ctx, nil)
		if err != nil || len(again) != 0 {
			t.Fatalf("second migrate: applied %v, err %v; want nothing", again, err)
		}
		// A database migrated by a newer binary is refused.
		if _, err := db.Exec(ctx, "INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, ?)", v.Target+1, true); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaTooNew) {
			t.Fatalf("CheckSchema on newer schema: got %v, want ErrSchemaTooNew", err)
		}
		if _, err := db.Migrate(ctx, nil); !errors.Is(err, store.ErrSchemaTooNew) {
			t.Fatalf("Migrate on newer schema: got %v, want ErrSchemaTooNew", err)
		}
	}
	t.Run("sqlite", func(t *testing.T) { check(t, storetest.EmptySQLite(t)) })
	t.Run("postgres", func(t *testing.T) {
		u := storetest.EmptyPostgres(t)
		db, err := store.Open(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		check(t, db)
	})
}

func TestConcurrentMigrateOnPostgres(t *testing.T) {
	ctx := context.Background()
	u := storetest.EmptyPostgres(t)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			db, err := store.Open(ctx, u)
			if err != nil {
				errs <- err
				return
			}
			defer db.Close()
			_, err = db.Migrate(ctx, nil)
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Errorf("concurrent migrate: %v", err)
		}
	}
}

func TestTransactionRollsBackOnError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?)", "k", "v"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx: got %v, want boom", err)
		}
		var n int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM settings WHERE key = ?", "k").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("rolled-back insert left %d rows", n)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?)", "k", "v")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?)", "k", "again")
		if !store.IsUniqueViolation(err) {
			t.Errorf("duplicate key: got %v, want a unique violation", err)
		}
	})
}

func TestRebind(t *testing.T) {
	got := store.RebindForTest(store.Postgres, `SELECT '?', "a?" FROM t WHERE a = ? AND b = ?`)
	want := `SELECT '?', "a?" FROM t WHERE a = $1 AND b = $2`
	if got != want {
		t.Errorf("rebind: got %q, want %q", got, want)
	}
}
