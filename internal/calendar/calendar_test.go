package calendar_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/calendar"
	"github.com/meded/meded/internal/enrolment"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/series"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

var sys = audit.System("test")

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

type world struct {
	hospital         int64
	lecturer, reader int64
	outsider         int64
	series, draft    int64
	sessions         []session.Session
}

// build makes next year's weekly lecture series (four Thursdays in March),
// the lecturer teaching the first, the reader enrolled; and a draft project
// of the same hospital that no public feed may show.
func build(t *testing.T, db *store.DB) world {
	t.Helper()
	ctx := context.Background()
	year := time.Now().Year() + 1
	var w world
	err := db.InTx(ctx, func(tx *store.Tx) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("%v", r)
			}
		}()
		h := must(institution.Create(ctx, tx, sys, institution.Input{Kind: "affiliated_hospital", NameZH: "附属第一医院", Country: "CN"}))
		w.hospital = h.ID
		mk := func(zh, en string) int64 {
			return must(person.Create(ctx, tx, sys, person.Input{NameZH: zh, NameEN: en, InstitutionID: h.ID})).ID
		}
		d := mk("主任", "Director")
		w.lecturer, w.reader, w.outsider = mk("王讲者", "Wang"), mk("李住院", "Li"), mk("赵其他", "Zhao")
		a := must(activity.Create(ctx, tx, sys, activity.Input{Kind: "series", Level: "institutional", TitleZH: "周四临床讲座",
			TitleEN: "Thursday clinical lecture", InstitutionID: h.ID, DirectorID: d, PlannedHours: "60",
			StartDate: fmt.Sprintf("%d-01-01", year), EndDate: fmt.Sprintf("%d-12-31", year)}))
		must(activity.Transition(ctx, tx, sys, a.ID, "submit", ""))
		must(activity.Approve(ctx, tx, sys, a.ID, activity.Approval{Code: fmt.Sprintf("ZY-%d-001", year)}))
		w.series = a.ID
		must(series.Save(ctx, tx, sys, series.Schedule{ActivityID: a.ID, Frequency: "weekly", Weekday: 4, StartTime: "16:30", Minutes: 90,
			Zone: "Asia/Shanghai", AnchorDate: fmt.Sprintf("%d-01-01", year), Format: "lecture", Venue: "门诊楼报告厅", CreditDelayMinutes: 15}))
		must(series.Generate(ctx, tx, sys, a.ID, fmt.Sprintf("%d-03-01", year), fmt.Sprintf("%d-03-28", year)))
		w.sessions = must(session.List(ctx, tx, a.ID))
		s := w.sessions[0]
		must(session.Update(ctx, tx, sys, s.ID, session.Input{StartsAt: s.StartsAt.Format(time.RFC3339), EndsAt: s.EndsAt.Format(time.RFC3339),
			Venue: s.Venue, Format: "lecture", Hours: "1.5", Topic: "脓毒症", Lecturers: []session.Lecturer{{PersonID: w.lecturer}}}))
		must(enrolment.SelfEnrol(ctx, tx, sys, a.ID, w.reader))
		draft := must(activity.Create(ctx, tx, sys, activity.Input{Level: "institutional", TitleZH: "草稿项目", InstitutionID: h.ID,
			DirectorID: d, PlannedHours: "3", StartDate: fmt.Sprintf("%d-03-01", year), EndDate: fmt.Sprintf("%d-03-01", year)}))
		w.draft = draft.ID
		must(session.Create(ctx, tx, sys, draft.ID, session.Input{StartsAt: fmt.Sprintf("%d-03-01T08:00", year),
			EndsAt: fmt.Sprintf("%d-03-01T11:00", year), Venue: "会议室", Format: "lecture", Hours: "3"}))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// parse writes a feed and reads it back with the iCalendar library.
func parse(t *testing.T, evs []calendar.Event) map[string]*ics.VEvent {
	t.Helper()
	var buf bytes.Buffer
	if err := (calendar.Feed{Name: "test", Events: evs, Link: func(e calendar.Event) string { return fmt.Sprintf("https://meded.example/%s/%d", e.Kind, e.SessionID) },
		FormatName: func(f string) string { return "format " + f }}).Write(&buf); err != nil {
		t.Fatal(err)
	}
	cal, err := ics.ParseCalendar(&buf)
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, buf.String())
	}
	out := map[string]*ics.VEvent{}
	for _, e := range cal.Events() {
		out[e.Id()] = e
	}
	return out
}

