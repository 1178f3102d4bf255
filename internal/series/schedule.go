// Package series runs regularly scheduled lectures: a series is an activity
// of kind series with a recurrence rule; its sessions are generated from the
// rule for a term or year, moved or cancelled one by one, credited per
// session by the rule set, and counted in yearly figures and attendance
// rates.
package series

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

var (
	// ErrNotFound: the activity is not a series, or has no schedule yet.
	ErrNotFound = errors.New("series: not found")
)

// DefaultCreditDelay is how long after a session ends its check-in window
// closes and its credits post, unless the series says otherwise.
const DefaultCreditDelay = 15 * time.Minute

// Schedule is a series' rule and the defaults its generated sessions take.
type Schedule struct {
	ActivityID  int64  `json:"activity_id"`
	Frequency   string `json:"frequency"`
	Weekday     int    `json:"weekday"` // 0 Sunday … 6 Saturday
	Nth         int    `json:"nth"`     // monthly: 1–5, or -1 for the last
	StartTime   string `json:"start_time"`
	Minutes     int    `json:"minutes"`
	Zone        string `json:"zone"`
	AnchorDate  string `json:"anchor_date"`
	Format      string `json:"format"`
	Venue       string `json:"venue"`
	ExpectedPct int    `json:"expected_pct"` // share of sessions a learner is expected to attend
	// CreditDelayMinutes after a session's end its credits post.
	CreditDelayMinutes int `json:"credit_delay_minutes"`
}

// Rule is the schedule as a recurrence rule.
func (s Schedule) Rule() (Rule, error) {
	loc, err := time.LoadLocation(s.Zone)
	if err != nil {
		return Rule{}, fmt.Errorf("series %d: zone %q: %w", s.ActivityID, s.Zone, err)
	}
	anchor, err := time.ParseInLocation(time.DateOnly, s.AnchorDate, loc)
	if err != nil {
		return Rule{}, fmt.Errorf("series %d: anchor date: %w", s.ActivityID, err)
	}
	h, m, _ := parseClock(s.StartTime)
	return Rule{Frequency: s.Frequency, Weekday: time.Weekday(s.Weekday), Nth: s.Nth, Hour: h, Minute: m,
		Minutes: s.Minutes, Zone: loc, Anchor: anchor}, nil
}

// CreditDelay is the schedule's delay as a duration.
func (s Schedule) CreditDelay() time.Duration {
	return time.Duration(s.CreditDelayMinutes) * time.Minute
}

func parseClock(s string) (int, int, bool) {
	hs, ms, ok := strings.Cut(strings.TrimSpace(s), ":")
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if !ok || err1 != nil || err2 != nil || len(ms) != 2 || h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, 0, false
	}
	return h, m, true
}

func (s *Schedule) check() validate.Errors {
	var es validate.Errors
	s.Frequency, s.Zone, s.Format = strings.TrimSpace(s.Frequency), strings.TrimSpace(s.Zone), strings.TrimSpace(s.Format)
	s.Venue, s.StartTime, s.AnchorDate = strings.TrimSpace(s.Venue), strings.TrimSpace(s.StartTime), strings.TrimSpace(s.AnchorDate)
	es.OneOf("frequency", s.Frequency, Frequencies)
	if s.Weekday < 0 || s.Weekday > 6 {
		es.Add("weekday", "error.out_of_range", 0, 6)
	}
	if s.Frequency == "monthly" && (s.Nth == 0 || s.Nth < -1 || s.Nth > 5) {
		es.Add("nth", "error.series_nth")
	}
	if s.Frequency != "monthly" {
		s.Nth = 0
	}
	if _, _, ok := parseClock(s.StartTime); !ok {
		es.Add("start_time", "error.series_time")
	}
	if s.Minutes < 5 || s.Minutes > 12*60 {
		es.Add("minutes", "error.out_of_range", 5, 12*60)
	}
	if _, err := time.LoadLocation(s.Zone); err != nil || s.Zone == "" || s.Zone == "Local" {
		es.Add("zone", "error.series_zone")
	}
	if !activity.ValidDate(s.AnchorDate) {
		es.Add("anchor_date", "error.date")
	}
	es.OneOf("format", s.Format, session.Formats)
	es.MaxLen("venue", s.Venue, 200)
	if s.Venue == "" {
		es.Add("venue", "error.required")
	}
	if s.ExpectedPct < 0 || s.ExpectedPct > 100 {
		es.Add("expected_pct", "error.out_of_range", 0, 100)
	}
	if s.CreditDelayMinutes < 0 || s.CreditDelayMinutes > 7*24*60 {
		es.Add("credit_delay_minutes", "error.out_of_range", 0, 7*24*60)
	}
	return es
}

