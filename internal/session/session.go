// Package session keeps the sessions of an activity: when and where, the
// teaching format, the hours in quarter steps, and the lecturers (staff or
// outside guests with their institution).
package session

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Formats are the teaching formats (DESIGN §6).
var Formats = []string{"lecture", "demonstration", "case_discussion", "cpc", "grand_rounds", "ward_rounds", "journal_club",
	"operation_teaching", "surgical_observation", "on_site_teaching", "discussion_exchange", "site_visit", "online"}

// ErrNotFound: no session with that id.
var ErrNotFound = errors.New("session: not found")

// Session is one teaching session of an activity.
type Session struct {
	ID         int64      `json:"id"`
	ActivityID int64      `json:"activity_id"`
	StartsAt   time.Time  `json:"starts_at"`
	EndsAt     time.Time  `json:"ends_at"`
	Venue      string     `json:"venue"`
	OnlineURL  string     `json:"online_url"`
	Format     string     `json:"format"`
	Quarters   int        `json:"quarters"`
	Topic      string     `json:"topic"`
	Cancelled  bool       `json:"cancelled"`
	Lecturers  []Lecturer `json:"lecturers"`
}

// Lecturer teaches in a session: a person of MedEd or a guest.
type Lecturer struct {
	PersonID         int64  `json:"person_id,omitempty"`
	GuestName        string `json:"guest_name,omitempty"`
	GuestInstitution string `json:"guest_institution,omitempty"`
	Key              string `json:"key"`
}

// KeyOf identifies a lecturer across sessions (declarations use it).
func KeyOf(l Lecturer) string {
	if l.PersonID != 0 {
		return fmt.Sprintf("person:%d", l.PersonID)
	}
	return "guest:" + strings.ToLower(strings.TrimSpace(l.GuestName)) + "|" + strings.ToLower(strings.TrimSpace(l.GuestInstitution))
}

// Input describes a session. Times are local to activity.Zone as
// "2019-05-10T08:30" (form) or RFC 3339 (API).
type Input struct {
	StartsAt  string     `json:"starts_at"`
	EndsAt    string     `json:"ends_at"`
	Venue     string     `json:"venue"`
	OnlineURL string     `json:"online_url"`
	Format    string     `json:"format"`
	Hours     string     `json:"hours"`
	Topic     string     `json:"topic"`
	Lecturers []Lecturer `json:"lecturers"`
}

// ParseTime reads a local or RFC 3339 time.
func ParseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, activity.Zone); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func check(a activity.Activity, in *Input) (Session, validate.Errors) {
	var es validate.Errors
	s := Session{ActivityID: a.ID, Venue: strings.TrimSpace(in.Venue), OnlineURL: strings.TrimSpace(in.OnlineURL),
		Format: strings.TrimSpace(in.Format), Topic: strings.TrimSpace(in.Topic)}
	var ok1, ok2 bool
	if s.StartsAt, ok1 = ParseTime(in.StartsAt); !ok1 {
		es.Add("starts_at", "error.datetime")
	}
	if s.EndsAt, ok2 = ParseTime(in.EndsAt); !ok2 {
		es.Add("ends_at", "error.datetime")
	}
	if ok1 && ok2 {
		if !s.EndsAt.After(s.StartsAt) {
			es.Add("ends_at", "error.end_before_start")
		}
		day1, day2 := s.StartsAt.In(activity.Zone).Format(time.DateOnly), s.EndsAt.In(activity.Zone).Format(time.DateOnly)
		if day1 < a.StartDate || day2 > a.EndDate {
			es.Add("starts_at", "error.session_outside_dates", a.StartDate, a.EndDate)
		}
	}
	es.OneOf("format", s.Format, Formats)
	var ok bool
	if s.Quarters, ok = activity.ParseQuarters(in.Hours); !ok || s.Quarters == 0 {
		es.Add("hours", "error.quarter_hours")
	}
	if s.Venue == "" && s.OnlineURL == "" {
		es.Add("venue", "error.venue_or_link")
	}
	if s.OnlineURL != "" {
		if u, err := url.Parse(s.OnlineURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			es.Add("online_url", "error.url")
		}
	}
	es.MaxLen("venue", s.Venue, 200)
	es.MaxLen("topic", s.Topic, 300)
	seen := map[string]bool{}
	for _, l := range in.Lecturers {
		l.GuestName, l.GuestInstitution = strings.TrimSpace(l.GuestName), strings.TrimSpace(l.GuestInstitution)
		if l.PersonID == 0 && l.GuestName == "" {
			continue
		}
		if l.PersonID == 0 && l.GuestInstitution == "" {
			es.Add("lecturers", "error.guest_institution")
			continue
		}
		if l.PersonID != 0 {
			l.GuestName, l.GuestInstitution = "", ""
		}
		l.Key = KeyOf(l)
		if seen[l.Key] {
			continue
		}
		seen[l.Key] = true
		s.Lecturers = append(s.Lecturers, l)
	}
	return s, es
}

