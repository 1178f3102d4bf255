package series

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// seriesSession loads session id and its series, refusing sessions of other
// kinds of activity.
func seriesSession(ctx context.Context, q store.Querier, id int64) (session.Session, int64, error) {
	s, err := session.Get(ctx, q, id)
	if err != nil {
		return s, 0, err
	}
	a, err := Series(ctx, q, s.ActivityID)
	if errors.Is(err, ErrNotFound) {
		return s, 0, session.ErrNotFound
	}
	return s, a.InstitutionID, err
}

func personExists(ctx context.Context, q store.Querier, id int64) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM people WHERE id = ?`, id).Scan(&n)
	return n > 0, err
}

// SetAttendance adds (present) or removes a person's attendance at a series
// session by hand, with the reason in the audit log. Series are open to the
// staff without enrolment, so no enrolment is asked for. An excuse for the
// session lapses once the person is recorded present.
func SetAttendance(ctx context.Context, tx *store.Tx, actor audit.Actor, sessionID, personID int64, present bool, reason string) error {
	s, inst, err := seriesSession(ctx, tx, sessionID)
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	var es validate.Errors
	if es.Required("reason", reason) {
		es.MaxLen("reason", reason, 500)
	}
	if ok, err := personExists(ctx, tx, personID); err != nil {
		return err
	} else if !ok {
		es.Add("person_id", "error.not_found")
	}
	if present && s.Cancelled {
		es.Add("session_id", "error.session_cancelled")
	}
	if len(es) > 0 {
		return es
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM attendance WHERE session_id = ? AND person_id = ?`, sessionID, personID).Scan(&n); err != nil {
		return fmt.Errorf("series: attendance: %w", err)
	}
	switch {
	case present && n == 0:
		if _, err := tx.Exec(ctx, `INSERT INTO attendance (session_id, person_id, method, recorded_at) VALUES (?, ?, 'manual', ?)`,
			sessionID, personID, store.Now()); err != nil {
			return fmt.Errorf("series: attendance: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM series_excuses WHERE session_id = ? AND person_id = ?`, sessionID, personID); err != nil {
			return fmt.Errorf("series: attendance: %w", err)
		}
	case !present && n > 0:
		if _, err := tx.Exec(ctx, `DELETE FROM attendance WHERE session_id = ? AND person_id = ?`, sessionID, personID); err != nil {
			return fmt.Errorf("series: attendance: %w", err)
		}
	default:
		return nil
	}
	action := "attend"
	if !present {
		action = "unattend"
	}
	return audit.Record(ctx, tx, actor, audit.Change{Action: action, Entity: "attendance", EntityID: sessionID, InstitutionID: inst,
		After: map[string]any{"session_id": sessionID, "person_id": personID, "method": "manual", "reason": reason}})
}

// Excuse records that a person was excused from a session by the office:
// the session leaves their attendance-rate denominator.
func Excuse(ctx context.Context, tx *store.Tx, actor audit.Actor, sessionID, personID int64, reason string) error {
	s, inst, err := seriesSession(ctx, tx, sessionID)
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	var es validate.Errors
	if es.Required("reason", reason) {
		es.MaxLen("reason", reason, 500)
	}
	if ok, err := personExists(ctx, tx, personID); err != nil {
		return err
	} else if !ok {
		es.Add("person_id", "error.not_found")
	}
	if s.Cancelled {
		es.Add("session_id", "error.session_cancelled")
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM attendance WHERE session_id = ? AND person_id = ?`, sessionID, personID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		es.Add("person_id", "error.series_excuse_attended")
	}
	if len(es) > 0 {
		return es
	}
	if _, err := tx.Exec(ctx, `INSERT INTO series_excuses (session_id, person_id, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
		sessionID, personID, reason, actor.Label, store.Now()); err != nil {
		if store.IsUniqueViolation(err) {
			return validate.Field("person_id", "error.duplicate")
		}
		return fmt.Errorf("series: excuse: %w", err)
	}
	return audit.Record(ctx, tx, actor, audit.Change{Action: "excuse", Entity: "series_excuse", EntityID: sessionID, InstitutionID: inst,
		After: map[string]any{"session_id": sessionID, "person_id": personID, "reason": reason}})
}

// Unexcuse withdraws an excuse.
func Unexcuse(ctx context.Context, tx *store.Tx, actor audit.Actor, sessionID, personID int64) error {
	_, inst, err := seriesSession(ctx, tx, sessionID)
	if err != nil {
		return err
	}
	res, err := tx.Exec(ctx, `DELETE FROM series_excuses WHERE session_id = ? AND person_id = ?`, sessionID, personID)
	if err != nil {
		return fmt.Errorf("series: unexcuse: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return audit.Record(ctx, tx, actor, audit.Change{Action: "unexcuse", Entity: "series_excuse", EntityID: sessionID, InstitutionID: inst,
		Before: map[string]any{"session_id": sessionID, "person_id": personID}})
}

// Attendee is someone recorded at a session.
type Attendee struct {
	PersonID int64  `json:"person_id"`
	NameZH   string `json:"name_zh"`
	NameEN   string `json:"name_en"`
	Method   string `json:"method"`
}

// Attendees lists the people recorded at session id by name.
func Attendees(ctx context.Context, q store.Querier, id int64) ([]Attendee, error) {
	return store.QueryAll(ctx, q, func(r store.Scanner) (Attendee, error) {
		var a Attendee
		return a, r.Scan(&a.PersonID, &a.NameZH, &a.NameEN, &a.Method)
	}, `SELECT p.id, p.name_zh, p.name_en, a.method FROM attendance a JOIN people p ON p.id = a.person_id
		WHERE a.session_id = ? ORDER BY p.sort_key, p.id`, id)
}
