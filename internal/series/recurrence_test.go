package series

import (
	"strings"
	"testing"
	"time"
)

func days(os []Occurrence) string {
	var out []string
	for _, o := range os {
		out = append(out, o.Day)
	}
	return strings.Join(out, " ")
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestOccurrences(t *testing.T) {
	sh := mustZone(t, "Asia/Shanghai")
	date := func(s string) time.Time {
		d, err := time.ParseInLocation(time.DateOnly, s, sh)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	cases := []struct {
		name     string
		rule     Rule
		from, to string
		skip     map[string]bool
		want     string
	}{
		{"weekly Thursday", Rule{Frequency: "weekly", Weekday: time.Thursday, Anchor: date("2019-01-01")}, "2019-01-01", "2019-01-31", nil,
			"2019-01-03 2019-01-10 2019-01-17 2019-01-24 2019-01-31"},
		{"holidays skipped", Rule{Frequency: "weekly", Weekday: time.Thursday, Anchor: date("2019-01-01")}, "2019-01-01", "2019-01-31",
			map[string]bool{"2019-01-10": true, "2019-01-24": true}, "2019-01-03 2019-01-17 2019-01-31"},
		{"range before anchor starts at anchor", Rule{Frequency: "weekly", Weekday: time.Monday, Anchor: date("2019-01-15")}, "2019-01-01",
			"2019-01-31", nil, "2019-01-21 2019-01-28"},
		{"biweekly from anchor", Rule{Frequency: "biweekly", Weekday: time.Tuesday, Anchor: date("2019-01-01")}, "2019-01-01", "2019-02-28",
			nil, "2019-01-01 2019-01-15 2019-01-29 2019-02-12 2019-02-26"},
		// Asked for from the middle, every other week keeps the anchor's phase.
		{"biweekly phase kept mid-range", Rule{Frequency: "biweekly", Weekday: time.Tuesday, Anchor: date("2019-01-01")}, "2019-01-09",
			"2019-02-13", nil, "2019-01-15 2019-01-29 2019-02-12"},
		{"monthly second Wednesday", Rule{Frequency: "monthly", Weekday: time.Wednesday, Nth: 2, Anchor: date("2019-01-01")}, "2019-01-01",
			"2019-04-30", nil, "2019-01-09 2019-02-13 2019-03-13 2019-04-10"},
		{"monthly last Friday", Rule{Frequency: "monthly", Weekday: time.Friday, Nth: -1, Anchor: date("2019-01-01")}, "2019-01-01",
			"2019-03-31", nil, "2019-01-25 2019-02-22 2019-03-29"},
		// A fifth Thursday exists only in some months.
		{"monthly fifth Thursday", Rule{Frequency: "monthly", Weekday: time.Thursday, Nth: 5, Anchor: date("2019-01-01")}, "2019-01-01",
			"2019-06-30", nil, "2019-01-31 2019-05-30"},
		{"monthly first Monday after anchor mid-month", Rule{Frequency: "monthly", Weekday: time.Monday, Nth: 1, Anchor: date("2019-01-10")},
			"2019-01-01", "2019-03-31", nil, "2019-02-04 2019-03-04"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.rule.Zone, c.rule.Hour, c.rule.Minute, c.rule.Minutes = sh, 16, 30, 90
			got := days(c.rule.Occurrences(date(c.from), date(c.to), c.skip))
			if got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

// TestOccurrencesKeepLocalTime: Asia/Shanghai has no daylight saving, so a
// 16:30 lecture is 08:30 UTC all year; in New York the local time stays
// 16:30 and the UTC time moves by an hour across the March change.
func TestOccurrencesKeepLocalTime(t *testing.T) {
	for _, c := range []struct {
		zone          string
		before, after string // UTC start on 2019-03-07 and 2019-03-14
	}{
		{"Asia/Shanghai", "2019-03-07T08:30:00Z", "2019-03-14T08:30:00Z"},
		{"America/New_York", "2019-03-07T21:30:00Z", "2019-03-14T20:30:00Z"},
	} {
		t.Run(c.zone, func(t *testing.T) {
			loc := mustZone(t, c.zone)
			r := Rule{Frequency: "weekly", Weekday: time.Thursday, Hour: 16, Minute: 30, Minutes: 90, Zone: loc,
				Anchor: time.Date(2019, 1, 1, 0, 0, 0, 0, loc)}
			os := r.Occurrences(time.Date(2019, 3, 1, 0, 0, 0, 0, loc), time.Date(2019, 3, 15, 0, 0, 0, 0, loc), nil)
			if len(os) != 2 {
				t.Fatalf("got %d occurrences, want 2", len(os))
			}
			if got := os[0].StartsAt.Format(time.RFC3339); got != c.before {
				t.Errorf("before the change: got %s, want %s", got, c.before)
			}
			if got := os[1].StartsAt.Format(time.RFC3339); got != c.after {
				t.Errorf("after the change: got %s, want %s", got, c.after)
			}
			for _, o := range os {
				if local := o.StartsAt.In(loc).Format("15:04"); local != "16:30" {
					t.Errorf("%s: local start %s, want 16:30", o.Day, local)
				}
				if d := o.EndsAt.Sub(o.StartsAt); d != 90*time.Minute {
					t.Errorf("%s: lasts %s, want 1h30m", o.Day, d)
				}
			}
		})
	}
}

// TestOccurrencesAcrossFallBack: the weekly step counts calendar days, so
// a 25-hour day does not shift the weekday.
func TestOccurrencesAcrossFallBack(t *testing.T) {
	loc := mustZone(t, "Europe/Berlin")
	r := Rule{Frequency: "biweekly", Weekday: time.Monday, Hour: 0, Minute: 15, Minutes: 60, Zone: loc,
		Anchor: time.Date(2019, 10, 14, 0, 0, 0, 0, loc)}
	got := days(r.Occurrences(time.Date(2019, 11, 1, 0, 0, 0, 0, loc), time.Date(2019, 11, 30, 0, 0, 0, 0, loc), nil))
	if want := "2019-11-11 2019-11-25"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
