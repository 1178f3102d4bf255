package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	mathrand "math/rand/v2"
	"time"

	"github.com/meded/meded/internal/store"
)

// ErrNoSession is returned for a session or API token that is unknown,
// expired, idle too long, revoked, or whose account is disabled.
var ErrNoSession = errors.New("account: no such session")

// Session is a signed-in browser. Only the SHA-256 of its token is stored,
// so a copy of the database does not sign anyone in.
type Session struct {
	AccountID  int64     `json:"account_id"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	IP         string    `json:"ip"`
	UserAgent  string    `json:"user_agent"`
}

// touchEvery is how stale last_seen_at (and an API token's last_used_at)
// may get before a request writes it again: one write a minute per session
// instead of one per request.
const touchEvery = time.Minute

// maxUserAgent keeps user agents to a sane length.
const maxUserAgent = 512

// newSecret returns 32 random bytes, base64url-encoded without padding.
func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("account: random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// hashSecret is what the database keeps of a token.
func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// StartSession signs an account in for ttl and returns the token for the
// cookie. Sessions live in the database, so every instance sees them.
func StartSession(ctx context.Context, db *store.DB, accountID int64, ip, userAgent string, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		return "", fmt.Errorf("account %d: start session: ttl %v is not positive", accountID, ttl)
	}
	token, err := newSecret()
	if err != nil {
		return "", err
	}
	if r := []rune(userAgent); len(r) > maxUserAgent {
		userAgent = string(r[:maxUserAgent])
	}
	now := store.Now()
	_, err = db.Exec(ctx, `INSERT INTO web_sessions (token_hash, account_id, created_at, last_seen_at, expires_at, ip, user_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, hashSecret(token), accountID, now, now, now.Add(ttl), ip, userAgent)
	if err != nil {
		return "", fmt.Errorf("account %d: start session: %w", accountID, err)
	}
	// Expired sessions are removed now and then rather than by a job, so
	// there is nothing to schedule on any instance.
	if mathrand.IntN(pruneOneIn) == 0 {
		if _, err := db.Exec(ctx, `DELETE FROM web_sessions WHERE expires_at < ?`, now); err != nil {
			return "", fmt.Errorf("account: prune sessions: %w", err)
		}
	}
	return token, nil
}

// pruneOneIn is how rarely (1 in n) a write also deletes stale rows.
const pruneOneIn = 32

// SessionAccount returns the account signed in with token. It returns
// ErrNoSession when the token is unknown or expired, when the session has
// been idle longer than idle (0: no idle limit), or when the account is
// disabled. It refreshes the session's last_seen_at at most once a minute.
func SessionAccount(ctx context.Context, db *store.DB, token string, idle time.Duration) (Account, error) {
	if token == "" {
		return Account{}, ErrNoSession
	}
	hash := hashSecret(token)
	var s Session
	err := db.QueryRow(ctx, `SELECT account_id, last_seen_at, expires_at FROM web_sessions WHERE token_hash = ?`, hash).
		Scan(&s.AccountID, &s.LastSeenAt, &s.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, ErrNoSession
	}
	if err != nil {
		return Account{}, fmt.Errorf("account: load session: %w", err)
	}
	now := store.Now()
	if !now.Before(s.ExpiresAt) || (idle > 0 && now.Sub(s.LastSeenAt) > idle) {
		if err := EndSession(ctx, db, token); err != nil {
			return Account{}, err
		}
		return Account{}, ErrNoSession
	}
	a, err := Get(ctx, db, s.AccountID)
	if errors.Is(err, ErrNotFound) {
		return Account{}, ErrNoSession
	}
	if err != nil {
		return Account{}, err
	}
	if a.Disabled {
		return Account{}, ErrNoSession
	}
	if now.Sub(s.LastSeenAt) >= touchEvery {
		if _, err := db.Exec(ctx, `UPDATE web_sessions SET last_seen_at = ? WHERE token_hash = ?`, now, hash); err != nil {
			return Account{}, fmt.Errorf("account %d: touch session: %w", a.ID, err)
		}
	}
	return a, nil
}

// EndSession signs a browser out. An unknown token is not an error.
func EndSession(ctx context.Context, db *store.DB, token string) error {
	if _, err := db.Exec(ctx, `DELETE FROM web_sessions WHERE token_hash = ?`, hashSecret(token)); err != nil {
		return fmt.Errorf("account: end session: %w", err)
	}
	return nil
}

// EndSessions signs an account out everywhere.
func EndSessions(ctx context.Context, q store.Querier, accountID int64) error {
	if _, err := q.Exec(ctx, `DELETE FROM web_sessions WHERE account_id = ?`, accountID); err != nil {
		return fmt.Errorf("account %d: end sessions: %w", accountID, err)
	}
	return nil
}

// Sessions lists the unexpired sessions of an account, newest first, for a
// "where am I signed in" page.
func Sessions(ctx context.Context, q store.Querier, accountID int64) ([]Session, error) {
	rows, err := q.Query(ctx, `SELECT account_id, created_at, last_seen_at, expires_at, ip, user_agent
		FROM web_sessions WHERE account_id = ? AND expires_at > ? ORDER BY created_at DESC`, accountID, store.Now())
	if err != nil {
		return nil, fmt.Errorf("account %d: list sessions: %w", accountID, err)
	}
	defer rows.Close()
	out := []Session{}
	for rows.Next() {
		var s Session
		if err := rows.Scan(&s.AccountID, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt, &s.IP, &s.UserAgent); err != nil {
			return nil, fmt.Errorf("account %d: scan session: %w", accountID, err)
		}
		s.CreatedAt, s.LastSeenAt, s.ExpiresAt = s.CreatedAt.UTC(), s.LastSeenAt.UTC(), s.ExpiresAt.UTC()
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("account %d: list sessions: %w", accountID, err)
	}
	return out, nil
}
