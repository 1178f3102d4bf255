package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// TokenPrefix starts every API token secret, so a leaked one is easy to
// recognise (and to search for in code and logs).
const TokenPrefix = "meded_"

// Token is an API token of an account, for scripts and other systems that
// call /api/v1 with "Authorization: Bearer <secret>". The secret is shown
// once, at creation; only its SHA-256 is stored.
type Token struct {
	ID         int64      `json:"id"`
	AccountID  int64      `json:"account_id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// Active reports whether t can still be used at now.
func (t Token) Active(now time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || now.Before(*t.ExpiresAt))
}

// CreateToken makes an API token for an account, valid until expiresAt
// (nil: until revoked), and returns its secret, which is not kept.
func CreateToken(ctx context.Context, tx *store.Tx, actor audit.Actor, accountID int64, name string, expiresAt *time.Time) (string, Token, error) {
	a, err := Get(ctx, tx, accountID)
	if err != nil {
		return "", Token{}, fmt.Errorf("account %d: %w", accountID, err)
	}
	now := store.Now()
	t := Token{AccountID: accountID, Name: strings.TrimSpace(name), CreatedAt: now}
	var es validate.Errors
	if es.Required("name", t.Name) {
		es.MaxLen("name", t.Name, 100)
	}
	if expiresAt != nil {
		e := expiresAt.UTC().Truncate(time.Microsecond)
		if !e.After(now) {
			es.Add("expires_at", "error.not_in_future")
		}
		t.ExpiresAt = &e
	}
	if err := es.Err(); err != nil {
		return "", Token{}, err
	}
	random, err := newSecret()
	if err != nil {
		return "", Token{}, err
	}
	secret := TokenPrefix + random
	hash := hashSecret(secret)
	var expires any
	if t.ExpiresAt != nil {
		expires = *t.ExpiresAt
	}
	err = tx.QueryRow(ctx, `INSERT INTO api_tokens (account_id, name, token_hash, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, accountID, t.Name, hash, now, expires).Scan(&t.ID)
	if err != nil {
		return "", Token{}, fmt.Errorf("account %d: create token: %w", accountID, err)
	}
	if err := record(ctx, tx, actor, "create_token", a, nil, t); err != nil {
		return "", Token{}, err
	}
	return secret, t, nil
}

const tokenColumns = `id, account_id, name, created_at, last_used_at, expires_at, revoked_at`

func scanToken(row scanner) (Token, error) {
	var t Token
	var used, expires, revoked sql.NullTime
	if err := row.Scan(&t.ID, &t.AccountID, &t.Name, &t.CreatedAt, &used, &expires, &revoked); err != nil {
		return t, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	t.LastUsedAt, t.ExpiresAt, t.RevokedAt = timePtr(used), timePtr(expires), timePtr(revoked)
	return t, nil
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

// TokenAccount returns the account an API token secret belongs to, or
// ErrNoSession when the token is unknown, revoked or expired or its account
// is disabled. It refreshes last_used_at at most once a minute.
func TokenAccount(ctx context.Context, db *store.DB, secret string) (Account, error) {
	if !strings.HasPrefix(secret, TokenPrefix) {
		return Account{}, ErrNoSession
	}
	t, err := scanToken(db.QueryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = ?`, hashSecret(secret)))
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, ErrNoSession
	}
	if err != nil {
		return Account{}, fmt.Errorf("account: load token: %w", err)
	}
	now := store.Now()
	if !t.Active(now) {
		return Account{}, ErrNoSession
	}
	a, err := Get(ctx, db, t.AccountID)
	if errors.Is(err, ErrNotFound) {
		return Account{}, ErrNoSession
	}
	if err != nil {
		return Account{}, err
	}
	if a.Disabled {
		return Account{}, ErrNoSession
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= touchEvery {
		if _, err := db.Exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, now, t.ID); err != nil {
			return Account{}, fmt.Errorf("account: touch token %d: %w", t.ID, err)
		}
	}
	return a, nil
}

// Tokens lists the API tokens of an account, revoked and expired ones
// included, newest first.
func Tokens(ctx context.Context, q store.Querier, accountID int64) ([]Token, error) {
	rows, err := q.Query(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE account_id = ? ORDER BY created_at DESC, id DESC`, accountID)
	if err != nil {
		return nil, fmt.Errorf("account %d: list tokens: %w", accountID, err)
	}
	defer rows.Close()
	out := []Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("account %d: scan token: %w", accountID, err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("account %d: list tokens: %w", accountID, err)
	}
	return out, nil
}

// RevokeToken stops an API token of an account from working. It returns
// ErrNotFound when the token is not that account's; revoking twice is fine.
func RevokeToken(ctx context.Context, tx *store.Tx, actor audit.Actor, accountID, tokenID int64) error {
	t, err := scanToken(tx.QueryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE id = ? AND account_id = ?`, tokenID, accountID))
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("account %d: token %d: %w", accountID, tokenID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("account %d: load token %d: %w", accountID, tokenID, err)
	}
	if t.RevokedAt != nil {
		return nil
	}
	now := store.Now()
	if _, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ?`, now, tokenID); err != nil {
		return fmt.Errorf("account %d: revoke token %d: %w", accountID, tokenID, err)
	}
	a, err := Get(ctx, tx, accountID)
	if err != nil {
		return fmt.Errorf("account %d: %w", accountID, err)
	}
	before := t
	t.RevokedAt = &now
	return record(ctx, tx, actor, "revoke_token", a, before, t)
}
