package session

import (
	"context"
	"fmt"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Update changes a session's time, place, format, topic and lecturers (a
// session moved or its speaker named later). Its revision goes up, so
// calendars that already hold it replace their copy.
func Update(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, in Input) (Session, error) {
	before, err := Get(ctx, tx, id)
	if err != nil {
		return Session{}, err
	}
	a, err := activity.Lock(ctx, tx, before.ActivityID)
	if err != nil {
		return Session{}, err
	}
	if a.Status == "closed" || a.Status == "archived" {
		return Session{}, validate.Field("status", "error.activity_not_editable")
	}
	if before.Cancelled {
		return Session{}, validate.Field("session_id", "error.session_cancelled")
	}
	s, es := check(a, &in)
	if len(es) > 0 {
		return Session{}, es
	}
	for _, l := range s.Lecturers {
		if l.PersonID != 0 {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM people WHERE id = ?`, l.PersonID).Scan(&n); err != nil {
				return Session{}, err
			}
			if n == 0 {
				return Session{}, validate.Field("lecturers", "error.not_found")
			}
		}
	}
	s.ID = id
	if _, err := tx.Exec(ctx, `UPDATE cme_sessions SET starts_at = ?, ends_at = ?, venue = ?, online_url = ?, format = ?, quarters = ?,
		topic = ?, revision = revision + 1, updated_at = ? WHERE id = ?`, s.StartsAt, s.EndsAt, s.Venue, s.OnlineURL, s.Format,
		s.Quarters, s.Topic, store.Now(), id); err != nil {
		return Session{}, fmt.Errorf("session %d: update: %w", id, err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM cme_session_lecturers WHERE session_id = ?`, id); err != nil {
		return Session{}, fmt.Errorf("session %d: lecturers: %w", id, err)
	}
	for _, l := range s.Lecturers {
		if _, err := tx.Exec(ctx, `INSERT INTO cme_session_lecturers (session_id, person_id, guest_name, guest_institution, lecturer_key)
			VALUES (?, ?, ?, ?, ?)`, id, nullID(l.PersonID), l.GuestName, l.GuestInstitution, l.Key); err != nil {
			return Session{}, fmt.Errorf("session %d: lecturer: %w", id, err)
		}
	}
	return s, audit.Record(ctx, tx, actor, audit.Change{Action: "update", Entity: "cme_session", EntityID: id,
		InstitutionID: a.InstitutionID, Before: before, After: s})
}

// Revision counts the changes calendars announced for session id.
func Revision(ctx context.Context, q store.Querier, id int64) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT revision FROM cme_sessions WHERE id = ?`, id).Scan(&n)
	return n, err
}
