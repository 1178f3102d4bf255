package account

import (
	"context"
	"fmt"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// SetLocale sets the language the account reads MedEd in: "" (follow the
// browser), "zh-CN" or "en".
func SetLocale(ctx context.Context, tx *store.Tx, actor audit.Actor, accountID int64, locale string) error {
	var es validate.Errors
	es.OneOf("locale", locale, Locales)
	if err := es.Err(); err != nil {
		return err
	}
	a, err := Get(ctx, tx, accountID)
	if err != nil {
		return fmt.Errorf("account %d: %w", accountID, err)
	}
	if a.Locale == locale {
		return nil
	}
	if _, err := tx.Exec(ctx, `UPDATE accounts SET locale = ?, updated_at = ? WHERE id = ?`, locale, store.Now(), accountID); err != nil {
		return fmt.Errorf("account %d: set locale: %w", accountID, err)
	}
	type view struct {
		Locale string `json:"locale"`
	}
	return record(ctx, tx, actor, "update", a, view{a.Locale}, view{locale})
}

// SetDisabled disables or re-enables an account. Disabling ends its
// sessions; its API tokens stop working while it stays disabled. The last
// enabled administrator cannot be disabled (ErrLastAdmin).
func SetDisabled(ctx context.Context, tx *store.Tx, actor audit.Actor, accountID int64, disabled bool) error {
	a, err := Get(ctx, tx, accountID)
	if err != nil {
		return fmt.Errorf("account %d: %w", accountID, err)
	}
	if a.Disabled == disabled {
		return nil
	}
	if disabled {
		if err := keepAnAdmin(ctx, tx, a); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE accounts SET disabled = ?, updated_at = ? WHERE id = ?`, disabled, store.Now(), accountID); err != nil {
		return fmt.Errorf("account %d: set disabled: %w", accountID, err)
	}
	if disabled {
		if err := EndSessions(ctx, tx, accountID); err != nil {
			return err
		}
	}
	action := "enable"
	if disabled {
		action = "disable"
	}
	type view struct {
		Disabled bool `json:"disabled"`
	}
	return record(ctx, tx, actor, action, a, view{a.Disabled}, view{disabled})
}

// HasAdmin reports whether some enabled account holds the admin role; a
// fresh installation has none and asks for one.
func HasAdmin(ctx context.Context, q store.Querier) (bool, error) {
	n, err := countAdmins(ctx, q, 0)
	return n > 0, err
}

// countAdmins counts enabled accounts other than except holding the admin role.
func countAdmins(ctx context.Context, q store.Querier, except int64) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(DISTINCT a.id) FROM accounts a JOIN account_roles r ON r.account_id = a.id
		WHERE r.role = ? AND a.disabled = ? AND a.id <> ?`, Admin, false, except).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("account: count administrators: %w", err)
	}
	return n, nil
}

// keepAnAdmin returns ErrLastAdmin when a, about to be disabled or to lose
// its admin grant, is the only enabled administrator.
func keepAnAdmin(ctx context.Context, q store.Querier, a Account) error {
	isAdmin := false
	for _, g := range a.Grants {
		isAdmin = isAdmin || g.Role == Admin
	}
	if a.Disabled || !isAdmin {
		return nil
	}
	n, err := countAdmins(ctx, q, a.ID)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("account %d: %w", a.ID, ErrLastAdmin)
	}
	return nil
}