// Create adds a session to an activity that is not yet closed.
func Create(ctx context.Context, tx *store.Tx, actor audit.Actor, activityID int64, in Input) (Session, error) {
	a, err := activity.Lock(ctx, tx, activityID)
	if err != nil {
		return Session{}, err
	}
	if a.Status == "closed" || a.Status == "archived" {
		return Session{}, validate.Field("status", "error.activity_not_editable")
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
	now := store.Now()
	err = tx.QueryRow(ctx, `INSERT INTO cme_sessions (activity_id, starts_at, ends_at, venue, online_url, format, quarters, topic,
		cancelled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		s.ActivityID, s.StartsAt, s.EndsAt, s.Venue, s.OnlineURL, s.Format, s.Quarters, s.Topic, false, now, now).Scan(&s.ID)
	if err != nil {
		return Session{}, fmt.Errorf("session: create: %w", err)
	}
	for _, l := range s.Lecturers {
		if _, err := tx.Exec(ctx, `INSERT INTO cme_session_lecturers (session_id, person_id, guest_name, guest_institution, lecturer_key)
			VALUES (?, ?, ?, ?, ?)`, s.ID, nullID(l.PersonID), l.GuestName, l.GuestInstitution, l.Key); err != nil {
			return Session{}, fmt.Errorf("session %d: lecturer: %w", s.ID, err)
		}
	}
	return s, audit.Record(ctx, tx, actor, audit.Change{Action: "create", Entity: "cme_session", EntityID: s.ID,
		InstitutionID: a.InstitutionID, After: s})
}

// Cancel marks a session cancelled: it no longer counts toward hours.
func Cancel(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64) (Session, error) {
	s, err := Get(ctx, tx, id)
	if err != nil {
		return Session{}, err
	}
	a, err := activity.Lock(ctx, tx, s.ActivityID)
	if err != nil {
		return Session{}, err
	}
	if s.Cancelled {
		return s, nil
	}
	if _, err := tx.Exec(ctx, `UPDATE cme_sessions SET cancelled = ?, revision = revision + 1, updated_at = ? WHERE id = ?`, true, store.Now(), id); err != nil {
		return Session{}, fmt.Errorf("session %d: cancel: %w", id, err)
	}
	before := s
	s.Cancelled = true
	return s, audit.Record(ctx, tx, actor, audit.Change{Action: "cancel", Entity: "cme_session", EntityID: id,
		InstitutionID: a.InstitutionID, Before: before, After: s})
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

const columns = `id, activity_id, starts_at, ends_at, venue, online_url, format, quarters, topic, cancelled`

// Get returns one session with its lecturers.
func Get(ctx context.Context, q store.Querier, id int64) (Session, error) {
	var s Session
	err := q.QueryRow(ctx, `SELECT `+columns+` FROM cme_sessions WHERE id = ?`, id).Scan(&s.ID, &s.ActivityID, &s.StartsAt,
		&s.EndsAt, &s.Venue, &s.OnlineURL, &s.Format, &s.Quarters, &s.Topic, &s.Cancelled)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNotFound
	}
	if err != nil {
		return Session{}, fmt.Errorf("session %d: load: %w", id, err)
	}
	s.StartsAt, s.EndsAt = s.StartsAt.UTC(), s.EndsAt.UTC()
	ls, err := lecturers(ctx, q, `session_id = ?`, id)
	s.Lecturers = ls[id]
	return s, err
}

// List returns an activity's sessions in time order, with lecturers.
func List(ctx context.Context, q store.Querier, activityID int64) ([]Session, error) {
	return list(ctx, q, `activity_id = ?`, activityID, "starts_at, id")
}

// Taught lists the sessions personID lectures at or will, newest first.
func Taught(ctx context.Context, q store.Querier, personID int64, limit int) ([]Session, error) {
	out, err := list(ctx, q, `id IN (SELECT session_id FROM cme_session_lecturers WHERE person_id = ?)`, personID, "starts_at DESC, id DESC")
	return out[:min(len(out), max(limit, 0))], err
}

func list(ctx context.Context, q store.Querier, where string, arg any, order string) ([]Session, error) {
	rows, err := q.Query(ctx, `SELECT `+columns+` FROM cme_sessions WHERE `+where+` ORDER BY `+order, arg)
	if err != nil {
		return nil, fmt.Errorf("session: list: %w", err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var s Session
		if err := rows.Scan(&s.ID, &s.ActivityID, &s.StartsAt, &s.EndsAt, &s.Venue, &s.OnlineURL, &s.Format, &s.Quarters,
			&s.Topic, &s.Cancelled); err != nil {
			return nil, err
		}
		s.StartsAt, s.EndsAt = s.StartsAt.UTC(), s.EndsAt.UTC()
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ls, err := lecturers(ctx, q, `session_id IN (SELECT id FROM cme_sessions WHERE `+where+`)`, arg)
	for i := range out {
		out[i].Lecturers = ls[out[i].ID]
	}
	return out, err
}

func lecturers(ctx context.Context, q store.Querier, where string, arg any) (map[int64][]Lecturer, error) {
	rows, err := q.Query(ctx, `SELECT session_id, person_id, guest_name, guest_institution, lecturer_key
		FROM cme_session_lecturers WHERE `+where+` ORDER BY id`, arg)
	if err != nil {
		return nil, fmt.Errorf("session: lecturers: %w", err)
	}
	defer rows.Close()
	out := map[int64][]Lecturer{}
	for rows.Next() {
		var sid int64
		var pid sql.NullInt64
		var l Lecturer
		if err := rows.Scan(&sid, &pid, &l.GuestName, &l.GuestInstitution, &l.Key); err != nil {
			return nil, err
		}
		l.PersonID = pid.Int64
		out[sid] = append(out[sid], l)
	}
	return out, rows.Err()
}

// HeldQuarters is the sum of the hours of an activity's sessions that were
// not cancelled.
func HeldQuarters(ctx context.Context, q store.Querier, activityID int64) (int, error) {
	var n sql.NullInt64
	err := q.QueryRow(ctx, `SELECT SUM(quarters) FROM cme_sessions WHERE activity_id = ? AND cancelled = ?`, activityID, false).Scan(&n)
	return int(n.Int64), err
}

// Hours is the session's hours as a decimal.
func (s Session) Hours() string { return activity.Hours(s.Quarters) }
