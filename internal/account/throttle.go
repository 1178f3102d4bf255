package account

import (
	"context"
	"fmt"
	mathrand "math/rand/v2"
	"strconv"
	"time"

	"github.com/meded/meded/internal/store"
)

// Throttle limits failed logins within sliding windows: strictly per
// account (or per unknown login) and loosely per client IP, since a whole
// hospital may sign in from one NAT address. Only failures count, so any
// number of successful logins from one address go through. A limit of zero
// or less turns that check off.
type Throttle struct {
	AccountFailures int
	AccountWindow   time.Duration
	IPFailures      int
	IPWindow        time.Duration
}

// DefaultThrottle allows 5 failures per account and 100 per IP address in
// 15 minutes.
var DefaultThrottle = Throttle{AccountFailures: 5, AccountWindow: 15 * time.Minute, IPFailures: 100, IPWindow: 15 * time.Minute}

// ThrottledError refuses a login attempt without checking the password.
// RetryAfter, rounded up to a whole second, is when the oldest counted
// failure leaves the window. Match it with
//
//	var te account.ThrottledError
//	if errors.As(err, &te) { … te.RetryAfter … }
type ThrottledError struct {
	RetryAfter time.Duration
}

func (e ThrottledError) Error() string {
	return fmt.Sprintf("account: too many failed logins, retry in %v", e.RetryAfter)
}

// failureRetention is the least age at which failure rows are pruned.
const failureRetention = 24 * time.Hour

func accountKey(id int64) string { return "a:" + strconv.FormatInt(id, 10) }

// loginKey keys failures for a login that names no account. It stores a
// hash, because people sometimes type their password into the login field.
func loginKey(normalized string) string { return "l:" + hashSecret(normalized)[:32] }

// retryAfter returns how long to wait when the rows matching cond (one of
// the account or IP conditions) hold limit or more failures within window,
// and 0 otherwise.
func retryAfter(ctx context.Context, q store.Querier, cond string, arg any, limit int, window time.Duration, now time.Time) (time.Duration, error) {
	if limit <= 0 {
		return 0, nil
	}
	rows, err := q.Query(ctx, `SELECT at FROM login_failures WHERE `+cond+` AND at > ? ORDER BY at DESC LIMIT ?`,
		arg, now.Add(-window), limit)
	if err != nil {
		return 0, fmt.Errorf("account: count failed logins: %w", err)
	}
	defer rows.Close()
	n := 0
	var oldest time.Time
	for rows.Next() {
		if err := rows.Scan(&oldest); err != nil {
			return 0, fmt.Errorf("account: count failed logins: %w", err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("account: count failed logins: %w", err)
	}
	if n < limit {
		return 0, nil
	}
	wait := oldest.Add(window).Sub(now)
	return max(time.Second, (wait + time.Second - 1).Truncate(time.Second)), nil
}

// reserveAttempt counts an attempt against key before its password is
// checked, so parallel guesses at one account see each other: the count
// and the reservation are one transaction, serialised per key (SQLite
// serialises every write transaction; PostgreSQL takes an advisory lock on
// the key), so of any number of simultaneous guesses exactly the allowed
// number are checked. It returns the wait instead of a reservation when
// the key is throttled. The row has no IP until it turns out a failure:
// in-flight logins that succeed never count against their address.
func reserveAttempt(ctx context.Context, db *store.DB, key string, th Throttle, now time.Time) (id int64, wait time.Duration, err error) {
	err = db.InTx(ctx, func(tx *store.Tx) error {
		if tx.Dialect() == store.Postgres {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext(?))`, key); err != nil {
				return err
			}
		}
		var err error
		if wait, err = retryAfter(ctx, tx, "account_key = ?", key, th.AccountFailures, th.AccountWindow, now); err != nil || wait > 0 {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO login_failures (account_key, ip, at) VALUES (?, '', ?) RETURNING id`, key, now).Scan(&id)
	})
	if err != nil {
		return 0, 0, fmt.Errorf("account: record login attempt: %w", err)
	}
	return id, wait, nil
}

// recordFailure turns a reservation into a failure from ip and now and
// then deletes failures too old to matter.
func recordFailure(ctx context.Context, db *store.DB, id int64, ip string, th Throttle, now time.Time) error {
	if _, err := db.Exec(ctx, `UPDATE login_failures SET ip = ? WHERE id = ?`, ip, id); err != nil {
		return fmt.Errorf("account: record failed login: %w", err)
	}
	if mathrand.IntN(pruneOneIn) != 0 {
		return nil
	}
	keep := max(failureRetention, th.AccountWindow, th.IPWindow)
	if _, err := db.Exec(ctx, `DELETE FROM login_failures WHERE at < ?`, now.Add(-keep)); err != nil {
		return fmt.Errorf("account: prune failed logins: %w", err)
	}
	return nil
}

// dropAttempt removes a reservation that was neither a failure nor a
// success: a throttled or disabled-account attempt.
func dropAttempt(ctx context.Context, db *store.DB, id int64) error {
	if _, err := db.Exec(ctx, `DELETE FROM login_failures WHERE id = ?`, id); err != nil {
		return fmt.Errorf("account: drop login attempt: %w", err)
	}
	return nil
}

// clearFailures forgets the failed logins of an account (after a success or
// a new password).
func clearFailures(ctx context.Context, q store.Querier, accountID int64) error {
	if _, err := q.Exec(ctx, `DELETE FROM login_failures WHERE account_key = ?`, accountKey(accountID)); err != nil {
		return fmt.Errorf("account %d: clear failed logins: %w", accountID, err)
	}
	return nil
}
