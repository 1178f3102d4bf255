package account_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

func TestAPITokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := create(t, db, account.NewAccount{Username: "lifang", Password: "s3cret-pass"})
		other := create(t, db, account.NewAccount{Username: "other", Password: "s3cret-pass"})
		newToken := func(name string, expires *time.Time) (string, account.Token, error) {
			var secret string
			var tok account.Token
			err := txErr(db, func(tx *store.Tx) error {
				var err error
				secret, tok, err = account.CreateToken(ctx, tx, tester, a.ID, name, expires)
				return err
			})
			return secret, tok, err
		}

		_, _, err := newToken("  ", nil)
		wantField(t, err, "name", "error.required")
		_, _, err = newToken(strings.Repeat("n", 101), nil)
		wantField(t, err, "name", "error.too_long")
		past := time.Now().Add(-time.Hour)
		_, _, err = newToken("sync", &past)
		wantField(t, err, "expires_at", "error.not_in_future")

		secret, tok, err := newToken("HIS sync", nil)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, "meded_") || len(secret) < 40 {
			t.Errorf("secret %q: want meded_ and 32 random bytes", secret)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM api_tokens WHERE token_hash = ?`, sha(secret)); n != 1 {
			t.Errorf("tokens stored under the secret's SHA-256: got %d, want 1", n)
		}
		got, err := account.TokenAccount(ctx, db, secret)
		if err != nil || got.ID != a.ID {
			t.Fatalf("TokenAccount: got %d, %v; want %d", got.ID, err, a.ID)
		}
		list, err := account.Tokens(ctx, db, a.ID)
		if err != nil || len(list) != 1 || list[0].Name != "HIS sync" || list[0].LastUsedAt == nil {
			t.Fatalf("Tokens: got %+v, %v; want the used token", list, err)
		}
		// Used 20 s ago: not written again.
		exec(t, db, `UPDATE api_tokens SET last_used_at = ?`, ago(20*time.Second))
		account.TokenAccount(ctx, db, secret)
		if list, _ := account.Tokens(ctx, db, a.ID); time.Since(*list[0].LastUsedAt) < 15*time.Second {
			t.Errorf("last_used_at rewritten within a minute: %v", list[0].LastUsedAt)
		}

		soon := time.Now().Add(time.Hour)
		expiring, _, err := newToken("expiring", &soon)
		if err != nil {
			t.Fatal(err)
		}
		exec(t, db, `UPDATE api_tokens SET expires_at = ? WHERE token_hash = ?`, ago(time.Second), sha(expiring))

		err = txErr(db, func(tx *store.Tx) error { return account.RevokeToken(ctx, tx, tester, other.ID, tok.ID) })
		wantIs(t, err, account.ErrNotFound)
		if _, err := account.TokenAccount(ctx, db, secret); err != nil {
			t.Fatalf("token revoked through another account: %v", err)
		}
		inTx(t, db, func(tx *store.Tx) error { return account.RevokeToken(ctx, tx, tester, a.ID, tok.ID) })
		inTx(t, db, func(tx *store.Tx) error { return account.RevokeToken(ctx, tx, tester, a.ID, tok.ID) })

		live, _, err := newToken("live", nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct{ name, secret string }{
			{"revoked", secret}, {"expired", expiring}, {"unknown", "meded_nope"}, {"no prefix", strings.TrimPrefix(live, "meded_")},
		} {
			if _, err := account.TokenAccount(ctx, db, tt.secret); !errors.Is(err, account.ErrNoSession) {
				t.Errorf("%s: got %v, want ErrNoSession", tt.name, err)
			}
		}
		exec(t, db, `UPDATE accounts SET disabled = ? WHERE id = ?`, true, a.ID)
		if _, err := account.TokenAccount(ctx, db, live); !errors.Is(err, account.ErrNoSession) {
			t.Errorf("disabled account: got %v, want ErrNoSession", err)
		}

		list, err = account.Tokens(ctx, db, a.ID)
		if err != nil || len(list) != 3 || list[0].Name != "live" || list[2].RevokedAt == nil || list[1].Active(time.Now()) {
			t.Errorf("Tokens: got %+v, %v; want live, expired, revoked", list, err)
		}
		entries, _, err := audit.List(ctx, db, audit.Filter{EntityID: a.ID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if strings.Contains(e.Before+e.After, strings.TrimPrefix(secret, "meded_")) || strings.Contains(e.Before+e.After, sha(secret)) {
				t.Errorf("audit entry %s holds the token", e.Action)
			}
		}
	})
}
