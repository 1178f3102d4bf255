package credit

import (
	"context"
	"sort"
	"time"

	"github.com/meded/meded/internal/furtherstudy"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/rules"
	"github.com/meded/meded/internal/store"
)

// Row is one person's standing on a dashboard.
type Row struct {
	Person     person.Person    `json:"person"`
	ProfileID  string           `json:"profile"`
	Status     string           `json:"status"`
	Evaluation rules.Evaluation `json:"evaluation"`
}

// Dashboard is the standing of everyone in a scope for one year.
type Dashboard struct {
	Year     int            `json:"year"`
	Counts   map[string]int `json:"counts"` // by compliance status
	Rows     []Row          `json:"rows"`   // worst first, then by name
	Everyone int            `json:"everyone"`
}

// DashboardOf evaluates every person the filter selects (its Limit is
// ignored) for year as of asOf: one profile per institution, and all
// summaries in one query, so it stays quick for a hospital's staff.
func DashboardOf(ctx context.Context, q store.Querier, f person.ListFilter, year int, asOf time.Time) (Dashboard, error) {
	f.Limit, f.Offset = 0, 0
	people, _, err := person.List(ctx, q, f)
	if err != nil {
		return Dashboard{}, err
	}
	d := Dashboard{Year: year, Counts: map[string]int{}, Everyone: len(people)}
	type setting struct {
		profile rules.Profile
		loc     *time.Location
		period  int
	}
	settings := map[int64]setting{}
	var institutions []int64
	period := 1
	for _, p := range people {
		if _, ok := settings[p.InstitutionID]; ok {
			continue
		}
		inst, err := institution.Get(ctx, q, p.InstitutionID)
		if err != nil {
			return Dashboard{}, err
		}
		profile, err := rules.For(ctx, q, inst.ID, year)
		if err != nil {
			return Dashboard{}, err
		}
		profile.Require, _ = applicable(profile.Require, inst.Attributes())
		s := setting{profile: profile, loc: inst.Location(), period: 1}
		for _, r := range profile.Require {
			s.period = max(s.period, r.PeriodYears)
		}
		period = max(period, s.period)
		settings[inst.ID] = s
		institutions = append(institutions, inst.ID)
	}
	sums, err := ledger.SummariesOfInstitutions(ctx, q, institutions, f.DepartmentIDs, year-period+1, year)
	if err != nil {
		return Dashboard{}, err
	}
	byPerson := map[int64][]rules.Total{}
	for _, s := range sums {
		byPerson[s.PersonID] = append(byPerson[s.PersonID], rules.Total{Year: s.CreditYear, Class: s.Class, Category: s.Category, Role: s.Role, Amount: s.Amount, Hours: s.Hours})
	}
	ex, err := exemptions(ctx, q, 0, year)
	if err != nil {
		return Dashboard{}, err
	}
	studied, err := furtherstudy.MonthsCompleted(ctx, q, 0, year)
	if err != nil {
		return Dashboard{}, err
	}
	for _, p := range people {
		s := settings[p.InstitutionID]
		profile, waived := s.profile, false
		if e, ok := ex[p.ID]; ok {
			profile.Require, waived = reduce(profile.Require, e)
		}
		ev := profile.Evaluate(byPerson[p.ID], year, asOf, s.loc, fullYearBy(profile, studied[p.ID]), waived)
		d.Counts[ev.Status]++
		d.Rows = append(d.Rows, Row{Person: p, ProfileID: s.profile.ID, Status: ev.Status, Evaluation: ev})
	}
	rank := map[string]int{rules.NotCompliant: 0, rules.AtRisk: 1, rules.OnTrack: 2, rules.Compliant: 3, rules.Exempt: 4}
	sort.SliceStable(d.Rows, func(i, j int) bool { return rank[d.Rows[i].Status] < rank[d.Rows[j].Status] })
	return d, nil
}

// applicable keeps the requirements that bind staff of an institution with
// attrs (the five-year national-credit rule binds only tertiary hospitals
// and provincial-level units) and returns the longest period among them.
func applicable(reqs []rules.Requirement, attrs []string) ([]rules.Requirement, int) {
	var out []rules.Requirement
	period := 1
	for _, r := range reqs {
		if !r.AppliesTo.Applies(attrs) {
			continue
		}
		out = append(out, r)
		period = max(period, r.PeriodYears)
	}
	return out, period
}
