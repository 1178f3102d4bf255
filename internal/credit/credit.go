// Package credit reads a person's credit file: the transcript from the
// ledger, and where they stand on their institution's rule set this year.
package credit

import (
	"context"
	"fmt"
	"time"

	"github.com/meded/meded/internal/furtherstudy"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/rules"
	"github.com/meded/meded/internal/store"
)

// Standing is a person's compliance for one year with what it rests on.
type Standing struct {
	PersonID   int64            `json:"person_id"`
	Year       int              `json:"year"`
	Profile    rules.Profile    `json:"-"`
	ProfileID  string           `json:"profile"`
	Evaluation rules.Evaluation `json:"evaluation"`
	Zone       string           `json:"time_zone"`
	Exemption  *Exemption       `json:"exemption,omitempty"`
	// Cycles are the other rule sets the person is under this year, each
	// with its own status.
	Cycles []CycleStanding `json:"cycles"`
	totals []rules.Total
}

// CycleStanding is where a person stands in one extra cycle.
type CycleStanding struct {
	Cycle      Cycle            `json:"cycle"`
	Evaluation rules.Evaluation `json:"evaluation"`
}

// StandingOf computes personID's compliance for year as of asOf, under the
// rule set their home institution uses that year. It reads the ledger's
// summaries, never the raw entries.
func StandingOf(ctx context.Context, q store.Querier, personID int64, year int, asOf time.Time) (Standing, error) {
	p, err := person.Get(ctx, q, personID)
	if err != nil {
		return Standing{}, err
	}
	inst, err := institution.Get(ctx, q, p.InstitutionID)
	if err != nil {
		return Standing{}, err
	}
	profile, err := rules.For(ctx, q, inst.ID, year)
	if err != nil {
		return Standing{}, err
	}
	var period int
	profile.Require, period = applicable(profile.Require, inst.Attributes())
	cycles, err := cyclesIn(ctx, q, personID, year)
	if err != nil {
		return Standing{}, err
	}
	extra := make([]rules.Profile, len(cycles))
	for i, c := range cycles {
		if extra[i], err = rules.Load(ctx, q, c.ProfileID); err != nil {
			return Standing{}, err
		}
		var p int
		extra[i].Require, p = applicable(extra[i].Require, inst.Attributes())
		period = max(period, p)
	}
	sums, err := ledger.Summaries(ctx, q, personID, year-period+1, year)
	if err != nil {
		return Standing{}, err
	}
	totals := make([]rules.Total, len(sums))
	for i, s := range sums {
		totals[i] = rules.Total{Year: s.CreditYear, Class: s.Class, Category: s.Category, Role: s.Role, Amount: s.Amount, Hours: s.Hours}
	}
	ex, err := exemptions(ctx, q, personID, year)
	if err != nil {
		return Standing{}, err
	}
	st := Standing{PersonID: personID, Year: year, ProfileID: profile.ID, Zone: inst.Location().String(), totals: totals}
	waived := false
	if e, ok := ex[personID]; ok {
		st.Exemption = &e
		profile.Require, waived = reduce(profile.Require, e)
	}
	st.Profile = profile
	studied, err := furtherstudy.MonthsCompleted(ctx, q, personID, year)
	if err != nil {
		return Standing{}, err
	}
	st.Evaluation = profile.Evaluate(totals, year, asOf, inst.Location(), fullYearBy(profile, studied[personID]), waived)
	st.Cycles = []CycleStanding{}
	for i, c := range cycles {
		st.Cycles = append(st.Cycles, CycleStanding{Cycle: c, Evaluation: extra[i].Evaluate(totals, year, asOf, inst.Location(), false, false)})
	}
	return st, nil
}

// fullYearBy: further study of at least the profile's months completes the
// year (six months under the 2006 profile, three under 2024's).
func fullYearBy(p rules.Profile, months int) bool {
	return p.Further != nil && p.Further.FullYearMonths > 0 && months >= p.Further.FullYearMonths
}

// reduce applies an exemption to the year's requirements: a 100% exemption
// waives the year; a partial one lowers each yearly minimum by its share
// (rounded so the person never owes a fraction of a hundredth).
func reduce(reqs []rules.Requirement, e Exemption) ([]rules.Requirement, bool) {
	if e.Reduction >= 100 {
		return reqs, true
	}
	out := make([]rules.Requirement, len(reqs))
	for i, r := range reqs {
		if r.PeriodYears == 1 {
			r.MinCredits = (r.MinCredits*int64(100-e.Reduction) + 99) / 100
			r.MinHours = (r.MinHours*int64(100-e.Reduction) + 99) / 100
		}
		out[i] = r
	}
	return out, false
}

// Transcript is a person's ledger entries for a range of credit years, with
// totals per year and class.
type Transcript struct {
	PersonID int64          `json:"person_id"`
	From     int            `json:"from"`
	To       int            `json:"to"`
	Entries  []ledger.Entry `json:"entries"`
	Totals   []YearTotal    `json:"totals"`
}

// YearTotal sums one year and class.
type YearTotal struct {
	Year   int    `json:"year"`
	Class  string `json:"class"`
	Amount int64  `json:"amount"`
	Hours  int64  `json:"hours"`
}

// TranscriptOf returns personID's entries for the credit years from..to.
func TranscriptOf(ctx context.Context, q store.Querier, personID int64, from, to int) (Transcript, error) {
	if from > to {
		return Transcript{}, fmt.Errorf("credit: transcript %d–%d: empty range", from, to)
	}
	entries, err := ledger.Entries(ctx, q, personID, from, to)
	if err != nil {
		return Transcript{}, err
	}
	t := Transcript{PersonID: personID, From: from, To: to, Entries: entries}
	index := map[[2]any]int{}
	for _, e := range entries {
		k := [2]any{e.CreditYear, e.Class}
		i, ok := index[k]
		if !ok {
			i = len(t.Totals)
			index[k] = i
			t.Totals = append(t.Totals, YearTotal{Year: e.CreditYear, Class: e.Class})
		}
		t.Totals[i].Amount += e.Amount
		t.Totals[i].Hours += e.Hours
	}
	return t, nil
}
