package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// ErrInvalidReset is returned for a password reset token that is unknown,
// already used or expired.
var ErrInvalidReset = errors.New("account: invalid or expired password reset link")

// CreateReset makes a single-use password reset token for an account,
// valid for ttl, to be sent as a link. Earlier unused links of the account
// stop working. Only the token's SHA-256 is stored.
func CreateReset(ctx context.Context, tx *store.Tx, actor audit.Actor, accountID int64, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		return "", fmt.Errorf("account %d: create reset: ttl %v is not positive", accountID, ttl)
	}
	a, err := Get(ctx, tx, accountID)
	if err != nil {
		return "", fmt.Errorf("account %d: %w", accountID, err)
	}
	token, err := newSecret()
	if err != nil {
		return "", err
	}
	now := store.Now()
	if _, err := tx.Exec(ctx, `DELETE FROM password_resets WHERE account_id = ? AND used_at IS NULL`, accountID); err != nil {
		return "", fmt.Errorf("account %d: drop old resets: %w", accountID, err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO password_resets (token_hash, account_id, created_by, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?)`, hashSecret(token), accountID, nullID(actor.AccountID), now, now.Add(ttl))
	if err != nil {
		return "", fmt.Errorf("account %d: create reset: %w", accountID, err)
	}
	type view struct {
		ExpiresAt time.Time `json:"expires_at"`
	}
	if err := record(ctx, tx, actor, "create_reset", a, nil, view{now.Add(ttl)}); err != nil {
		return "", err
	}
	return token, nil
}

// UseReset sets a new password with a reset token: once, before it
// expires. A password the policy refuses comes back as validate.Errors on
// field "password" and leaves the token usable. It ends every session of
// the account, clears its failed logins and returns the account.
func UseReset(ctx context.Context, db *store.DB, token, newPassword string) (Account, error) {
	if token == "" {
		return Account{}, ErrInvalidReset
	}
	hash := hashSecret(token)
	var accountID int64
	var expires time.Time
	var used sql.NullTime
	err := db.QueryRow(ctx, `SELECT account_id, expires_at, used_at FROM password_resets WHERE token_hash = ?`, hash).
		Scan(&accountID, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, ErrInvalidReset
	}
	if err != nil {
		return Account{}, fmt.Errorf("account: load reset: %w", err)
	}
	if used.Valid || !store.Now().Before(expires) {
		return Account{}, ErrInvalidReset
	}
	a, err := Get(ctx, db, accountID)
	if err != nil {
		return Account{}, fmt.Errorf("account %d: %w", accountID, err)
	}
	if a.Disabled {
		return Account{}, ErrDisabled
	}
	logins, err := loginsOf(ctx, db, a)
	if err != nil {
		return Account{}, err
	}
	var es validate.Errors
	checkPasswordPolicy(&es, "password", newPassword, logins...)
	if err := es.Err(); err != nil {
		return Account{}, err
	}
	newHash, err := HashPassword(newPassword)
	if err != nil {
		return Account{}, err
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		now := store.Now()
		// Claiming the token with a conditional update makes two
		// simultaneous uses end with exactly one winner.
		res, err := tx.Exec(ctx, `UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`,
			now, hash, now)
		if err != nil {
			return fmt.Errorf("account %d: use reset: %w", accountID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errors.Join(ErrInvalidReset, err)
		}
		_, oldHash, err := getWithHash(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if err := storePassword(ctx, tx, ActorFor(a, ""), a, oldHash, newHash, false, "reset_password"); err != nil {
			return err
		}
		a, err = Get(ctx, tx, accountID)
		return err
	})
	if err != nil {
		return Account{}, err
	}
	return a, nil
}