// Series loads activity id and checks it is a series.
func Series(ctx context.Context, q store.Querier, id int64) (activity.Activity, error) {
	a, err := activity.Get(ctx, q, id)
	if errors.Is(err, activity.ErrNotFound) || err == nil && a.Kind != "series" {
		return activity.Activity{}, ErrNotFound
	}
	return a, err
}

// Save sets the schedule of series id. Sessions already generated keep their
// times; generating again adds the occurrences the new rule calls for.
func Save(ctx context.Context, tx *store.Tx, actor audit.Actor, in Schedule) (Schedule, error) {
	a, err := activity.Lock(ctx, tx, in.ActivityID)
	if errors.Is(err, activity.ErrNotFound) || err == nil && a.Kind != "series" {
		return Schedule{}, ErrNotFound
	}
	if err != nil {
		return Schedule{}, err
	}
	if es := in.check(); len(es) > 0 {
		return Schedule{}, es
	}
	before, err := Get(ctx, tx, a.ID)
	existed := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Schedule{}, err
	}
	now := store.Now()
	if existed {
		_, err = tx.Exec(ctx, `UPDATE series_schedules SET frequency = ?, weekday = ?, nth = ?, start_time = ?, minutes = ?, zone = ?,
			anchor_date = ?, format = ?, venue = ?, expected_pct = ?, credit_delay_minutes = ?, updated_at = ? WHERE activity_id = ?`,
			in.Frequency, in.Weekday, in.Nth, in.StartTime, in.Minutes, in.Zone, in.AnchorDate, in.Format, in.Venue, in.ExpectedPct,
			in.CreditDelayMinutes, now, a.ID)
	} else {
		_, err = tx.Exec(ctx, `INSERT INTO series_schedules (activity_id, frequency, weekday, nth, start_time, minutes, zone, anchor_date,
			format, venue, expected_pct, credit_delay_minutes, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, in.Frequency, in.Weekday, in.Nth, in.StartTime, in.Minutes, in.Zone, in.AnchorDate, in.Format, in.Venue, in.ExpectedPct,
			in.CreditDelayMinutes, now)
	}
	if err != nil {
		return Schedule{}, fmt.Errorf("series %d: save schedule: %w", a.ID, err)
	}
	c := audit.Change{Action: "schedule", Entity: "series", EntityID: a.ID, InstitutionID: a.InstitutionID, After: in}
	if existed {
		c.Before = before
	}
	return in, audit.Record(ctx, tx, actor, c)
}

// Get returns the schedule of series id.
func Get(ctx context.Context, q store.Querier, id int64) (Schedule, error) {
	s := Schedule{ActivityID: id}
	err := q.QueryRow(ctx, `SELECT frequency, weekday, nth, start_time, minutes, zone, anchor_date, format, venue, expected_pct,
		credit_delay_minutes FROM series_schedules WHERE activity_id = ?`, id).Scan(&s.Frequency, &s.Weekday, &s.Nth, &s.StartTime,
		&s.Minutes, &s.Zone, &s.AnchorDate, &s.Format, &s.Venue, &s.ExpectedPct, &s.CreditDelayMinutes)
	if errors.Is(err, sql.ErrNoRows) {
		return Schedule{}, ErrNotFound
	}
	if err != nil {
		return Schedule{}, fmt.Errorf("series %d: schedule: %w", id, err)
	}
	return s, nil
}
