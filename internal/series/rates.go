package series

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/meded/meded/internal/store"
)

// Rate is one learner's attendance across a series in a year: sessions held
// so far, less those the office excused, make the denominator.
type Rate struct {
	PersonID    int64  `json:"person_id"`
	NameZH      string `json:"name_zh"`
	NameEN      string `json:"name_en"`
	Category    string `json:"category"`
	Attended    int    `json:"attended"`
	Excused     int    `json:"excused"`
	Expected    int    `json:"expected_sessions"` // the denominator
	PerMille    int    `json:"rate_per_mille"`    // attended ÷ expected, in thousandths
	ExpectedPct int    `json:"expected_pct"`
	Below       bool   `json:"below"`
}

// Percent shows the rate to one decimal: "62.5".
func (r Rate) Percent() string { return fmt.Sprintf("%d.%d", r.PerMille/10, r.PerMille%10) }

// Name is the learner's name in lang.
func (r Rate) Name(lang string) string {
	if lang == "en" && r.NameEN != "" || r.NameZH == "" {
		return r.NameEN
	}
	return r.NameZH
}

// Rates computes the attendance rate in year of everyone enrolled in series
// id as a participant (not withdrawn), as of now, lowest first. Below marks
// those under the series' expected share.
func Rates(ctx context.Context, q store.Querier, id int64, year int, now time.Time) ([]Rate, error) {
	if _, err := Series(ctx, q, id); err != nil {
		return nil, err
	}
	expected := 0
	switch sch, err := Get(ctx, q, id); {
	case err == nil:
		expected = sch.ExpectedPct
	case !errors.Is(err, ErrNotFound):
		return nil, err
	}
	from, to := yearRange(ctx, q, id, year)
	to = minTime(to.Add(-time.Microsecond), now)
	var held int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM cme_sessions WHERE activity_id = ? AND cancelled = ? AND starts_at >= ? AND starts_at <= ?`,
		id, false, from, to).Scan(&held); err != nil {
		return nil, fmt.Errorf("series %d: rates: %w", id, err)
	}
	out, err := store.QueryAll(ctx, q, func(r store.Scanner) (Rate, error) {
		var x Rate
		return x, r.Scan(&x.PersonID, &x.NameZH, &x.NameEN, &x.Category, &x.Attended, &x.Excused)
	}, `SELECT p.id, p.name_zh, p.name_en, p.category,
		(SELECT COUNT(*) FROM attendance a JOIN cme_sessions s ON s.id = a.session_id WHERE a.person_id = p.id AND s.activity_id = e.activity_id
			AND s.cancelled = ? AND s.starts_at >= ? AND s.starts_at <= ?),
		(SELECT COUNT(*) FROM series_excuses x JOIN cme_sessions s ON s.id = x.session_id WHERE x.person_id = p.id AND s.activity_id = e.activity_id
			AND s.cancelled = ? AND s.starts_at >= ? AND s.starts_at <= ?)
		FROM enrolments e JOIN people p ON p.id = e.person_id
		WHERE e.activity_id = ? AND e.role = 'participant' AND e.status NOT IN ('withdrawn', 'waitlisted')`,
		false, from, to, false, from, to, id)
	if err != nil {
		return nil, fmt.Errorf("series %d: rates: %w", id, err)
	}
	for i := range out {
		r := &out[i]
		r.ExpectedPct = expected
		r.Expected = held - r.Excused
		if r.Expected > 0 {
			r.PerMille = r.Attended * 1000 / r.Expected
			r.Below = r.Attended*100 < expected*r.Expected
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].PerMille != out[j].PerMille {
			return out[i].PerMille < out[j].PerMille
		}
		return out[i].PersonID < out[j].PersonID
	})
	return out, nil
}

// Below keeps the rates under the expected share.
func Below(rates []Rate) []Rate {
	out := []Rate{}
	for _, r := range rates {
		if r.Below {
			out = append(out, r)
		}
	}
	return out
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
