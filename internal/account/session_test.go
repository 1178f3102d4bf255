package account_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := create(t, db, account.NewAccount{Username: "lifang", Password: "s3cret-pass"})
		start := func() string {
			t.Helper()
			token, err := account.StartSession(ctx, db, a.ID, "10.0.0.1", "Mozilla/5.0", 8*time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			return token
		}
		token := start()
		if raw, err := base64.RawURLEncoding.DecodeString(token); err != nil || len(raw) != 32 {
			t.Fatalf("token %q: want 32 random bytes in base64url", token)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM web_sessions WHERE token_hash = ?`, sha(token)); n != 1 {
			t.Fatalf("sessions stored under the token's SHA-256: got %d, want 1", n)
		}
		got, err := account.SessionAccount(ctx, db, token, 30*time.Minute)
		if err != nil || got.ID != a.ID {
			t.Fatalf("SessionAccount: got %d, %v; want %d", got.ID, err, a.ID)
		}
		list, err := account.Sessions(ctx, db, a.ID)
		if err != nil || len(list) != 1 || list[0].IP != "10.0.0.1" || list[0].UserAgent != "Mozilla/5.0" {
			t.Fatalf("Sessions: got %+v, %v", list, err)
		}

		lastSeen := func() time.Time {
			t.Helper()
			var at time.Time
			if err := db.QueryRow(ctx, `SELECT last_seen_at FROM web_sessions WHERE account_id = ?`, a.ID).Scan(&at); err != nil {
				t.Fatal(err)
			}
			return at
		}
		// Seen 20 s ago: not written again. Seen 2 min ago: refreshed.
		exec(t, db, `UPDATE web_sessions SET last_seen_at = ?`, ago(20*time.Second))
		before := lastSeen()
		account.SessionAccount(ctx, db, token, 30*time.Minute)
		if after := lastSeen(); !after.Equal(before) {
			t.Errorf("last_seen_at rewritten within a minute: %v → %v", before, after)
		}
		exec(t, db, `UPDATE web_sessions SET last_seen_at = ?`, ago(2*time.Minute))
		account.SessionAccount(ctx, db, token, 30*time.Minute)
		if after := lastSeen(); time.Since(after) > 10*time.Second {
			t.Errorf("last_seen_at after 2 idle minutes: got %v, want now", after)
		}

		tests := []struct {
			name  string
			age   func(token string)
			idle  time.Duration
			token func(token string) string
		}{
			{"unknown", nil, 0, func(string) string { return "nope" }},
			{"empty", nil, 0, func(string) string { return "" }},
			{"expired", func(tok string) {
				exec(t, db, `UPDATE web_sessions SET expires_at = ? WHERE token_hash = ?`, ago(time.Second), sha(tok))
			}, 0, nil},
			{"idle", func(tok string) {
				exec(t, db, `UPDATE web_sessions SET last_seen_at = ? WHERE token_hash = ?`, ago(31*time.Minute), sha(tok))
			}, 30 * time.Minute, nil},
			{"ended", func(tok string) {
				if err := account.EndSession(ctx, db, tok); err != nil {
					t.Fatal(err)
				}
			}, 0, nil},
			{"ended everywhere", func(string) {
				if err := account.EndSessions(ctx, db, a.ID); err != nil {
					t.Fatal(err)
				}
			}, 0, nil},
			{"disabled account", func(string) {
				exec(t, db, `UPDATE accounts SET disabled = ? WHERE id = ?`, true, a.ID)
			}, 0, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				exec(t, db, `UPDATE accounts SET disabled = ? WHERE id = ?`, false, a.ID)
				tok := start()
				if tt.age != nil {
					tt.age(tok)
				}
				if tt.token != nil {
					tok = tt.token(tok)
				}
				if _, err := account.SessionAccount(ctx, db, tok, tt.idle); !errors.Is(err, account.ErrNoSession) {
					t.Errorf("got %v, want ErrNoSession", err)
				}
			})
		}
		// Expired and idle sessions are deleted when found.
		if n := count(t, db, `SELECT COUNT(*) FROM web_sessions WHERE expires_at < ? OR last_seen_at < ?`,
			store.Now(), ago(30*time.Minute)); n != 0 {
			t.Errorf("%d stale sessions left", n)
		}
		if _, err := account.StartSession(ctx, db, a.ID, "", strings.Repeat("x", 2000), 0); err == nil {
			t.Error("StartSession with ttl 0: got no error")
		}
	})
}

func TestSessionKeepsLongUserAgentsShort(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := create(t, db, account.NewAccount{Username: "lifang", Password: "s3cret-pass"})
		if _, err := account.StartSession(ctx, db, a.ID, "", strings.Repeat("浏", 2000), time.Hour); err != nil {
			t.Fatal(err)
		}
		list, err := account.Sessions(ctx, db, a.ID)
		if err != nil || len(list) != 1 || len([]rune(list[0].UserAgent)) != 512 {
			t.Errorf("Sessions: got %d sessions, %v; want one with a 512-character user agent", len(list), err)
		}
	})
}

// sha is how the database keeps a token.
func sha(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
