package checkin

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/meded/meded/internal/store"
)

const keySetting = "checkin.key"

// Key returns the secret that codes, tickets and badges are signed with. It
// lives in the database, so every instance on it derives the same codes;
// the first call on a new database creates it, and when two instances race
// to create it the first insert wins and both read that one.
func Key(ctx context.Context, q store.Querier) ([]byte, error) {
	var v string
	err := q.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, keySetting).Scan(&v)
	if err != nil {
		secret := make([]byte, 32)
		rand.Read(secret)
		if _, err := q.Exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`,
			keySetting, hex.EncodeToString(secret)); err != nil {
			return nil, fmt.Errorf("checkin: create key: %w", err)
		}
		if err := q.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, keySetting).Scan(&v); err != nil {
			return nil, fmt.Errorf("checkin: read key: %w", err)
		}
	}
	key, err := hex.DecodeString(v)
	if err != nil || len(key) < 16 {
		return nil, fmt.Errorf("checkin: the key in settings is not valid")
	}
	return key, nil
}
