package calendar

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
)

// ErrNotFound: no person holds that token.
var ErrNotFound = errors.New("calendar: not found")

func newToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// Token returns personID's feed token, creating one on first use.
func Token(ctx context.Context, tx *store.Tx, personID int64) (string, error) {
	var t string
	err := tx.QueryRow(ctx, `SELECT token FROM calendar_tokens WHERE person_id = ?`, personID).Scan(&t)
	if err == nil {
		return t, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("calendar: token of %d: %w", personID, err)
	}
	t = newToken()
	if _, err := tx.Exec(ctx, `INSERT INTO calendar_tokens (person_id, token, created_at) VALUES (?, ?, ?)`, personID, t, store.Now()); err != nil {
		return "", fmt.Errorf("calendar: token of %d: %w", personID, err)
	}
	return t, nil
}

// Reset replaces personID's token, so the old feed address stops working
// (a shared or leaked address is withdrawn this way).
func Reset(ctx context.Context, tx *store.Tx, actor audit.Actor, personID int64) (string, error) {
	t := newToken()
	res, err := tx.Exec(ctx, `UPDATE calendar_tokens SET token = ?, created_at = ? WHERE person_id = ?`, t, store.Now(), personID)
	if err != nil {
		return "", fmt.Errorf("calendar: reset token of %d: %w", personID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := tx.Exec(ctx, `INSERT INTO calendar_tokens (person_id, token, created_at) VALUES (?, ?, ?)`, personID, t, store.Now()); err != nil {
			return "", fmt.Errorf("calendar: reset token of %d: %w", personID, err)
		}
	}
	return t, audit.Record(ctx, tx, actor, audit.Change{Action: "reset_token", Entity: "calendar_token", EntityID: personID})
}

// PersonOf returns the person whose token is token.
func PersonOf(ctx context.Context, q store.Querier, token string) (int64, error) {
	if len(token) < 16 || len(token) > 64 {
		return 0, ErrNotFound
	}
	var id int64
	var stored string
	err := q.QueryRow(ctx, `SELECT person_id, token FROM calendar_tokens WHERE token = ?`, token).Scan(&id, &stored)
	if errors.Is(err, sql.ErrNoRows) || err == nil && subtle.ConstantTimeCompare([]byte(stored), []byte(token)) != 1 {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("calendar: token: %w", err)
	}
	return id, nil
}
