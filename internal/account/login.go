package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

var (
	// ErrBadCredentials is a wrong password or a login that names no
	// account; callers must not tell the two apart.
	ErrBadCredentials = errors.New("account: wrong login or password")
	// ErrDisabled is returned only after the right password was given.
	ErrDisabled = errors.New("account: disabled")
)

// maxLoginLen bounds what is looked up as a login.
const maxLoginLen = 320

// loginMatch is the account a login names, if any.
type loginMatch struct {
	id       int64
	hash     string
	disabled bool
}

// findLogin resolves a login: a username, email or phone (each normalized),
// or else a staff number that exactly one account's person has.
func findLogin(ctx context.Context, q store.Querier, login string) (loginMatch, bool, error) {
	var m loginMatch
	lower := strings.ToLower(login)
	phone := validate.NormalizePhone(login)
	err := q.QueryRow(ctx, `SELECT id, password_hash, disabled FROM accounts
		WHERE username = ? OR email = ? OR phone = ?
		ORDER BY CASE WHEN username = ? THEN 0 WHEN email = ? THEN 1 ELSE 2 END LIMIT 1`,
		lower, lower, phone, lower, lower).Scan(&m.id, &m.hash, &m.disabled)
	if err == nil {
		return m, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return m, false, fmt.Errorf("account: find login: %w", err)
	}
	rows, err := q.Query(ctx, `SELECT a.id, a.password_hash, a.disabled FROM accounts a JOIN people p ON p.id = a.person_id
		WHERE UPPER(p.staff_number) = ? LIMIT 2`, strings.ToUpper(login))
	if err != nil {
		return m, false, fmt.Errorf("account: find staff number: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		if err := rows.Scan(&m.id, &m.hash, &m.disabled); err != nil {
			return m, false, fmt.Errorf("account: find staff number: %w", err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return m, false, fmt.Errorf("account: find staff number: %w", err)
	}
	if n != 1 {
		return loginMatch{}, false, nil
	}
	return m, true, nil
}

// Authenticate checks a login (username, email, phone or staff number) and
// password from the client at ip. It returns
//   - ThrottledError, before looking at the password, after th's limit of
//     failures for that account or that address;
//   - ErrBadCredentials for an unknown login or a wrong password, after
//     recording the failure (an unknown login costs as much time as a known
//     one);
//   - ErrDisabled for the right password of a disabled account.
//
// A success clears the account's failures, sets last_login_at, upgrades an
// outdated password hash and records a "login" audit entry. Authenticate
// commits on its own, so failures stay recorded though the login fails.
func Authenticate(ctx context.Context, db *store.DB, login, password, ip string, th Throttle) (Account, error) {
	return authenticate(ctx, db, DefaultHasher, login, password, ip, th)
}

// authenticate is Authenticate with h as the cost a check of an unknown
// login spends and that outdated hashes are upgraded to.
func authenticate(ctx context.Context, db *store.DB, h Hasher, login, password, ip string, th Throttle) (Account, error) {
	login = strings.TrimSpace(login)
	if login == "" || len(login) > maxLoginLen || password == "" {
		return Account{}, ErrBadCredentials
	}
	now := store.Now()
	if ip != "" {
		wait, err := retryAfter(ctx, db, "ip = ?", ip, th.IPFailures, th.IPWindow, now)
		if err != nil {
			return Account{}, err
		}
		if wait > 0 {
			return Account{}, ThrottledError{RetryAfter: wait}
		}
	}
	m, found, err := findLogin(ctx, db, login)
	if err != nil {
		return Account{}, err
	}
	key := loginKey(strings.ToLower(login))
	if found {
		key = accountKey(m.id)
	}
	attempt, wait, err := reserveAttempt(ctx, db, key, th, now)
	if err != nil {
		return Account{}, err
	}
	if wait > 0 {
		return Account{}, ThrottledError{RetryAfter: wait}
	}

	ok := false
	if found {
		ok, err = CheckPassword(m.hash, password)
		if errors.Is(err, ErrMalformedHash) {
			// An account without a usable password (say, imported without
			// one) cannot sign in, and takes as long to say so.
			spendCheck(h, password)
		}
	} else {
		spendCheck(h, password)
	}
	if !ok {
		if err := recordFailure(ctx, db, attempt, ip, th, now); err != nil {
			return Account{}, err
		}
		return Account{}, ErrBadCredentials
	}
	if m.disabled {
		if err := dropAttempt(ctx, db, attempt); err != nil {
			return Account{}, err
		}
		return Account{}, ErrDisabled
	}
	return loginSucceeded(ctx, db, h, m, password, ip, now)
}

func loginSucceeded(ctx context.Context, db *store.DB, h Hasher, m loginMatch, password, ip string, now time.Time) (Account, error) {
	var rehash string
	if h.NeedsRehash(m.hash) {
		var err error
		if rehash, err = h.Hash(password); err != nil {
			return Account{}, err
		}
	}
	var a Account
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := clearFailures(ctx, tx, m.id); err != nil {
			return err
		}
		var err error
		if rehash != "" {
			_, err = tx.Exec(ctx, `UPDATE accounts SET last_login_at = ?, password_hash = ? WHERE id = ?`, now, rehash, m.id)
		} else {
			_, err = tx.Exec(ctx, `UPDATE accounts SET last_login_at = ? WHERE id = ?`, now, m.id)
		}
		if err != nil {
			return fmt.Errorf("account %d: record login: %w", m.id, err)
		}
		if a, err = Get(ctx, tx, m.id); err != nil {
			return err
		}
		var before, after any
		if rehash != "" {
			type change struct {
				PasswordHash string `json:"password_hash"`
			}
			before, after = change{m.hash}, change{rehash}
		}
		return record(ctx, tx, ActorFor(a, ip), "login", a, before, after)
	})
	if err != nil {
		return Account{}, err
	}
	return a, nil
}
