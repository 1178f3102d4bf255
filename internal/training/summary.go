package training

import (
	"context"
	"fmt"
	"sort"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/store"
)

// Summary is the figures of one class, computed from its records: the
// cohort by home institution, the lecturers by institution, the schedule
// by format, attendance and completion.
type Summary struct {
	ActivityID       int64        `json:"activity_id"`
	Participants     int          `json:"participants"`
	ByInstitution    []Count      `json:"participants_by_institution"`
	Lecturers        int          `json:"lecturers"`
	LecturerSources  []Count      `json:"lecturers_by_institution"`
	OutsideSources   int          `json:"outside_lecturer_institutions"`
	Items            int          `json:"items"`
	ItemQuarters     int          `json:"item_quarters"`
	ByFormat         []FormatLine `json:"items_by_format"`
	Attendances      int          `json:"attendances"`
	AttendancePct    int          `json:"attendance_pct"` // attendances ÷ (participants × items), rounded down
	Completed        int          `json:"completed"`
	NotCompleted     int          `json:"not_completed"`
	CompletionStatus string       `json:"completion_status"` // decided (closed or archived) or pending
}

// Count is a number of people from one institution (by id, or by the name
// written for an outside guest lecturer).
type Count struct {
	InstitutionID int64  `json:"institution_id,omitempty"`
	NameZH        string `json:"name_zh"`
	NameEN        string `json:"name_en"`
	Count         int    `json:"count"`
}

// Name is the institution's name in lang.
func (c Count) Name(lang string) string { return pick(lang, c.NameZH, c.NameEN) }

// FormatLine is the items of one format and their hours.
type FormatLine struct {
	Format   string `json:"format"`
	Items    int    `json:"items"`
	Quarters int    `json:"quarters"`
}

// Hours is the line's hours as a decimal.
func (l FormatLine) Hours() string { return activity.Hours(l.Quarters) }

// ItemHours is the scheduled hours as a decimal.
func (s Summary) ItemHours() string { return activity.Hours(s.ItemQuarters) }

// counted are the enrolments that belong to the cohort (not withdrawn, not waiting).
const counted = `e.status IN ('enrolled', 'completed', 'not_completed')`

