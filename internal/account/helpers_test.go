package account_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// cheap makes hashes fast enough to create and log in hundreds of accounts
// under the race detector; CheckPassword reads the cost from the hash.
var cheap = account.Hasher{Memory: 64, Time: 1, Threads: 1}

var tester = audit.Actor{Label: "tester", IP: "10.0.0.9"}

// inTx runs fn in a transaction and fails the test on error.
func inTx(t *testing.T, db *store.DB, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := db.InTx(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// txErr runs fn in a transaction and returns its error.
func txErr(db *store.DB, fn func(tx *store.Tx) error) error {
	return db.InTx(context.Background(), fn)
}

func addInstitution(t *testing.T, db *store.DB, name string, parent int64) int64 {
	t.Helper()
	var p any
	if parent != 0 {
		p = parent
	}
	now := store.Now()
	var id int64
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO institutions (kind, name_en, sort_key, search_text, parent_id, created_at, updated_at)
			VALUES ('hospital', ?, ?, ?, ?, ?, ?) RETURNING id`, name, name, name, p, now, now).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func addDepartment(t *testing.T, db *store.DB, inst int64, name string) int64 {
	t.Helper()
	now := store.Now()
	var id int64
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO departments (institution_id, name_en, sort_key, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, inst, name, name, now, now).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// person describes a people row for addPerson; empty strings are NULL.
type person struct {
	inst                int64
	nameZh, nameEn      string
	staff, phone, email string
}

func addPerson(t *testing.T, db *store.DB, p person) int64 {
	t.Helper()
	null := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	now := store.Now()
	var id int64
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO people
			(name_zh, name_en, sort_key, search_text, institution_id, staff_number, phone, email, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.nameZh, p.nameEn, p.nameEn+p.nameZh, p.nameEn+" "+p.nameZh, p.inst, null(p.staff), null(p.phone), null(p.email), now, now).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// create makes an account with the cheap hasher and fails the test on error.
func create(t *testing.T, db *store.DB, in account.NewAccount) account.Account {
	t.Helper()
	if in.Hasher == (account.Hasher{}) {
		in.Hasher = cheap
	}
	var a account.Account
	inTx(t, db, func(tx *store.Tx) error {
		var err error
		a, err = account.Create(context.Background(), tx, tester, in)
		return err
	})
	return a
}

// wantField fails unless err is a validate.Errors holding field with key.
func wantField(t *testing.T, err error, field, key string) {
	t.Helper()
	es, ok := validate.As(err)
	if !ok {
		t.Fatalf("got error %v, want validate.Errors with %s: %s", err, field, key)
	}
	if !slices.ContainsFunc(es, func(e validate.FieldError) bool { return e.Field == field && e.Key == key }) {
		t.Fatalf("got %v, want %s: %s", es, field, key)
	}
}

// wantIs fails unless errors.Is(err, want).
func wantIs(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("got error %v, want %v", err, want)
	}
}

// exec runs a statement outside the package API, to age rows in tests.
func exec(t *testing.T, db *store.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.Exec(context.Background(), query, args...); err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// login authenticates with the cheap hasher as the target cost.
func login(db *store.DB, login, password, ip string, th account.Throttle) (account.Account, error) {
	return account.AuthenticateWith(context.Background(), db, cheap, login, password, ip, th)
}

func ago(d time.Duration) time.Time { return store.Now().Add(-d) }
