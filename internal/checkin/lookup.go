package checkin

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/meded/meded/internal/store"
)

// SessionsForCode finds the sessions open at now whose current or previous
// code is code, so a learner types six digits and nothing else. Two open
// sessions sharing a code at once is rare (one in a million per pair);
// the caller asks the learner to choose when it happens.
func SessionsForCode(ctx context.Context, q store.Querier, key []byte, code string, now time.Time) ([]Place, error) {
	code = NormalizeCode(code)
	if len(code) != 6 {
		return nil, nil
	}
	// Candidates: sessions whose widest possible window holds now.
	span := time.Duration(MaxWindowMin) * time.Minute
	ids, err := store.QueryAll(ctx, q, func(s store.Scanner) (int64, error) {
		var id int64
		return id, s.Scan(&id)
	}, `SELECT id FROM cme_sessions WHERE starts_at <= ? AND ends_at >= ? AND cancelled = ? ORDER BY starts_at, id`,
		now.Add(span).UTC(), now.Add(-span).UTC(), false)
	if err != nil {
		return nil, fmt.Errorf("checkin: open sessions: %w", err)
	}
	var out []Place
	for _, id := range ids {
		st, err := SettingsOf(ctx, q, id)
		if err != nil {
			return nil, err
		}
		if !CodeMatches(key, id, code, now, st.StepSeconds) {
			continue
		}
		p, err := PlaceOf(ctx, q, id)
		if err != nil {
			return nil, err
		}
		if p.Open(now, now) == nil {
			out = append(out, p)
		}
	}
	return out, nil
}

// Entry is one line of a session's attendance list.
type Entry struct {
	PersonID       int64      `json:"person_id"`
	Name           string     `json:"name"`
	StaffNumber    string     `json:"staff_number"`
	Method         string     `json:"method"`
	CheckedInAt    time.Time  `json:"checked_in_at"`
	CheckedOutAt   *time.Time `json:"checked_out_at,omitempty"`
	PresentMinutes *int       `json:"present_minutes,omitempty"`
}

// Count is the number of people checked in to a session.
func Count(ctx context.Context, q store.Querier, sessionID int64) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM attendance WHERE session_id = ?`, sessionID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("checkin: count: %w", err)
	}
	return n, nil
}

// List is a session's attendance in order of arrival.
func List(ctx context.Context, q store.Querier, sessionID int64) ([]Entry, error) {
	return store.QueryAll(ctx, q, func(s store.Scanner) (Entry, error) {
		var e Entry
		var zh, en string
		var staff sql.NullString
		var recorded time.Time
		var in, out sql.NullTime
		var minutes sql.NullInt64
		err := s.Scan(&e.PersonID, &zh, &en, &staff, &e.Method, &recorded, &in, &out, &minutes)
		e.Name, e.StaffNumber = zh, staff.String
		if e.Name == "" {
			e.Name = en
		}
		e.CheckedInAt = recorded.UTC()
		if in.Valid {
			e.CheckedInAt = in.Time.UTC()
		}
		if out.Valid {
			t := out.Time.UTC()
			e.CheckedOutAt = &t
		}
		if minutes.Valid {
			m := int(minutes.Int64)
			e.PresentMinutes = &m
		}
		return e, err
	}, `SELECT p.id, p.name_zh, p.name_en, p.staff_number, a.method, a.recorded_at, a.checked_in_at, a.checked_out_at, a.present_minutes
		FROM attendance a JOIN people p ON p.id = a.person_id
		WHERE a.session_id = ? ORDER BY COALESCE(a.checked_in_at, a.recorded_at), a.id`, sessionID)
}