// Summarize computes the figures of class id.
func Summarize(ctx context.Context, q store.Querier, id int64) (Summary, error) {
	c, err := Get(ctx, q, id)
	if err != nil {
		return Summary{}, err
	}
	s := Summary{ActivityID: id, CompletionStatus: "pending"}
	if c.Status == "closed" || c.Status == "archived" {
		s.CompletionStatus = "decided"
	}
	wrap := func(what string, err error) error { return fmt.Errorf("training %d: %s: %w", id, what, err) }
	scanCount := func(sc store.Scanner) (Count, error) {
		var c Count
		return c, sc.Scan(&c.InstitutionID, &c.NameZH, &c.NameEN, &c.Count)
	}
	s.ByInstitution, err = store.QueryAll(ctx, q, scanCount, `SELECT i.id, i.name_zh, i.name_en, COUNT(*)
		FROM enrolments e JOIN people p ON p.id = e.person_id JOIN institutions i ON i.id = p.institution_id
		WHERE e.activity_id = ? AND e.role = 'participant' AND `+counted+`
		GROUP BY i.id, i.name_zh, i.name_en ORDER BY COUNT(*) DESC, i.id`, id)
	if err != nil {
		return Summary{}, wrap("cohort", err)
	}
	for _, b := range s.ByInstitution {
		s.Participants += b.Count
	}
	err = q.QueryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN e.status = 'completed' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN e.status = 'not_completed' THEN 1 ELSE 0 END), 0)
		FROM enrolments e WHERE e.activity_id = ? AND e.role = 'participant'`, id).Scan(&s.Completed, &s.NotCompleted)
	if err != nil {
		return Summary{}, wrap("completion", err)
	}
	if err := s.schedule(ctx, q, id); err != nil {
		return Summary{}, wrap("schedule", err)
	}
	if err := s.lecturers(ctx, q, c); err != nil {
		return Summary{}, wrap("lecturers", err)
	}
	err = q.QueryRow(ctx, `SELECT COUNT(*) FROM attendance t JOIN cme_sessions x ON x.id = t.session_id
		JOIN enrolments e ON e.activity_id = x.activity_id AND e.person_id = t.person_id
		WHERE x.activity_id = ? AND x.cancelled = ? AND e.role = 'participant' AND `+counted, id, false).Scan(&s.Attendances)
	if err != nil {
		return Summary{}, wrap("attendance", err)
	}
	if possible := s.Participants * s.Items; possible > 0 {
		s.AttendancePct = s.Attendances * 100 / possible
	}
	return s, nil
}

func (s *Summary) schedule(ctx context.Context, q store.Querier, id int64) error {
	lines, err := store.QueryAll(ctx, q, func(sc store.Scanner) (FormatLine, error) {
		var l FormatLine
		return l, sc.Scan(&l.Format, &l.Items, &l.Quarters)
	}, `SELECT format, COUNT(*), COALESCE(SUM(quarters), 0) FROM cme_sessions WHERE activity_id = ? AND cancelled = ?
		GROUP BY format ORDER BY format`, id, false)
	if err != nil {
		return err
	}
	s.ByFormat = lines
	for _, l := range lines {
		s.Items += l.Items
		s.ItemQuarters += l.Quarters
	}
	return nil
}

// lecturers counts the distinct lecturers of the class's sessions by their
// institution: a staff member's institution record, a guest's written name.
// Outside sources are those outside the running institution's tree; a
// guest is outside by being a guest.
func (s *Summary) lecturers(ctx context.Context, q store.Querier, c Class) error {
	type row struct {
		key    string
		instID int64
		zh, en string
	}
	rows, err := store.QueryAll(ctx, q, func(sc store.Scanner) (row, error) {
		var r row
		var inst *int64
		var zh, en *string
		err := sc.Scan(&r.key, &inst, &zh, &en, &r.zh)
		if inst != nil {
			r.instID, r.zh, r.en = *inst, deref(zh), deref(en)
		} else {
			r.en = r.zh
		}
		return r, err
	}, `SELECT DISTINCT l.lecturer_key, i.id, i.name_zh, i.name_en, l.guest_institution
		FROM cme_session_lecturers l JOIN cme_sessions x ON x.id = l.session_id
		LEFT JOIN people p ON p.id = l.person_id LEFT JOIN institutions i ON i.id = p.institution_id
		WHERE x.activity_id = ? AND x.cancelled = ?`, c.ID, false)
	if err != nil {
		return err
	}
	// Staff of the running institution or anything under it (its colleges
	// and affiliated hospitals) are not outside lecturers.
	own, err := institution.Descendants(ctx, q, c.InstitutionID)
	if err != nil {
		return err
	}
	inTree := map[int64]bool{}
	for _, id := range own {
		inTree[id] = true
	}
	byKey := map[string]*Count{}
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r.key] {
			continue
		}
		seen[r.key] = true
		k := r.zh + "|" + r.en
		if r.instID != 0 {
			k = fmt.Sprint(r.instID)
		}
		if byKey[k] == nil {
			byKey[k] = &Count{InstitutionID: r.instID, NameZH: r.zh, NameEN: r.en}
		}
		byKey[k].Count++
		s.Lecturers++
	}
	for _, v := range byKey {
		s.LecturerSources = append(s.LecturerSources, *v)
		if !inTree[v.InstitutionID] {
			s.OutsideSources++
		}
	}
	sort.Slice(s.LecturerSources, func(i, j int) bool {
		a, b := s.LecturerSources[i], s.LecturerSources[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.NameEN+a.NameZH < b.NameEN+b.NameZH
	})
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
