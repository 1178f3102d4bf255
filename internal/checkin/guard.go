package checkin

import (
	"context"
	"fmt"
	"time"

	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// A six-digit code is one in a million, and two steps are valid at once,
// so a person may type only a few codes per window: guessing then takes
// longer than the session lasts. Successful tries do not count.
const (
	CodeAttempts      = 10
	CodeAttemptWindow = 10 * time.Minute
)

// ReserveCodeAttempt records a typed-code attempt by personID before the
// code is checked, and refuses it when the person already holds
// CodeAttempts attempts in the window. The count and the insert run under a
// per-person lock (PostgreSQL advisory lock; SQLite has one writer), so many
// guesses sent at once to several instances get exactly CodeAttempts
// tries. release forgets the attempt when the code was right.
func ReserveCodeAttempt(ctx context.Context, db *store.DB, personID int64, now time.Time) (release func(context.Context) error, err error) {
	since := now.Add(-CodeAttemptWindow).UTC()
	var id int64
	err = db.InTx(ctx, func(tx *store.Tx) error {
		if tx.Dialect() == store.Postgres {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext(?))`, fmt.Sprintf("checkin-code:%d", personID)); err != nil {
				return fmt.Errorf("checkin: lock attempts: %w", err)
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM checkin_code_attempts WHERE person_id = ? AND at < ?`, personID, since); err != nil {
			return fmt.Errorf("checkin: expire attempts: %w", err)
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM checkin_code_attempts WHERE person_id = ? AND at >= ?`, personID, since).Scan(&n); err != nil {
			return fmt.Errorf("checkin: count attempts: %w", err)
		}
		if n >= CodeAttempts {
			return validate.Field("code", "error.checkin_too_many_codes", int(CodeAttemptWindow/time.Minute))
		}
		err := tx.QueryRow(ctx, `INSERT INTO checkin_code_attempts (person_id, at) VALUES (?, ?) RETURNING id`, personID, now.UTC()).Scan(&id)
		if err != nil {
			return fmt.Errorf("checkin: record attempt: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) error {
		_, err := db.Exec(ctx, `DELETE FROM checkin_code_attempts WHERE id = ?`, id)
		return err
	}, nil
}
