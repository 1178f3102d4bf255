// Package checkin takes attendance live: rotating codes on a projector that
// learners scan or type, signed tickets that carry a scan through a sign-in,
// personal badges scanned at a kiosk, and check-out where credit follows the
// time present. Every path ends in one attendance row per session and
// person, however many times and on however many instances it is sent.
package checkin

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Methods of check-in (DESIGN §6 attendance method).
const (
	MethodCode  = "live_code"
	MethodKiosk = "kiosk"
)

// Statuses of a check-in answer. The "already" ones are friendly answers,
// not errors: a repeated scan changes nothing and says so.
const (
	CheckedIn         = "checked_in"
	AlreadyCheckedIn  = "already_checked_in"
	CheckedOut        = "checked_out"
	AlreadyCheckedOut = "already_checked_out"
)

// ClockSkew is how far in the future a kiosk's clock may run before its
// scan times are refused.
const ClockSkew = time.Minute

// Request is one person checking in or out of a session at a time.
type Request struct {
	SessionID int64
	PersonID  int64
	Method    string
	// At is when the person was there: the scan, which a kiosk that was
	// offline sends later.
	At time.Time
}

// Result is the attendance after a check-in or check-out.
type Result struct {
	Status         string     `json:"status"`
	SessionID      int64      `json:"session_id"`
	PersonID       int64      `json:"person_id"`
	Method         string     `json:"method"`
	CheckedInAt    time.Time  `json:"checked_in_at"`
	CheckedOutAt   *time.Time `json:"checked_out_at,omitempty"`
	PresentMinutes *int       `json:"present_minutes,omitempty"`
}

// Place is a session with its activity and settings: what a check-in page
// names and what the rules are checked against.
type Place struct {
	Session  session.Session
	Activity activity.Activity
	Settings Settings
}

// PlaceOf loads a session with its activity and settings.
func PlaceOf(ctx context.Context, q store.Querier, sessionID int64) (Place, error) {
	s, err := session.Get(ctx, q, sessionID)
	if err != nil {
		return Place{}, err
	}
	a, err := activity.Get(ctx, q, s.ActivityID)
	if err != nil {
		return Place{}, err
	}
	st, err := SettingsOf(ctx, q, sessionID)
	return Place{Session: s, Activity: a, Settings: st}, err
}

// Open checks that the session takes check-ins at t (seen at now): not
// cancelled, its activity approved or running, t inside the window and not
// in the future.
func (p Place) Open(t, now time.Time) error {
	if p.Session.Cancelled {
		return validate.Field("session_id", "error.checkin_cancelled")
	}
	if p.Activity.Status != "approved" && p.Activity.Status != "running" {
		return validate.Field("session_id", "error.checkin_activity_not_open")
	}
	if t.After(now.Add(ClockSkew)) {
		return validate.Field("at", "error.checkin_future")
	}
	opens, closes := p.Settings.Window(p.Session)
	if t.Before(opens) {
		return validate.Field("session_id", "error.checkin_not_open_yet", opens.In(activity.Zone).Format("2006-01-02 15:04"))
	}
	if t.After(closes) {
		return validate.Field("session_id", "error.checkin_closed", closes.In(activity.Zone).Format("2006-01-02 15:04"))
	}
	return nil
}

