package checkin

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Settings are how check-in works for one session.
type Settings struct {
	SessionID int64 `json:"session_id"`
	// StepSeconds is how often the projector code changes.
	StepSeconds int `json:"step_seconds"`
	// The window: check-in opens this long before the start and closes
	// this long after the end.
	OpensBeforeMinutes int `json:"opens_before_minutes"`
	ClosesAfterMinutes int `json:"closes_after_minutes"`
	// Checkout asks people to check out; credit then follows the time present.
	Checkout bool `json:"checkout"`
	// EnrolmentRequired refuses people not enrolled in the activity; when
	// off (an open conference), a walk-in is enrolled on checking in.
	EnrolmentRequired bool `json:"enrolment_required"`
}

// Defaults are the settings of a session nobody configured.
func Defaults(sessionID int64) Settings {
	return Settings{SessionID: sessionID, StepSeconds: 15, OpensBeforeMinutes: 30, ClosesAfterMinutes: 15, EnrolmentRequired: true}
}

// Bounds of the settings a manager may choose.
const (
	MinStepSeconds = 5
	MaxStepSeconds = 300
	MaxWindowMin   = 24 * 60
)

// SettingsOf returns a session's settings, the defaults when none are saved.
func SettingsOf(ctx context.Context, q store.Querier, sessionID int64) (Settings, error) {
	s := Settings{SessionID: sessionID}
	err := q.QueryRow(ctx, `SELECT step_seconds, opens_before_minutes, closes_after_minutes, checkout, enrolment_required
		FROM checkin_settings WHERE session_id = ?`, sessionID).Scan(&s.StepSeconds, &s.OpensBeforeMinutes, &s.ClosesAfterMinutes, &s.Checkout, &s.EnrolmentRequired)
	if errors.Is(err, sql.ErrNoRows) {
		return Defaults(sessionID), nil
	}
	if err != nil {
		return s, fmt.Errorf("checkin: settings of session %d: %w", sessionID, err)
	}
	return s, nil
}

func (s Settings) validate() validate.Errors {
	var es validate.Errors
	if s.StepSeconds < MinStepSeconds || s.StepSeconds > MaxStepSeconds {
		es.Add("step_seconds", "error.out_of_range", MinStepSeconds, MaxStepSeconds)
	}
	if s.OpensBeforeMinutes < 0 || s.OpensBeforeMinutes > MaxWindowMin {
		es.Add("opens_before_minutes", "error.out_of_range", 0, MaxWindowMin)
	}
	if s.ClosesAfterMinutes < 0 || s.ClosesAfterMinutes > MaxWindowMin {
		es.Add("closes_after_minutes", "error.out_of_range", 0, MaxWindowMin)
	}
	return es
}

// SaveSettings stores a session's settings.
func SaveSettings(ctx context.Context, tx *store.Tx, actor audit.Actor, in Settings) (Settings, error) {
	if es := in.validate(); len(es) > 0 {
		return in, es
	}
	sess, err := session.Get(ctx, tx, in.SessionID)
	if err != nil {
		return in, err
	}
	before, err := SettingsOf(ctx, tx, in.SessionID)
	if err != nil {
		return in, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO checkin_settings (session_id, step_seconds, opens_before_minutes, closes_after_minutes, checkout, enrolment_required, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (session_id) DO UPDATE SET step_seconds = excluded.step_seconds, opens_before_minutes = excluded.opens_before_minutes,
			closes_after_minutes = excluded.closes_after_minutes, checkout = excluded.checkout,
			enrolment_required = excluded.enrolment_required, updated_at = excluded.updated_at`,
		in.SessionID, in.StepSeconds, in.OpensBeforeMinutes, in.ClosesAfterMinutes, in.Checkout, in.EnrolmentRequired, store.Now())
	if err != nil {
		return in, fmt.Errorf("checkin: save settings: %w", err)
	}
	return in, audit.Record(ctx, tx, actor, audit.Change{Action: "update", Entity: "checkin_settings", EntityID: sess.ID,
		Before: before, After: in})
}

// Window is when check-in is open for a session with these settings.
func (s Settings) Window(sess session.Session) (opens, closes time.Time) {
	return sess.StartsAt.Add(-time.Duration(s.OpensBeforeMinutes) * time.Minute),
		sess.EndsAt.Add(time.Duration(s.ClosesAfterMinutes) * time.Minute)
}
