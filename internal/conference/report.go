package conference

import (
	"context"
	"fmt"
	"strings"

	"github.com/meded/meded/internal/store"
)

// ReportLine is one contribution in the yearly list, with its conference.
type ReportLine struct {
	Contribution
	ConferenceID    int64  `json:"conference_id"`
	ConferenceKind  string `json:"conference_kind"`
	ConferenceZH    string `json:"conference_zh"`
	ConferenceEN    string `json:"conference_en"`
	City            string `json:"city"`
	Country         string `json:"country"`
	StartDate       string `json:"start_date"`
	EndDate         string `json:"end_date"`
	InstitutionID   int64  `json:"institution_id"`
	PresenterInstZH string `json:"presenter_institution_zh"`
	PresenterInstEN string `json:"presenter_institution_en"`
}

// Conference is the conference title in lang.
func (l ReportLine) Conference(lang string) string { return pick(lang, l.ConferenceZH, l.ConferenceEN) }

// PresenterInstitution is the presenter's institution in lang.
func (l ReportLine) PresenterInstitution(lang string) string {
	return pick(lang, l.PresenterInstZH, l.PresenterInstEN)
}

// TypeCount is the number of contributions of one type.
type TypeCount struct {
	Type  string `json:"type"`
	Count int    `json:"count"`
}

// Report is a year's conference contributions of the institutions in scope.
type Report struct {
	Year          int          `json:"year"`
	Conferences   int          `json:"conferences"`
	Contributions int          `json:"contributions"`
	ByType        []TypeCount  `json:"by_type"`
	Lines         []ReportLine `json:"contributions_list"`
}

// ReportFilter says which year and whose delegations.
type ReportFilter struct {
	Year           int
	InstitutionIDs []int64 // nil: every institution
	PersonID       int64   // only this person's contributions
}

// YearReport lists a year's contributions (the year of the conference), by
// type in the order of Types, then by date.
func YearReport(ctx context.Context, q store.Querier, f ReportFilter) (Report, error) {
	r := Report{Year: f.Year, ByType: make([]TypeCount, len(Types)), Lines: []ReportLine{}}
	for i, t := range Types {
		r.ByType[i].Type = t
	}
	where := []string{`a.year = ?`, `a.kind IN ('conference', 'workshop')`}
	args := []any{f.Year}
	if f.InstitutionIDs != nil {
		if len(f.InstitutionIDs) == 0 {
			return r, nil
		}
		where = append(where, `a.institution_id IN (`+store.Marks(len(f.InstitutionIDs))+`)`)
		args = append(args, store.Args(f.InstitutionIDs)...)
	}
	if f.PersonID != 0 {
		where, args = append(where, `x.person_id = ?`), append(args, f.PersonID)
	}
	lines, err := store.QueryAll(ctx, q, func(s store.Scanner) (ReportLine, error) {
		var l ReportLine
		err := s.Scan(&l.ID, &l.ActivityID, &l.PersonID, &l.Type, &l.TitleZH, &l.TitleEN, &l.Session, &l.CreatedAt,
			&l.UpdatedAt, &l.PresenterZH, &l.PresenterEN, &l.ConferenceKind, &l.ConferenceZH, &l.ConferenceEN, &l.City,
			&l.Country, &l.StartDate, &l.EndDate, &l.InstitutionID, &l.PresenterInstZH, &l.PresenterInstEN)
		l.ConferenceID = l.ActivityID
		l.StartDate, l.EndDate = dateOnly(l.StartDate), dateOnly(l.EndDate)
		l.CreatedAt, l.UpdatedAt = l.CreatedAt.UTC(), l.UpdatedAt.UTC()
		return l, err
	}, `SELECT `+contributionColumns+`, a.kind, a.title_zh, a.title_en, c.city, c.country, a.start_date, a.end_date,
		a.institution_id, i.name_zh, i.name_en
		FROM conference_contributions x JOIN people p ON p.id = x.person_id JOIN institutions i ON i.id = p.institution_id
		JOIN activities a ON a.id = x.activity_id JOIN conferences c ON c.activity_id = a.id
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY `+typeOrder+`, a.start_date, a.id, x.id`, args...)
	if err != nil {
		return Report{}, fmt.Errorf("conference: year %d report: %w", f.Year, err)
	}
	list := make([]Contribution, len(lines))
	for i, l := range lines {
		list[i] = l.Contribution
	}
	if err := withCoAuthors(ctx, q, list); err != nil {
		return Report{}, err
	}
	seen := map[int64]bool{}
	for i := range lines {
		lines[i].CoAuthors = list[i].CoAuthors
		seen[lines[i].ConferenceID] = true
		for j := range r.ByType {
			if r.ByType[j].Type == lines[i].Type {
				r.ByType[j].Count++
			}
		}
	}
	r.Lines, r.Contributions, r.Conferences = lines, len(lines), len(seen)
	return r, nil
}

// OfPerson lists a person's contributions of every year, newest first.
func OfPerson(ctx context.Context, q store.Querier, personID int64) ([]ReportLine, error) {
	var out []ReportLine
	years, err := store.QueryAll(ctx, q, func(s store.Scanner) (int, error) {
		var y int
		return y, s.Scan(&y)
	}, `SELECT DISTINCT a.year FROM conference_contributions x JOIN activities a ON a.id = x.activity_id
		WHERE x.person_id = ? ORDER BY a.year DESC`, personID)
	if err != nil {
		return nil, fmt.Errorf("conference: contributions of person %d: %w", personID, err)
	}
	for _, y := range years {
		r, err := YearReport(ctx, q, ReportFilter{Year: y, PersonID: personID})
		if err != nil {
			return nil, err
		}
		out = append(out, r.Lines...)
	}
	return out, nil
}

func dateOnly(s string) string {
	if len(s) > 10 {
		return s[:10]
	}
	return s
}