// In checks a person in. A second check-in, or one racing it on another
// instance, answers AlreadyCheckedIn and writes nothing: the unique
// (session, person) constraint decides, and losing that race is not an error.
func In(ctx context.Context, tx *store.Tx, actor audit.Actor, req Request, now time.Time) (Result, error) {
	if req.Method != MethodCode && req.Method != MethodKiosk {
		return Result{}, validate.Field("method", "error.invalid_choice", MethodCode+", "+MethodKiosk)
	}
	if existing, err := find(ctx, tx, req.SessionID, req.PersonID); err == nil {
		existing.Status = AlreadyCheckedIn
		return existing, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return Result{}, err
	}
	p, err := PlaceOf(ctx, tx, req.SessionID)
	if err != nil {
		return Result{}, err
	}
	if err := p.Open(req.At, now); err != nil {
		return Result{}, err
	}
	if err := admit(ctx, tx, actor, p, req.PersonID); err != nil {
		return Result{}, err
	}
	at := req.At.UTC().Truncate(time.Microsecond)
	res, err := tx.Exec(ctx, `INSERT INTO attendance (session_id, person_id, method, recorded_at, checked_in_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, person_id) DO NOTHING`,
		req.SessionID, req.PersonID, req.Method, store.Now(), at)
	if store.IsForeignKeyViolation(err) {
		return Result{}, validate.Field("person_id", "error.not_found")
	}
	if err != nil {
		return Result{}, fmt.Errorf("checkin: insert: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		existing, err := find(ctx, tx, req.SessionID, req.PersonID)
		existing.Status = AlreadyCheckedIn
		return existing, err
	}
	out := Result{Status: CheckedIn, SessionID: req.SessionID, PersonID: req.PersonID, Method: req.Method, CheckedInAt: at}
	return out, audit.Record(ctx, tx, actor, audit.Change{Action: "check_in", Entity: "attendance", EntityID: req.SessionID,
		InstitutionID: p.Activity.InstitutionID, After: out})
}

// Admissible says, without writing anything, whether personID could check
// in to the place at t (seen at now): the page a QR code opens shows the
// reason at once instead of a button that would fail.
func Admissible(ctx context.Context, q store.Querier, p Place, personID int64, t, now time.Time) error {
	if err := p.Open(t, now); err != nil {
		return err
	}
	if !p.Settings.EnrolmentRequired {
		return nil
	}
	var status string
	err := q.QueryRow(ctx, `SELECT status FROM enrolments WHERE activity_id = ? AND person_id = ?`, p.Activity.ID, personID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) || status == "withdrawn" || status == "waitlisted" {
		return validate.Field("person_id", "error.checkin_not_enrolled")
	}
	if err != nil {
		return fmt.Errorf("checkin: enrolment: %w", err)
	}
	return nil
}

// admit checks the person may attend: enrolled where enrolment is
// required; otherwise a walk-in is enrolled, so their attendance counts
// towards completion and credit like anyone's.
func admit(ctx context.Context, tx *store.Tx, actor audit.Actor, p Place, personID int64) error {
	var status string
	err := tx.QueryRow(ctx, `SELECT status FROM enrolments WHERE activity_id = ? AND person_id = ?`, p.Activity.ID, personID).Scan(&status)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("checkin: enrolment: %w", err)
	}
	if err == nil && status != "withdrawn" && status != "waitlisted" {
		return nil
	}
	if p.Settings.EnrolmentRequired {
		return validate.Field("person_id", "error.checkin_not_enrolled")
	}
	now := store.Now()
	if errors.Is(err, sql.ErrNoRows) {
		_, err = tx.Exec(ctx, `INSERT INTO enrolments (activity_id, person_id, role, status, created_at, updated_at)
			VALUES (?, ?, 'participant', 'enrolled', ?, ?) ON CONFLICT (activity_id, person_id) DO NOTHING`, p.Activity.ID, personID, now, now)
	} else {
		_, err = tx.Exec(ctx, `UPDATE enrolments SET status = 'enrolled', updated_at = ? WHERE activity_id = ? AND person_id = ?`,
			now, p.Activity.ID, personID)
	}
	if store.IsForeignKeyViolation(err) {
		return validate.Field("person_id", "error.not_found")
	}
	if err != nil {
		return fmt.Errorf("checkin: walk-in enrolment: %w", err)
	}
	return audit.Record(ctx, tx, actor, audit.Change{Action: "enrol", Entity: "enrolment", EntityID: p.Activity.ID,
		InstitutionID: p.Activity.InstitutionID, After: map[string]any{"person_id": personID, "walk_in": true, "session_id": p.Session.ID}})
}

