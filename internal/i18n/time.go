package i18n

import (
	"sync"
	"time"
)

// DefaultZone is the zone times are shown in unless an institution says otherwise.
const DefaultZone = "Asia/Shanghai"

var (
	zonesMu sync.Mutex
	zones   = map[string]*time.Location{}
)

// Zone loads a time zone by name, falling back to Asia/Shanghai (and to UTC+8
// when the system has no zone database) so a bad setting never hides times.
func Zone(name string) *time.Location {
	if name == "" {
		name = DefaultZone
	}
	zonesMu.Lock()
	loc, ok := zones[name]
	zonesMu.Unlock()
	if ok {
		return loc
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc, err = time.LoadLocation(DefaultZone)
		if err != nil {
			loc = time.FixedZone("CST", 8*3600)
		}
	}
	zonesMu.Lock()
	zones[name] = loc
	zonesMu.Unlock()
	return loc
}

// FormatTime shows t in loc, in a form that reads naturally in lang.
func FormatTime(t time.Time, loc *time.Location, lang string) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(loc)
	if lang == Chinese {
		return t.Format("2006年1月2日 15:04")
	}
	return t.Format("2 Jan 2006 15:04")
}

// FormatDate shows the date of t in loc.
func FormatDate(t time.Time, loc *time.Location, lang string) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(loc)
	if lang == Chinese {
		return t.Format("2006年1月2日")
	}
	return t.Format("2 Jan 2006")
}
