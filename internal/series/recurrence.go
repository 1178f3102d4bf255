package series

import (
	"time"
)

// Frequencies a series repeats at.
var Frequencies = []string{"weekly", "biweekly", "monthly"}

// Rule is when a series meets: a weekday at a local time, every week, every
// other week counted from Anchor, or on the nth weekday of each month
// (Nth -1 is the last one).
type Rule struct {
	Frequency string
	Weekday   time.Weekday
	Nth       int
	Hour      int
	Minute    int
	Minutes   int // how long each session lasts
	Zone      *time.Location
	Anchor    time.Time // a date (midnight in Zone) the rule starts from
}

// Occurrence is one meeting the rule calls for.
type Occurrence struct {
	Day      string // local date, "2019-01-03"
	StartsAt time.Time
	EndsAt   time.Time
}

// Occurrences lists the meetings on local days from..to (inclusive, dates
// in the rule's zone), leaving out the days in skip. Times are computed in
// the zone, so a 16:30 lecture stays at 16:30 across a daylight-saving
// change and its UTC time moves instead.
func (r Rule) Occurrences(from, to time.Time, skip map[string]bool) []Occurrence {
	from = day(from, r.Zone)
	to = day(to, r.Zone)
	if from.Before(r.Anchor) {
		from = r.Anchor
	}
	var out []Occurrence
	add := func(d time.Time) {
		key := d.Format(time.DateOnly)
		if skip[key] || d.Before(from) || d.After(to) {
			return
		}
		start := time.Date(d.Year(), d.Month(), d.Day(), r.Hour, r.Minute, 0, 0, r.Zone)
		out = append(out, Occurrence{Day: key, StartsAt: start.UTC(), EndsAt: start.Add(time.Duration(r.Minutes) * time.Minute).UTC()})
	}
	switch r.Frequency {
	case "monthly":
		for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, r.Zone); !m.After(to); m = m.AddDate(0, 1, 0) {
			if d, ok := nthWeekday(m, r.Weekday, r.Nth); ok {
				add(d)
			}
		}
	default:
		step := 7
		if r.Frequency == "biweekly" {
			step = 14
		}
		// The first meeting on or after the anchor, then whole steps from it,
		// so every other week stays in phase whatever range is asked for.
		first := r.Anchor.AddDate(0, 0, (int(r.Weekday)-int(r.Anchor.Weekday())+7)%7)
		d := first
		if from.After(first) {
			steps := daysBetween(first, from) / step
			d = first.AddDate(0, 0, steps*step)
		}
		for ; !d.After(to); d = d.AddDate(0, 0, step) {
			add(d)
		}
	}
	return out
}

// nthWeekday is the nth (1..5, or -1 for the last) weekday of month m.
func nthWeekday(m time.Time, wd time.Weekday, nth int) (time.Time, bool) {
	if nth < 0 {
		last := m.AddDate(0, 1, -1)
		return last.AddDate(0, 0, -((int(last.Weekday()) - int(wd) + 7) % 7)), true
	}
	d := m.AddDate(0, 0, (int(wd)-int(m.Weekday())+7)%7+7*(nth-1))
	return d, d.Month() == m.Month()
}

func day(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// daysBetween counts calendar days, immune to 23- and 25-hour days.
func daysBetween(a, b time.Time) int {
	ua := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	ub := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(ub.Sub(ua).Hours() / 24)
}
