package series

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/meded/meded/internal/store"
)

// SessionFigure is one session of the year and its attendance.
type SessionFigure struct {
	SessionID int64     `json:"session_id"`
	StartsAt  time.Time `json:"starts_at"`
	Topic     string    `json:"topic"`
	Format    string    `json:"format"`
	Cancelled bool      `json:"cancelled"`
	Held      bool      `json:"held"` // not cancelled and already begun
	Attendees int       `json:"attendees"`
}

// Group is the attendance of one department or person category.
type Group struct {
	Key         string `json:"key"` // department id, or category
	NameZH      string `json:"name_zh,omitempty"`
	NameEN      string `json:"name_en,omitempty"`
	Attendances int    `json:"attendances"`
	People      int    `json:"people"`
}

// Name is the group's name in lang, or its key.
func (g Group) Name(lang string) string {
	if lang == "en" && g.NameEN != "" || g.NameZH == "" && g.NameEN != "" {
		return g.NameEN
	}
	if g.NameZH != "" {
		return g.NameZH
	}
	return g.Key
}

// Figures are a series' numbers for one calendar year (in the series' zone).
type Figures struct {
	ActivityID int64 `json:"activity_id"`
	Year       int   `json:"year"`
	// Held counts sessions not cancelled that have begun; Upcoming the rest
	// not cancelled; Cancelled the cancelled ones.
	Held      int `json:"held"`
	Upcoming  int `json:"upcoming"`
	Cancelled int `json:"cancelled"`
	// Attendances counts attendance rows of held sessions; Distinct the
	// people behind them.
	Attendances  int             `json:"attendances"`
	Distinct     int             `json:"distinct_attendees"`
	PerSession   []SessionFigure `json:"sessions"`
	ByDepartment []Group         `json:"by_department"`
	ByCategory   []Group         `json:"by_category"`
}

// AveragePerSession is attendances per held session to one decimal, "80.0".
func (f Figures) AveragePerSession() string {
	if f.Held == 0 {
		return "0"
	}
	tenths := (f.Attendances*10*2 + f.Held) / (2 * f.Held)
	return fmt.Sprintf("%d.%d", tenths/10, tenths%10)
}

// yearRange is [1 January, 1 January next year) of year in the series' zone, in UTC.
func yearRange(ctx context.Context, q store.Querier, id int64, year int) (time.Time, time.Time) {
	loc := zoneOf(ctx, q, id)
	return time.Date(year, 1, 1, 0, 0, 0, 0, loc).UTC(), time.Date(year+1, 1, 1, 0, 0, 0, 0, loc).UTC()
}

// YearFigures computes the figures of series id for year from its sessions
// and attendance rows, as of now.
func YearFigures(ctx context.Context, q store.Querier, id int64, year int, now time.Time) (Figures, error) {
	f := Figures{ActivityID: id, Year: year, PerSession: []SessionFigure{}, ByDepartment: []Group{}, ByCategory: []Group{}}
	if _, err := Series(ctx, q, id); err != nil {
		return f, err
	}
	from, to := yearRange(ctx, q, id, year)
	sessions, err := store.QueryAll(ctx, q, func(r store.Scanner) (SessionFigure, error) {
		var s SessionFigure
		err := r.Scan(&s.SessionID, &s.StartsAt, &s.Topic, &s.Format, &s.Cancelled, &s.Attendees)
		s.StartsAt = s.StartsAt.UTC()
		s.Held = !s.Cancelled && !s.StartsAt.After(now)
		return s, err
	}, `SELECT s.id, s.starts_at, s.topic, s.format, s.cancelled, (SELECT COUNT(*) FROM attendance a WHERE a.session_id = s.id)
		FROM cme_sessions s WHERE s.activity_id = ? AND s.starts_at >= ? AND s.starts_at < ? ORDER BY s.starts_at, s.id`, id, from, to)
	if err != nil {
		return f, fmt.Errorf("series %d: figures: %w", id, err)
	}
	held := map[int64]bool{}
	for _, s := range sessions {
		switch {
		case s.Cancelled:
			f.Cancelled++
		case s.Held:
			f.Held++
			held[s.SessionID] = true
		default:
			f.Upcoming++
		}
	}
	f.PerSession = sessions
	if f.PerSession == nil {
		f.PerSession = []SessionFigure{}
	}
	type row struct {
		session, person int64
		dept            *int64
		deptZH, deptEN  *string
		category        string
	}
	rows, err := store.QueryAll(ctx, q, func(r store.Scanner) (row, error) {
		var x row
		return x, r.Scan(&x.session, &x.person, &x.dept, &x.deptZH, &x.deptEN, &x.category)
	}, `SELECT a.session_id, a.person_id, p.department_id, d.name_zh, d.name_en, p.category
		FROM attendance a JOIN cme_sessions s ON s.id = a.session_id JOIN people p ON p.id = a.person_id
		LEFT JOIN departments d ON d.id = p.department_id
		WHERE s.activity_id = ? AND s.starts_at >= ? AND s.starts_at < ?`, id, from, to)
	if err != nil {
		return f, fmt.Errorf("series %d: figures: %w", id, err)
	}
	people := map[int64]bool{}
	depts, cats := map[string]*Group{}, map[string]*Group{}
	deptPeople, catPeople := map[string]map[int64]bool{}, map[string]map[int64]bool{}
	bump := func(groups map[string]*Group, members map[string]map[int64]bool, key string, person int64, g Group) {
		if groups[key] == nil {
			g.Key = key
			groups[key] = &g
			members[key] = map[int64]bool{}
		}
		groups[key].Attendances++
		if !members[key][person] {
			members[key][person] = true
			groups[key].People++
		}
	}
	for _, x := range rows {
		if !held[x.session] {
			continue
		}
		f.Attendances++
		people[x.person] = true
		dk, dg := "", Group{}
		if x.dept != nil {
			dk = fmt.Sprint(*x.dept)
			dg.NameZH, dg.NameEN = deref(x.deptZH), deref(x.deptEN)
		}
		bump(depts, deptPeople, dk, x.person, dg)
		bump(cats, catPeople, x.category, x.person, Group{})
	}
	f.Distinct = len(people)
	f.ByDepartment, f.ByCategory = sorted(depts), sorted(cats)
	return f, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// sorted lists groups by attendances, most first, then by key.
func sorted(m map[string]*Group) []Group {
	out := make([]Group, 0, len(m))
	for _, g := range m {
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Attendances != out[j].Attendances {
			return out[i].Attendances > out[j].Attendances
		}
		return out[i].Key < out[j].Key
	})
	return out
}

func zoneOf(ctx context.Context, q store.Querier, id int64) *time.Location {
	var zone string
	if err := q.QueryRow(ctx, `SELECT zone FROM series_schedules WHERE activity_id = ?`, id).Scan(&zone); err == nil {
		if loc, err := time.LoadLocation(zone); err == nil {
			return loc
		}
	}
	return activityZone
}
