package series

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Generate adds the sessions the schedule calls for on local days from..to
// (a term or a year), within the activity's dates and leaving out holidays.
// Occurrences generated before — even if since moved or cancelled — are not
// added again, so generating twice changes nothing. It returns the new
// sessions' days.
func Generate(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, from, to string) ([]string, error) {
	a, err := activity.Lock(ctx, tx, id)
	if errors.Is(err, activity.ErrNotFound) || err == nil && a.Kind != "series" {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	var es validate.Errors
	if !activity.ValidDate(from) {
		es.Add("from", "error.date")
	}
	if !activity.ValidDate(to) {
		es.Add("to", "error.date")
	}
	if len(es) == 0 && to < from {
		es.Add("to", "error.end_before_start")
	}
	if len(es) == 0 && (to < a.StartDate || from > a.EndDate) {
		es.Add("from", "error.session_outside_dates", a.StartDate, a.EndDate)
	}
	if a.Status == "closed" || a.Status == "archived" {
		es.Add("status", "error.activity_not_editable")
	}
	if len(es) > 0 {
		return nil, es
	}
	sch, err := Get(ctx, tx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, validate.Field("schedule", "error.series_no_schedule")
	}
	if err != nil {
		return nil, err
	}
	rule, err := sch.Rule()
	if err != nil {
		return nil, err
	}
	from, to = max(from, a.StartDate), min(to, a.EndDate)
	f, _ := time.ParseInLocation(time.DateOnly, from, rule.Zone)
	t, _ := time.ParseInLocation(time.DateOnly, to, rule.Zone)
	skip, err := holidaySet(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	done, err := occurrenceDays(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	for d := range done {
		skip[d] = true
	}
	quarters := sch.Minutes / 15
	if quarters == 0 {
		quarters = 1
	}
	now := store.Now()
	var days []string
	for _, o := range rule.Occurrences(f, t, skip) {
		var sid int64
		if err := tx.QueryRow(ctx, `INSERT INTO cme_sessions (activity_id, starts_at, ends_at, venue, online_url, format, quarters, topic,
			cancelled, created_at, updated_at) VALUES (?, ?, ?, ?, '', ?, ?, '', ?, ?, ?) RETURNING id`,
			id, o.StartsAt, o.EndsAt, sch.Venue, sch.Format, quarters, false, now, now).Scan(&sid); err != nil {
			return nil, fmt.Errorf("series %d: generate %s: %w", id, o.Day, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO series_occurrences (session_id, activity_id, occurs_on) VALUES (?, ?, ?)`,
			sid, id, o.Day); err != nil {
			return nil, fmt.Errorf("series %d: occurrence %s: %w", id, o.Day, err)
		}
		days = append(days, o.Day)
	}
	if len(days) == 0 {
		return nil, nil
	}
	return days, audit.Record(ctx, tx, actor, audit.Change{Action: "generate", Entity: "series", EntityID: id,
		InstitutionID: a.InstitutionID, After: map[string]any{"from": from, "to": to, "days": days}})
}

// Holiday is a day a series does not meet.
type Holiday struct {
	Day  string `json:"day"`
	Note string `json:"note"`
}

// Holidays lists a series' holidays by day.
func Holidays(ctx context.Context, q store.Querier, id int64) ([]Holiday, error) {
	return store.QueryAll(ctx, q, func(r store.Scanner) (Holiday, error) {
		var h Holiday
		return h, r.Scan(&h.Day, &h.Note)
	}, `SELECT day, note FROM series_holidays WHERE activity_id = ? ORDER BY day`, id)
}

func holidaySet(ctx context.Context, q store.Querier, id int64) (map[string]bool, error) {
	hs, err := Holidays(ctx, q, id)
	out := map[string]bool{}
	for _, h := range hs {
		out[h.Day] = true
	}
	return out, err
}

func occurrenceDays(ctx context.Context, q store.Querier, id int64) (map[string]bool, error) {
	days, err := store.QueryAll(ctx, q, func(r store.Scanner) (string, error) {
		var d string
		return d, r.Scan(&d)
	}, `SELECT occurs_on FROM series_occurrences WHERE activity_id = ?`, id)
	out := map[string]bool{}
	for _, d := range days {
		out[d] = true
	}
	return out, err
}

// AddHoliday keeps the series from meeting on day. A session already
// generated for that day is cancelled (calendars show it cancelled); one
// that has attendance is left alone and refused, since it evidently met.
func AddHoliday(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, h Holiday) (int, error) {
	a, err := Series(ctx, tx, id)
	if err != nil {
		return 0, err
	}
	h.Day, h.Note = strings.TrimSpace(h.Day), strings.TrimSpace(h.Note)
	var es validate.Errors
	if !activity.ValidDate(h.Day) {
		es.Add("day", "error.date")
	}
	es.MaxLen("note", h.Note, 200)
	if len(es) > 0 {
		return 0, es
	}
	var sessionIDs []int64
	sessionIDs, err = store.QueryAll(ctx, tx, func(r store.Scanner) (int64, error) {
		var sid int64
		return sid, r.Scan(&sid)
	}, `SELECT o.session_id FROM series_occurrences o JOIN cme_sessions s ON s.id = o.session_id
		WHERE o.activity_id = ? AND o.occurs_on = ? AND s.cancelled = ?`, id, h.Day, false)
	if err != nil {
		return 0, err
	}
	for _, sid := range sessionIDs {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM attendance WHERE session_id = ?`, sid).Scan(&n); err != nil {
			return 0, err
		}
		if n > 0 {
			return 0, validate.Field("day", "error.series_holiday_attended")
		}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO series_holidays (activity_id, day, note, created_at) VALUES (?, ?, ?, ?)`,
		id, h.Day, h.Note, store.Now()); err != nil {
		if store.IsUniqueViolation(err) {
			return 0, validate.Field("day", "error.duplicate")
		}
		return 0, fmt.Errorf("series %d: holiday: %w", id, err)
	}
	for _, sid := range sessionIDs {
		if _, err := session.Cancel(ctx, tx, actor, sid); err != nil {
			return 0, err
		}
	}
	return len(sessionIDs), audit.Record(ctx, tx, actor, audit.Change{Action: "add_holiday", Entity: "series", EntityID: id,
		InstitutionID: a.InstitutionID, After: h})
}

// RemoveHoliday lets the rule meet on day again; generating afterwards adds
// the day's session unless one was generated for it before.
func RemoveHoliday(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, day string) error {
	a, err := Series(ctx, tx, id)
	if err != nil {
		return err
	}
	res, err := tx.Exec(ctx, `DELETE FROM series_holidays WHERE activity_id = ? AND day = ?`, id, day)
	if err != nil {
		return fmt.Errorf("series %d: remove holiday: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return audit.Record(ctx, tx, actor, audit.Change{Action: "remove_holiday", Entity: "series", EntityID: id,
		InstitutionID: a.InstitutionID, Before: Holiday{Day: day}})
}