func prop(e *ics.VEvent, p ics.ComponentProperty) string {
	if v := e.GetProperty(p); v != nil {
		return v.Value
	}
	return ""
}

func TestFeedsRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := build(t, db)
		ctx := context.Background()
		now := time.Now()
		first := calendar.UID(w.sessions[0].ID)

		mine := parse(t, must(calendar.PersonEvents(ctx, db, w.reader, "zh-CN", now)))
		if len(mine) != 4 {
			t.Fatalf("reader's feed has %d events, want the series' 4", len(mine))
		}
		e := mine[first]
		start := must(e.GetStartAt())
		if !start.Equal(w.sessions[0].StartsAt) || prop(e, ics.ComponentPropertySummary) != "周四临床讲座: 脓毒症" ||
			prop(e, ics.ComponentPropertyLocation) != "门诊楼报告厅" || prop(e, ics.ComponentPropertySequence) != "1" ||
			prop(e, ics.ComponentPropertyStatus) != "CONFIRMED" ||
			prop(e, ics.ComponentPropertyUrl) != fmt.Sprintf("https://meded.example/series/%d", w.sessions[0].ID) || prop(e, ics.ComponentPropertyDescription) != "format lecture\n王讲者" {
			t.Errorf("first event: start %s, summary %q, location %q, sequence %q, status %q, description %q", start,
				prop(e, ics.ComponentPropertySummary), prop(e, ics.ComponentPropertyLocation), prop(e, ics.ComponentPropertySequence),
				prop(e, ics.ComponentPropertyStatus), prop(e, ics.ComponentPropertyDescription))
		}
		if got := parse(t, must(calendar.PersonEvents(ctx, db, w.lecturer, "en", now))); len(got) != 1 ||
			prop(got[first], ics.ComponentPropertySummary) != "Thursday clinical lecture: 脓毒症" {
			t.Errorf("lecturer's feed: %d events", len(got))
		}
		if got := must(calendar.PersonEvents(ctx, db, w.outsider, "zh-CN", now)); len(got) != 0 {
			t.Errorf("outsider's feed has %d events", len(got))
		}
		if got := parse(t, must(calendar.SeriesEvents(ctx, db, w.series, "zh-CN", now))); len(got) != 4 {
			t.Errorf("series feed has %d events", len(got))
		}
		if got := must(calendar.InstitutionEvents(ctx, db, w.hospital, "zh-CN", now)); len(got) != 4 {
			t.Errorf("institution feed has %d events, want 4 (the draft left out)", len(got))
		}

		// Cancelling keeps the UID, marks it cancelled and raises the sequence.
		err := db.InTx(ctx, func(tx *store.Tx) error { _, err := session.Cancel(ctx, tx, sys, w.sessions[0].ID); return err })
		if err != nil {
			t.Fatal(err)
		}
		after := parse(t, must(calendar.SeriesEvents(ctx, db, w.series, "zh-CN", now)))
		if e := after[first]; e == nil || prop(e, ics.ComponentPropertyStatus) != "CANCELLED" || prop(e, ics.ComponentPropertySequence) != "2" {
			t.Errorf("cancelled event: %v", e)
		}
		if e := after[calendar.UID(w.sessions[1].ID)]; prop(e, ics.ComponentPropertySequence) != "0" {
			t.Errorf("untouched event sequence %q, want 0", prop(e, ics.ComponentPropertySequence))
		}
	})
}

func TestTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := build(t, db)
		ctx := context.Background()
		var first, again, reset string
		err := db.InTx(ctx, func(tx *store.Tx) (err error) {
			if first, err = calendar.Token(ctx, tx, w.reader); err != nil {
				return err
			}
			if again, err = calendar.Token(ctx, tx, w.reader); err != nil {
				return err
			}
			reset, err = calendar.Reset(ctx, tx, sys, w.reader)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if first != again || len(first) < 32 || reset == first {
			t.Fatalf("tokens %q %q %q", first, again, reset)
		}
		if id, err := calendar.PersonOf(ctx, db, reset); err != nil || id != w.reader {
			t.Errorf("new token: %d, %v", id, err)
		}
		for _, bad := range []string{first, "", "short", reset + "x"} {
			if _, err := calendar.PersonOf(ctx, db, bad); !errors.Is(err, calendar.ErrNotFound) {
				t.Errorf("token %q: %v, want not found", bad, err)
			}
		}
	})
}
