// Package calendar publishes sessions as iCalendar (RFC 5545) feeds: a
// person's own (sessions of activities they are enrolled in and sessions
// they teach, behind a secret token), a series', and an institution's
// public activities. A session keeps one UID for life; a change raises its
// SEQUENCE, and a cancelled session stays in the feed as STATUS:CANCELLED so
// subscribed calendars remove it.
package calendar

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/meded/meded/internal/store"
)

// Event is one session as a calendar shows it.
type Event struct {
	SessionID  int64
	ActivityID int64
	Kind       string // the activity's kind
	Title      string // the activity's title
	Topic      string
	Format     string
	Venue      string
	OnlineURL  string
	Lecturers  []string
	StartsAt   time.Time
	EndsAt     time.Time
	Cancelled  bool
	Revision   int
	Updated    time.Time
}

// UID is the event's identity across feeds and changes.
func UID(sessionID int64) string { return fmt.Sprintf("session-%d@meded", sessionID) }

// Feed is a named list of events.
type Feed struct {
	Name   string
	Events []Event
	// Link gives the address of the event's page, for URL.
	Link func(e Event) string
	// FormatName names a session format in the reader's language.
	FormatName func(format string) string
}

// Write serializes the feed. Times are written in UTC, so no VTIMEZONE is
// needed and every client places them right.
func (f Feed) Write(w io.Writer) error {
	cal := ics.NewCalendarFor("MedEd")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(f.Name)
	cal.SetXWRCalName(f.Name)
	cal.SetRefreshInterval("PT1H")
	for _, e := range f.Events {
		ev := cal.AddEvent(UID(e.SessionID))
		ev.SetDtStampTime(e.Updated)
		ev.SetLastModifiedAt(e.Updated)
		ev.SetStartAt(e.StartsAt)
		ev.SetEndAt(e.EndsAt)
		ev.SetSequence(e.Revision)
		summary := e.Title
		if e.Topic != "" {
			summary += ": " + e.Topic
		}
		ev.SetSummary(summary)
		if e.Venue != "" {
			ev.SetLocation(e.Venue)
		}
		var desc []string
		if f.FormatName != nil && e.Format != "" {
			desc = append(desc, f.FormatName(e.Format))
		}
		if len(e.Lecturers) > 0 {
			desc = append(desc, strings.Join(e.Lecturers, ", "))
		}
		if e.OnlineURL != "" {
			desc = append(desc, e.OnlineURL)
		}
		if len(desc) > 0 {
			ev.SetDescription(strings.Join(desc, "\n"))
		}
		if f.Link != nil {
			ev.SetURL(f.Link(e))
		}
		if e.Cancelled {
			ev.SetStatus(ics.ObjectStatusCancelled)
		} else {
			ev.SetStatus(ics.ObjectStatusConfirmed)
		}
	}
	return cal.SerializeTo(w)
}

// Horizon is how far back feeds reach: clients keep what they saw, and a
// feed of every session since 1994 would be slow to fetch.
const Horizon = 180 * 24 * time.Hour

// MaxEvents bounds a feed; the oldest sessions of the horizon go first.
const MaxEvents = 2000

const eventColumns = `s.id, s.activity_id, a.kind, a.title_zh, a.title_en, s.topic, s.format, s.venue, s.online_url, s.starts_at, s.ends_at,
	s.cancelled, s.revision, s.updated_at`

// events loads the sessions matching where (over cme_sessions s joined to
// activities a) that end after since, with their lecturers' names.
func events(ctx context.Context, q store.Querier, lang string, since time.Time, where string, args ...any) ([]Event, error) {
	out, err := store.QueryAll(ctx, q, func(r store.Scanner) (Event, error) {
		var e Event
		var zh, en string
		err := r.Scan(&e.SessionID, &e.ActivityID, &e.Kind, &zh, &en, &e.Topic, &e.Format, &e.Venue, &e.OnlineURL, &e.StartsAt, &e.EndsAt,
			&e.Cancelled, &e.Revision, &e.Updated)
		e.Title = pick(lang, zh, en)
		e.StartsAt, e.EndsAt, e.Updated = e.StartsAt.UTC(), e.EndsAt.UTC(), e.Updated.UTC()
		return e, err
	}, `SELECT `+eventColumns+` FROM cme_sessions s JOIN activities a ON a.id = s.activity_id
		WHERE s.ends_at >= ? AND (`+where+`) ORDER BY s.starts_at DESC, s.id DESC LIMIT `+strconv.Itoa(MaxEvents), append([]any{since}, args...)...)
	if err != nil || len(out) == 0 {
		return out, err
	}
	// Newest first kept the sessions to come when the limit bites; clients
	// read them in time order.
	slices.Reverse(out)
	ids := make([]int64, len(out))
	index := map[int64]int{}
	for i, e := range out {
		ids[i], index[e.SessionID] = e.SessionID, i
	}
	type lecturer struct {
		session       int64
		zh, en, guest string
	}
	ls, err := store.QueryAll(ctx, q, func(r store.Scanner) (lecturer, error) {
		var l lecturer
		var zh, en *string
		err := r.Scan(&l.session, &zh, &en, &l.guest)
		if zh != nil {
			l.zh = *zh
		}
		if en != nil {
			l.en = *en
		}
		return l, err
	}, `SELECT l.session_id, p.name_zh, p.name_en, l.guest_name FROM cme_session_lecturers l LEFT JOIN people p ON p.id = l.person_id
		WHERE l.session_id IN (`+store.Marks(len(ids))+`) ORDER BY l.id`, store.Args(ids)...)
	if err != nil {
		return nil, fmt.Errorf("calendar: lecturers: %w", err)
	}
	for _, l := range ls {
		name := l.guest
		if name == "" {
			name = pick(lang, l.zh, l.en)
		}
		out[index[l.session]].Lecturers = append(out[index[l.session]].Lecturers, name)
	}
	return out, nil
}

func pick(lang, zh, en string) string {
	if lang == "en" && en != "" || zh == "" {
		return en
	}
	return zh
}

// PersonEvents are personID's sessions: those of activities they are
// enrolled in (not withdrawn) and those they teach.
func PersonEvents(ctx context.Context, q store.Querier, personID int64, lang string, now time.Time) ([]Event, error) {
	return events(ctx, q, lang, now.Add(-Horizon), `s.activity_id IN (SELECT activity_id FROM enrolments WHERE person_id = ? AND status <> 'withdrawn')
		OR s.id IN (SELECT session_id FROM cme_session_lecturers WHERE person_id = ?)`, personID, personID)
}

// SeriesEvents are the sessions of one activity.
func SeriesEvents(ctx context.Context, q store.Querier, activityID int64, lang string, now time.Time) ([]Event, error) {
	return events(ctx, q, lang, now.Add(-Horizon), `s.activity_id = ?`, activityID)
}

// PublicStatuses are the statuses of activities an institution announces.
var PublicStatuses = []string{"approved", "running", "closed"}

// InstitutionEvents are the sessions of institutionID's announced
// activities (approved, running or closed; never drafts).
func InstitutionEvents(ctx context.Context, q store.Querier, institutionID int64, lang string, now time.Time) ([]Event, error) {
	return events(ctx, q, lang, now.Add(-Horizon), `a.institution_id = ? AND a.status IN (`+store.Marks(len(PublicStatuses))+`)`,
		append([]any{institutionID}, store.Args(PublicStatuses)...)...)
}