// Out checks a person out of a session configured for it and records the
// minutes present, which credit then follows.
func Out(ctx context.Context, tx *store.Tx, actor audit.Actor, req Request, now time.Time) (Result, error) {
	p, err := PlaceOf(ctx, tx, req.SessionID)
	if err != nil {
		return Result{}, err
	}
	if !p.Settings.Checkout {
		return Result{}, validate.Field("session_id", "error.checkout_not_enabled")
	}
	existing, err := find(ctx, tx, req.SessionID, req.PersonID)
	if errors.Is(err, sql.ErrNoRows) {
		return Result{}, validate.Field("person_id", "error.checkout_not_checked_in")
	}
	if err != nil {
		return Result{}, err
	}
	if existing.CheckedOutAt != nil {
		existing.Status = AlreadyCheckedOut
		return existing, nil
	}
	if err := p.Open(req.At, now); err != nil {
		return Result{}, err
	}
	at := req.At.UTC().Truncate(time.Microsecond)
	if at.Before(existing.CheckedInAt) {
		return Result{}, validate.Field("at", "error.checkout_before_checkin")
	}
	minutes := PresentMinutes(existing.CheckedInAt, at, p.Session)
	res, err := tx.Exec(ctx, `UPDATE attendance SET checked_out_at = ?, present_minutes = ? WHERE session_id = ? AND person_id = ? AND checked_out_at IS NULL`,
		at, minutes, req.SessionID, req.PersonID)
	if err != nil {
		return Result{}, fmt.Errorf("checkin: check out: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		existing, err := find(ctx, tx, req.SessionID, req.PersonID)
		existing.Status = AlreadyCheckedOut
		return existing, err
	}
	out := existing
	out.Status, out.CheckedOutAt, out.PresentMinutes = CheckedOut, &at, &minutes
	return out, audit.Record(ctx, tx, actor, audit.Change{Action: "check_out", Entity: "attendance", EntityID: req.SessionID,
		InstitutionID: p.Activity.InstitutionID, After: out})
}

// PresentMinutes is the whole minutes between check-in and check-out that
// fall inside the session: arriving early or staying late adds nothing.
func PresentMinutes(in, out time.Time, s session.Session) int {
	from, to := in, out
	if from.Before(s.StartsAt) {
		from = s.StartsAt
	}
	if to.After(s.EndsAt) {
		to = s.EndsAt
	}
	if !to.After(from) {
		return 0
	}
	return int(to.Sub(from) / time.Minute)
}

func find(ctx context.Context, q store.Querier, sessionID, personID int64) (Result, error) {
	r := Result{SessionID: sessionID, PersonID: personID}
	var in, recorded time.Time
	var inNull sql.NullTime
	var out sql.NullTime
	var minutes sql.NullInt64
	err := q.QueryRow(ctx, `SELECT method, recorded_at, checked_in_at, checked_out_at, present_minutes FROM attendance
		WHERE session_id = ? AND person_id = ?`, sessionID, personID).Scan(&r.Method, &recorded, &inNull, &out, &minutes)
	if err != nil {
		return r, err
	}
	in = recorded
	if inNull.Valid {
		in = inNull.Time
	}
	r.CheckedInAt = in.UTC()
	if out.Valid {
		t := out.Time.UTC()
		r.CheckedOutAt = &t
	}
	if minutes.Valid {
		m := int(minutes.Int64)
		r.PresentMinutes = &m
	}
	return r, nil
}

// ErrNotCheckedIn: the person has no attendance at the session.
var ErrNotCheckedIn = errors.New("checkin: not checked in")

// Find returns a person's attendance at a session.
func Find(ctx context.Context, q store.Querier, sessionID, personID int64) (Result, error) {
	r, err := find(ctx, q, sessionID, personID)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotCheckedIn
	}
	if err != nil {
		return r, fmt.Errorf("checkin: find: %w", err)
	}
	r.Status = AlreadyCheckedIn
	if r.CheckedOutAt != nil {
		r.Status = AlreadyCheckedOut
	}
	return r, nil
}
