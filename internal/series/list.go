package series

import (
	"context"
	"fmt"
	"time"

	"github.com/meded/meded/internal/store"
)

// Summary is a series as lists show it.
type Summary struct {
	ID            int64      `json:"id"`
	TitleZH       string     `json:"title_zh"`
	TitleEN       string     `json:"title_en"`
	Status        string     `json:"status"`
	Year          int        `json:"year"`
	Code          string     `json:"code"`
	InstitutionID int64      `json:"institution_id"`
	DirectorID    int64      `json:"director_id"`
	Frequency     string     `json:"frequency"` // "" until scheduled
	Weekday       int        `json:"weekday"`
	StartTime     string     `json:"start_time"`
	Sessions      int        `json:"sessions"`
	Next          *time.Time `json:"next_session,omitempty"`
}

// Title is the series' title in lang.
func (s Summary) Title(lang string) string {
	if lang == "en" && s.TitleEN != "" || s.TitleZH == "" {
		return s.TitleEN
	}
	return s.TitleZH
}

// List returns every series, newest year first, with its schedule and next
// session after now. Callers narrow it to what the reader may see.
func List(ctx context.Context, q store.Querier, now time.Time) ([]Summary, error) {
	out, err := store.QueryAll(ctx, q, func(r store.Scanner) (Summary, error) {
		var s Summary
		var code, freq, start *string
		var weekday *int
		err := r.Scan(&s.ID, &s.TitleZH, &s.TitleEN, &s.Status, &s.Year, &code, &s.InstitutionID, &s.DirectorID, &freq, &weekday, &start, &s.Sessions)
		s.Code, s.Frequency, s.StartTime = deref(code), deref(freq), deref(start)
		if weekday != nil {
			s.Weekday = *weekday
		}
		return s, err
	}, `SELECT a.id, a.title_zh, a.title_en, a.status, a.year, a.code, a.institution_id, a.director_id, sch.frequency, sch.weekday,
		sch.start_time, (SELECT COUNT(*) FROM cme_sessions s WHERE s.activity_id = a.id AND s.cancelled = ?)
		FROM activities a LEFT JOIN series_schedules sch ON sch.activity_id = a.id
		WHERE a.kind = 'series' ORDER BY a.year DESC, a.sort_key, a.id LIMIT 500`, false)
	if err != nil {
		return nil, fmt.Errorf("series: list: %w", err)
	}
	for i := range out {
		var next time.Time
		err := q.QueryRow(ctx, `SELECT starts_at FROM cme_sessions WHERE activity_id = ? AND cancelled = ? AND starts_at >= ?
			ORDER BY starts_at LIMIT 1`, out[i].ID, false, now).Scan(&next)
		if err == nil {
			next = next.UTC()
			out[i].Next = &next
		}
	}
	return out, nil
}
