package series

import (
	"testing"
	"time"
)

// FuzzRule feeds arbitrary schedule input (as a form or the API would send
// it) through validation and, when accepted, through generation: no panic,
// and every occurrence lies in the range, on the rule's weekday, at its local
// time, in order, never on a skipped day.
func FuzzRule(f *testing.F) {
	f.Add("weekly", 4, 0, "16:30", 90, "Asia/Shanghai", "2019-01-01", "2019-01-01", "2019-12-31")
	f.Add("biweekly", 2, 0, "08:00", 60, "America/New_York", "2019-03-01", "2019-02-01", "2019-11-30")
	f.Add("monthly", 3, -1, "23:45", 30, "Europe/Berlin", "2019-10-01", "2019-10-01", "2020-03-31")
	f.Add("monthly", 0, 5, "00:00", 5, "UTC", "2020-02-29", "2020-01-01", "2020-12-31")
	f.Add("weekly", 9, 0, "7:5", 0, "Local", "2019-13-01", "x", "")
	f.Fuzz(func(t *testing.T, freq string, weekday, nth int, start string, minutes int, zone, anchor, from, to string) {
		s := Schedule{ActivityID: 1, Frequency: freq, Weekday: weekday, Nth: nth, StartTime: start, Minutes: minutes, Zone: zone,
			AnchorDate: anchor, Format: "lecture", Venue: "hall", CreditDelayMinutes: 15}
		if es := s.check(); len(es) > 0 {
			return
		}
		r, err := s.Rule()
		if err != nil {
			t.Fatalf("accepted schedule has no rule: %v", err)
		}
		f, err1 := time.ParseInLocation(time.DateOnly, from, r.Zone)
		e, err2 := time.ParseInLocation(time.DateOnly, to, r.Zone)
		if err1 != nil || err2 != nil || e.Sub(f) > 3*366*24*time.Hour {
			return
		}
		skip := map[string]bool{f.AddDate(0, 0, 14).Format(time.DateOnly): true}
		var last time.Time
		for _, o := range r.Occurrences(f, e, skip) {
			local := o.StartsAt.In(r.Zone)
			if o.Day < from || o.Day > to || skip[o.Day] || local.Format(time.DateOnly) != o.Day && !gap(local, r) {
				t.Fatalf("occurrence %s (%s) outside %s..%s or skipped", o.Day, local, from, to)
			}
			if local.Weekday() != r.Weekday && !gap(local, r) {
				t.Fatalf("occurrence %s on %s, want %s", o.Day, local.Weekday(), r.Weekday)
			}
			if !o.StartsAt.After(last) || !o.EndsAt.After(o.StartsAt) {
				t.Fatalf("occurrences out of order at %s", o.Day)
			}
			last = o.StartsAt
		}
	})
}

// gap: a local time that falls in a daylight-saving gap moves, which is
// what time.Date does and what calendar programs expect.
func gap(local time.Time, r Rule) bool { return local.Hour() != r.Hour || local.Minute() != r.Minute }
