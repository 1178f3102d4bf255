// Package attendance records who attended which session (at most once per
// session and person) and shows an activity's attendance as a grid.
package attendance

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/rules"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Methods are the ways attendance is taken (DESIGN §6).
var Methods = []string{"live_code", "kiosk", "manual", "import"}

// Mark is one attendance: a person at a session.
type Mark struct {
	SessionID  int64     `json:"session_id"`
	PersonID   int64     `json:"person_id"`
	Method     string    `json:"method"`
	RecordedAt time.Time `json:"recorded_at"`
}

// Set records (present) or removes (absent) the attendance of a person
// enrolled in the session's activity. Recording twice changes nothing.
func Set(ctx context.Context, tx *store.Tx, actor audit.Actor, sessionID, personID int64, present bool, method string) error {
	var es validate.Errors
	es.OneOf("method", method, Methods)
	if len(es) > 0 {
		return es
	}
	s, err := session.Get(ctx, tx, sessionID)
	if err != nil {
		return err
	}
	if s.Cancelled && present {
		return validate.Field("session_id", "error.session_cancelled")
	}
	var status string
	err = tx.QueryRow(ctx, `SELECT status FROM enrolments WHERE activity_id = ? AND person_id = ?`, s.ActivityID, personID).Scan(&status)
	if err != nil || status == "withdrawn" || status == "waitlisted" {
		return validate.Field("person_id", "error.not_enrolled")
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM attendance WHERE session_id = ? AND person_id = ?`, sessionID, personID).Scan(&n); err != nil {
		return fmt.Errorf("attendance: %w", err)
	}
	switch {
	case present && n == 0:
		_, err = tx.Exec(ctx, `INSERT INTO attendance (session_id, person_id, method, recorded_at) VALUES (?, ?, ?, ?)`,
			sessionID, personID, method, store.Now())
		if store.IsUniqueViolation(err) {
			return nil
		}
	case !present && n > 0:
		_, err = tx.Exec(ctx, `DELETE FROM attendance WHERE session_id = ? AND person_id = ?`, sessionID, personID)
	default:
		return nil
	}
	if err != nil {
		return fmt.Errorf("attendance: set: %w", err)
	}
	action := "attend"
	if !present {
		action = "unattend"
	}
	return audit.Record(ctx, tx, actor, audit.Change{Action: action, Entity: "attendance", EntityID: sessionID,
		After: map[string]any{"session_id": sessionID, "person_id": personID, "method": method}})
}

// Grid is an activity's attendance: Present[personID][sessionID].
type Grid struct {
	Present map[int64]map[int64]bool `json:"present"`
	// Quarters is the hours each person attended in sessions not cancelled.
	Quarters map[int64]int `json:"quarters"`
	// PerSession counts the people present at each session.
	PerSession map[int64]int `json:"per_session"`
}

// Has reports whether person attended session (for templates).
func (g Grid) Has(personID, sessionID int64) bool { return g.Present[personID][sessionID] }

// GridOf builds the grid of an activity. Where a session asks for
// check-out, a person's hours there are the time actually present, rounded
// to quarter hours as the organiser's rule set says and never more than the
// session's planned hours: the minutes recorded at check-out, or from
// check-in to the planned end for someone who never checked out. Marks made
// by hand or imported count the planned hours.
func GridOf(ctx context.Context, q store.Querier, activityID int64) (Grid, error) {
	g := Grid{Present: map[int64]map[int64]bool{}, Quarters: map[int64]int{}, PerSession: map[int64]int{}}
	type mark struct {
		person, session int64
		quarters        int
		cancelled       bool
		checkout        bool
		minutes         sql.NullInt64
		in              sql.NullTime
		start, end      time.Time
	}
	marks, err := store.QueryAll(ctx, q, func(sc store.Scanner) (mark, error) {
		var m mark
		err := sc.Scan(&m.person, &m.session, &m.quarters, &m.cancelled, &m.checkout, &m.minutes, &m.in, &m.start, &m.end)
		return m, err
	}, `SELECT a.person_id, a.session_id, s.quarters, s.cancelled, COALESCE(cs.checkout, ?), a.present_minutes, a.checked_in_at, s.starts_at, s.ends_at
		FROM attendance a JOIN cme_sessions s ON s.id = a.session_id LEFT JOIN checkin_settings cs ON cs.session_id = s.id
		WHERE s.activity_id = ?`, false, activityID)
	if err != nil {
		return g, fmt.Errorf("attendance: grid: %w", err)
	}
	var profile *rules.Profile
	for _, m := range marks {
		if g.Present[m.person] == nil {
			g.Present[m.person] = map[int64]bool{}
		}
		g.Present[m.person][m.session] = true
		if m.cancelled {
			continue
		}
		quarters := m.quarters
		if m.checkout && (m.minutes.Valid || m.in.Valid) {
			if profile == nil {
				p, err := profileOf(ctx, q, activityID)
				if err != nil {
					return g, err
				}
				profile = &p
			}
			minutes := int(m.minutes.Int64)
			if !m.minutes.Valid {
				from := m.in.Time
				if from.Before(m.start) {
					from = m.start
				}
				minutes = max(0, int(m.end.Sub(from)/time.Minute))
			}
			quarters = min(quarters, profile.PresentQuarters(minutes))
		}
		g.Quarters[m.person] += quarters
		g.PerSession[m.session]++
	}
	return g, nil
}

// profileOf is the rule set of the activity's organiser for its credit year.
func profileOf(ctx context.Context, q store.Querier, activityID int64) (rules.Profile, error) {
	a, err := activity.Get(ctx, q, activityID)
	if err != nil {
		return rules.Profile{}, err
	}
	year, err := strconv.Atoi(a.EndDate[:min(4, len(a.EndDate))])
	if err != nil {
		return rules.Profile{}, fmt.Errorf("attendance: activity %d has no end date", a.ID)
	}
	return rules.For(ctx, q, a.InstitutionID, year)
}

// HoursOf is the hours a person attended, as a decimal.
func (g Grid) HoursOf(personID int64) string {
	q := g.Quarters[personID]
	s := fmt.Sprint(q / 4)
	switch q % 4 {
	case 1:
		s += ".25"
	case 2:
		s += ".5"
	case 3:
		s += ".75"
	}
	return s
}
