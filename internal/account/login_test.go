package account_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

func TestAuthenticate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h1 := addInstitution(t, db, "Hospital One", 0)
		h2 := addInstitution(t, db, "Hospital Two", 0)
		li := addPerson(t, db, person{inst: h1, nameZh: "李芳", staff: "H0042"})
		a := create(t, db, account.NewAccount{PersonID: li, Username: "lifang", Email: "li@example.cn", Phone: "13800001111",
			Password: "s3cret-pass"})
		// One staff number in two hospitals names nobody.
		p1 := addPerson(t, db, person{inst: h1, nameEn: "One", staff: "S7"})
		p2 := addPerson(t, db, person{inst: h2, nameEn: "Two", staff: "S7"})
		create(t, db, account.NewAccount{PersonID: p1, Username: "one", Password: "s3cret-pass"})
		create(t, db, account.NewAccount{PersonID: p2, Username: "two", Password: "s3cret-pass"})
		off := create(t, db, account.NewAccount{Username: "gone", Password: "s3cret-pass"})
		inTx(t, db, func(tx *store.Tx) error { return account.SetDisabled(ctx, tx, tester, off.ID, true) })

		noLimit := account.Throttle{}
		tests := []struct {
			name, login, password string
			want                  error
			wantID                int64
		}{
			{"username", "lifang", "s3cret-pass", nil, a.ID},
			{"username in other case", " LiFang ", "s3cret-pass", nil, a.ID},
			{"email", "LI@Example.cn", "s3cret-pass", nil, a.ID},
			{"phone with dashes", "138-0000-1111", "s3cret-pass", nil, a.ID},
			{"staff number", "h0042", "s3cret-pass", nil, a.ID},
			{"ambiguous staff number", "S7", "s3cret-pass", account.ErrBadCredentials, 0},
			{"wrong password", "lifang", "s3cret-pasS", account.ErrBadCredentials, 0},
			{"unknown login", "nobody", "s3cret-pass", account.ErrBadCredentials, 0},
			{"empty password", "lifang", "", account.ErrBadCredentials, 0},
			{"disabled", "gone", "s3cret-pass", account.ErrDisabled, 0},
			{"disabled, wrong password", "gone", "wrong-pass", account.ErrBadCredentials, 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := login(db, tt.login, tt.password, "10.1.1.1", noLimit)
				if !errors.Is(err, tt.want) || got.ID != tt.wantID {
					t.Fatalf("got account %d, error %v; want %d, %v", got.ID, err, tt.wantID, tt.want)
				}
				if tt.want == nil && (got.LastLoginAt == nil || time.Since(*got.LastLoginAt) > time.Minute) {
					t.Errorf("last_login_at: got %v, want now", got.LastLoginAt)
				}
			})
		}
		entries, _, err := audit.List(ctx, db, audit.Filter{Action: "login", EntityID: a.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 5 || entries[0].AccountID != a.ID || entries[0].IP != "10.1.1.1" || entries[0].InstitutionID != h1 {
			t.Errorf("login audit: got %+v, want 5 entries by the account from 10.1.1.1", entries)
		}
	})
}

func TestAuthenticateUpgradesTheHash(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		weaker := account.Hasher{Memory: 32, Time: 1, Threads: 1}
		a := create(t, db, account.NewAccount{Username: "lifang", Password: "s3cret-pass", Hasher: weaker})
		if _, err := login(db, "lifang", "s3cret-pass", "", account.DefaultThrottle); err != nil {
			t.Fatal(err)
		}
		var hash string
		if err := db.QueryRow(ctx, `SELECT password_hash FROM accounts WHERE id = ?`, a.ID).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if cheap.NeedsRehash(hash) {
			t.Errorf("hash after login: got %s, want it upgraded to %+v", hash, cheap)
		}
		if _, err := login(db, "lifang", "s3cret-pass", "", account.DefaultThrottle); err != nil {
			t.Fatalf("login after upgrade: %v", err)
		}
	})
}

func TestThrottlePerAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		create(t, db, account.NewAccount{Username: "lifang", Email: "li@example.cn", Password: "s3cret-pass"})
		th := account.DefaultThrottle
		// Four failures, a success that clears them, four more: still fine.
		for range 4 {
			if _, err := login(db, "lifang", "wrong-pass", "10.0.0.1", th); !errors.Is(err, account.ErrBadCredentials) {
				t.Fatalf("wrong password: got %v, want ErrBadCredentials", err)
			}
		}
		if _, err := login(db, "lifang", "s3cret-pass", "10.0.0.1", th); err != nil {
			t.Fatalf("right password after 4 failures: %v", err)
		}
		// Five failures under different spellings and addresses count for one account.
		for i, l := range []string{"lifang", "LI@example.cn", "lifang", "li@example.cn", "LIFANG"} {
			if _, err := login(db, l, "wrong-pass", fmt.Sprintf("10.0.1.%d", i), th); !errors.Is(err, account.ErrBadCredentials) {
				t.Fatalf("failure %d: got %v, want ErrBadCredentials", i+1, err)
			}
		}
		_, err := login(db, "lifang", "s3cret-pass", "10.0.2.1", th)
		var te account.ThrottledError
		if !errors.As(err, &te) {
			t.Fatalf("6th attempt with the right password: got %v, want ThrottledError", err)
		}
		if te.RetryAfter <= 14*time.Minute || te.RetryAfter > 15*time.Minute {
			t.Errorf("RetryAfter: got %v, want just under 15m", te.RetryAfter)
		}
		if te.RetryAfter%time.Second != 0 {
			t.Errorf("RetryAfter: got %v, want whole seconds", te.RetryAfter)
		}
		// Throttled attempts are not failures: aging the five failures frees the account.
		exec(t, db, `UPDATE login_failures SET at = ?`, ago(16*time.Minute))
		if _, err := login(db, "lifang", "s3cret-pass", "10.0.2.1", th); err != nil {
			t.Fatalf("after the window: %v", err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM login_failures WHERE at > ?`, ago(time.Minute)); n != 0 {
			t.Errorf("failures after a success: got %d rows, want 0", n)
		}
		// Unknown logins are throttled the same way.
		for range 5 {
			login(db, "nobody", "wrong-pass", "10.0.3.1", th)
		}
		if _, err := login(db, "NOBODY", "wrong-pass", "10.0.3.2", th); !errors.As(err, &te) {
			t.Errorf("6th attempt at an unknown login: got %v, want ThrottledError", err)
		}
	})
}

func TestThrottlePerIP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		create(t, db, account.NewAccount{Username: "lifang", Password: "s3cret-pass"})
		th := account.Throttle{AccountFailures: 5, AccountWindow: 15 * time.Minute, IPFailures: 20, IPWindow: 15 * time.Minute}
		for i := range 20 {
			if _, err := login(db, fmt.Sprintf("guess%d", i), "wrong-pass", "203.0.113.7", th); !errors.Is(err, account.ErrBadCredentials) {
				t.Fatalf("guess %d: got %v, want ErrBadCredentials", i, err)
			}
		}
		var te account.ThrottledError
		if _, err := login(db, "lifang", "s3cret-pass", "203.0.113.7", th); !errors.As(err, &te) || te.RetryAfter <= 14*time.Minute {
			t.Fatalf("after 20 failures from one address: got %v, want ThrottledError for about 15m", err)
		}
		if _, err := login(db, "lifang", "s3cret-pass", "198.51.100.1", th); err != nil {
			t.Fatalf("from another address: %v", err)
		}
	})
}

// TestManyLearnersBehindOneNAT: a hospital signs 200 learners in within a
// minute from one address; successes never count against it.
func TestManyLearnersBehindOneNAT(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const n = 200
		hash, err := cheap.Hash("learner-pass")
		if err != nil {
			t.Fatal(err)
		}
		inTx(t, db, func(tx *store.Tx) error {
			// Plain inserts: the point here is logging in, not creating.
			now := store.Now()
			for i := range n {
				if _, err := tx.Exec(context.Background(), `INSERT INTO accounts (username, password_hash, created_at, updated_at)
					VALUES (?, ?, ?, ?)`, fmt.Sprintf("learner%03d", i), hash, now, now); err != nil {
					return err
				}
			}
			return nil
		})
		// A few typos on the way do not matter either.
		for i := range 3 {
			login(db, fmt.Sprintf("learner%03d", i), "typo-pass", "192.0.2.1", account.DefaultThrottle)
		}
		var wg sync.WaitGroup
		errs := make(chan error, n)
		sem := make(chan struct{}, 16)
		for i := range n {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				a, err := login(db, fmt.Sprintf("learner%03d", i), "learner-pass", "192.0.2.1", account.DefaultThrottle)
				if err == nil && a.Username != fmt.Sprintf("learner%03d", i) {
					err = fmt.Errorf("got account %q", a.Username)
				}
				if err != nil {
					errs <- fmt.Errorf("learner %d: %w", i, err)
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})
}

// TestThrottleHoldsUnderParallelGuesses: guesses sent at once still get at
// most AccountFailures password checks.
func TestThrottleHoldsUnderParallelGuesses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		create(t, db, account.NewAccount{Username: "lifang", Password: "s3cret-pass"})
		th := account.DefaultThrottle
		var wg sync.WaitGroup
		var mu sync.Mutex
		checked := 0
		for i := range 30 {
			wg.Go(func() {
				_, err := login(db, "lifang", fmt.Sprintf("guess-%d", i), fmt.Sprintf("10.9.0.%d", i), th)
				var te account.ThrottledError
				switch {
				case errors.Is(err, account.ErrBadCredentials):
					mu.Lock()
					checked++
					mu.Unlock()
				case !errors.As(err, &te):
					t.Errorf("guess %d: got %v, want ErrBadCredentials or ThrottledError", i, err)
				}
			})
		}
		wg.Wait()
		if checked != th.AccountFailures {
			t.Errorf("password checked %d times, want exactly %d", checked, th.AccountFailures)
		}
	})
}

// BenchmarkAuthenticate measures one successful login at the default hash
// cost on SQLite: the cost that bounds how fast a lecture hall signs in.
func BenchmarkAuthenticate(b *testing.B) {
	db := storetest.SQLite(b)
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := account.Create(ctx, tx, tester, account.NewAccount{Username: "lifang", Password: "s3cret-pass"})
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := account.Authenticate(ctx, db, "lifang", "s3cret-pass", "10.0.0.1", account.DefaultThrottle); err != nil {
			b.Fatal(err)
		}
	}
}
