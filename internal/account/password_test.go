package account_test

import (
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

var phcPattern = regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func TestHashPassword(t *testing.T) {
	hash, err := account.HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !phcPattern.MatchString(hash) {
		t.Errorf("hash %q is not a PHC argon2id string with the default parameters", hash)
	}
	again, _ := account.HashPassword("correct horse")
	if again == hash {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	for _, tt := range []struct {
		pw   string
		want bool
	}{{"correct horse", true}, {"Correct horse", false}, {"", false}} {
		got, err := account.CheckPassword(hash, tt.pw)
		if err != nil || got != tt.want {
			t.Errorf("CheckPassword(%q): got %v, %v; want %v", tt.pw, got, err, tt.want)
		}
	}
	if account.NeedsRehash(hash) {
		t.Error("NeedsRehash of a default hash: got true")
	}
	weak, err := cheap.Hash("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := account.CheckPassword(weak, "correct horse"); !ok || err != nil {
		t.Errorf("CheckPassword of a cheap hash: got %v, %v; want true", ok, err)
	}
	if !account.NeedsRehash(weak) || !account.NeedsRehash("not a hash") || cheap.NeedsRehash(weak) {
		t.Error("NeedsRehash: a cheap or malformed hash must need a rehash to the default, not to its own parameters")
	}
	if _, err := (account.Hasher{Memory: 64}).Hash("x"); err == nil {
		t.Error("Hash with zero time and threads: got no error")
	}
}

func TestCheckPasswordRefusesMalformedHashes(t *testing.T) {
	good, err := cheap.Hash("pw")
	if err != nil {
		t.Fatal(err)
	}
	salt, key := "c29tZXNhbHRzb21lc2FsdA", "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"
	for _, hash := range []string{
		"",
		"$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key,
		"$argon2id$v=19$m=4,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=99999999,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=99,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=300$" + salt + "$" + key,
		"$argon2id$v=19$m=-64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=064,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$!!$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$",
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key + "$",
		good + "!",
	} {
		ok, err := account.CheckPassword(hash, "pw")
		if ok || !errors.Is(err, account.ErrMalformedHash) {
			t.Errorf("CheckPassword(%q): got %v, %v; want ErrMalformedHash", hash, ok, err)
		}
	}
}

func FuzzCheckPassword(f *testing.F) {
	good, err := cheap.Hash("pw")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good, "pw")
	f.Add("$argon2id$v=19$m=8,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA", "")
	f.Add("$argon2id$v=19$m=,t=,p=$$", "x")
	f.Add("$$$$$", "x")
	f.Fuzz(func(t *testing.T, hash, pw string) {
		ok, err := account.CheckPassword(hash, pw)
		if ok && err != nil {
			t.Errorf("CheckPassword(%q): got true with error %v", hash, err)
		}
		if hash == good && pw == "pw" && !ok {
			t.Errorf("the seed hash stopped matching: %v", err)
		}
		account.NeedsRehash(hash) // parses too; must not panic either
	})
}

func TestSetAndChangePassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := create(t, db, account.NewAccount{Username: "lifang", Password: "first-pass1"})
		token, err := account.StartSession(ctx, db, a.ID, "10.0.0.1", "test", time.Hour)
		if err != nil {
			t.Fatal(err)
		}

		err = txErr(db, func(tx *store.Tx) error { return account.SetPassword(ctx, tx, tester, a.ID, "lifang", true) })
		wantField(t, err, "password", "error.password_too_short")
		err = txErr(db, func(tx *store.Tx) error { return account.SetPassword(ctx, tx, tester, a.ID, "LIFANG88", true) })
		if err != nil {
			t.Fatalf("SetPassword: %v", err)
		}
		if _, err := account.SessionAccount(ctx, db, token, 0); !errors.Is(err, account.ErrNoSession) {
			t.Errorf("session after SetPassword: got %v, want ErrNoSession", err)
		}
		got, _ := account.Get(ctx, db, a.ID)
		if !got.MustChangePassword {
			t.Error("SetPassword(mustChange): must_change_password not set")
		}
		if _, err := login(db, "lifang", "first-pass1", "", account.DefaultThrottle); !errors.Is(err, account.ErrBadCredentials) {
			t.Errorf("old password after SetPassword: got %v, want ErrBadCredentials", err)
		}

		token, err = account.StartSession(ctx, db, a.ID, "10.0.0.1", "test", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name, current, next string
			field, key          string
		}{
			{"wrong current", "first-pass1", "third-pass3", "current_password", "error.wrong_password"},
			{"weak next", "LIFANG88", "12345678", "new_password", "error.password_too_weak"},
			{"short next", "LIFANG88", "Li-Fang", "new_password", "error.password_too_short"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := txErr(db, func(tx *store.Tx) error {
					return account.ChangePassword(ctx, tx, account.ActorFor(a, ""), a.ID, tt.current, tt.next)
				})
				wantField(t, err, tt.field, tt.key)
			})
		}
		inTx(t, db, func(tx *store.Tx) error {
			return account.ChangePassword(ctx, tx, account.ActorFor(a, ""), a.ID, "LIFANG88", "third-pass3")
		})
		if _, err := account.SessionAccount(ctx, db, token, 0); !errors.Is(err, account.ErrNoSession) {
			t.Errorf("session after ChangePassword: got %v, want ErrNoSession", err)
		}
		got, err = login(db, "lifang", "third-pass3", "", account.DefaultThrottle)
		if err != nil {
			t.Fatalf("login with the changed password: %v", err)
		}
		if got.MustChangePassword {
			t.Error("ChangePassword did not clear must_change_password")
		}
		err = txErr(db, func(tx *store.Tx) error { return account.SetPassword(ctx, tx, tester, 999999, "good-pass1", false) })
		wantIs(t, err, account.ErrNotFound)
	})
}

func BenchmarkHashPassword(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := account.HashPassword("correct horse"); err != nil {
			b.Fatal(err)
		}
	}
}
