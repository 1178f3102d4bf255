package account_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

func TestPasswordResets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		admin := adminActor(t, db)
		a := create(t, db, account.NewAccount{Username: "lifang", Password: "s3cret-pass"})
		newReset := func(ttl time.Duration) string {
			t.Helper()
			var token string
			inTx(t, db, func(tx *store.Tx) error {
				var err error
				token, err = account.CreateReset(ctx, tx, admin, a.ID, ttl)
				return err
			})
			return token
		}
		older := newReset(time.Hour)
		token := newReset(time.Hour)
		session, err := account.StartSession(ctx, db, a.ID, "", "", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			login(db, "lifang", "forgotten", "", account.DefaultThrottle)
		}

		_, err = account.UseReset(ctx, db, token, "1234567890")
		wantField(t, err, "password", "error.password_too_weak")
		_, err = account.UseReset(ctx, db, token, "short")
		wantField(t, err, "password", "error.password_too_short")
		_, err = account.UseReset(ctx, db, older, "n3w-password")
		wantIs(t, err, account.ErrInvalidReset)

		got, err := account.UseReset(ctx, db, token, "n3w-password")
		if err != nil || got.ID != a.ID {
			t.Fatalf("UseReset: got %d, %v; want account %d", got.ID, err, a.ID)
		}
		if _, err := account.SessionAccount(ctx, db, session, 0); !errors.Is(err, account.ErrNoSession) {
			t.Errorf("session after reset: got %v, want ErrNoSession", err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM login_failures `); n != 0 {
			t.Errorf("failed logins after reset: got %d, want 0", n)
		}
		if _, err := login(db, "lifang", "n3w-password", "", account.DefaultThrottle); err != nil {
			t.Errorf("login with the new password: %v", err)
		}
		_, err = account.UseReset(ctx, db, token, "an0ther-password")
		wantIs(t, err, account.ErrInvalidReset)

		expired := newReset(time.Hour)
		exec(t, db, `UPDATE password_resets SET expires_at = ? WHERE token_hash = ?`, ago(time.Second), sha(expired))
		for _, tt := range []struct{ name, token string }{{"expired", expired}, {"unknown", "nope"}, {"empty", ""}} {
			if _, err := account.UseReset(ctx, db, tt.token, "an0ther-password"); !errors.Is(err, account.ErrInvalidReset) {
				t.Errorf("%s: got %v, want ErrInvalidReset", tt.name, err)
			}
		}

		disabled := newReset(time.Hour)
		inTx(t, db, func(tx *store.Tx) error { return account.SetDisabled(ctx, tx, admin, a.ID, true) })
		_, err = account.UseReset(ctx, db, disabled, "an0ther-password")
		wantIs(t, err, account.ErrDisabled)

		err = txErr(db, func(tx *store.Tx) error {
			_, err := account.CreateReset(ctx, tx, admin, 999999, time.Hour)
			return err
		})
		wantIs(t, err, account.ErrNotFound)
	})
}

// TestResetIsSingleUseUnderRace: two uses at once, one winner.
func TestResetIsSingleUseUnderRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := create(t, db, account.NewAccount{Username: "lifang", Password: "s3cret-pass"})
		var token string
		inTx(t, db, func(tx *store.Tx) error {
			var err error
			token, err = account.CreateReset(ctx, tx, tester, a.ID, time.Hour)
			return err
		})
		errs := make(chan error, 2)
		for _, pw := range []string{"first-winner1", "second-winner2"} {
			go func() {
				_, err := account.UseReset(ctx, db, token, pw)
				errs <- err
			}()
		}
		ok, invalid := 0, 0
		for range 2 {
			switch err := <-errs; {
			case err == nil:
				ok++
			case errors.Is(err, account.ErrInvalidReset):
				invalid++
			default:
				t.Errorf("UseReset: %v", err)
			}
		}
		if ok != 1 || invalid != 1 {
			t.Errorf("got %d successes and %d refusals, want 1 and 1", ok, invalid)
		}
	})
}

// adminActor creates an administrator and returns it as an audit actor.
func adminActor(t *testing.T, db *store.DB) audit.Actor {
	t.Helper()
	admin := create(t, db, account.NewAccount{Username: "admin", Password: "s3cret-pass",
		Grants: []account.Grant{{Role: account.Admin}}})
	return account.ActorFor(admin, "10.0.0.2")
}
