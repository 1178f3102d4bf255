package credit

import (
	"context"
	"slices"
	"sort"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/enrolment"
	"github.com/meded/meded/internal/rules"
	"github.com/meded/meded/internal/store"
)

// Suggestion is an open activity that would close part of a gap, with the
// credits it would give as a participant who completes it.
type Suggestion struct {
	Activity activity.Activity `json:"activity"`
	Award    rules.Award       `json:"award"`
}

// Suggest lists up to limit activities open for enrolment this credit year
// (today is a YYYY-MM-DD date in the institution's zone) whose credits would
// count towards what st still lacks: activities of a class the person no
// longer needs are left out, and so are those whose category a yearly cap
// has already filled. The biggest awards come first.
func Suggest(ctx context.Context, q store.Querier, st Standing, today string, limit int) ([]Suggestion, error) {
	needAny, needClasses := false, map[string]bool{}
	for _, r := range st.Evaluation.Results {
		if r.Requirement.PeriodYears != 1 || (r.NeedCredits == 0 && r.NeedHours == 0) {
			continue
		}
		if r.Requirement.Class == "" {
			needAny = true
		} else {
			needClasses[r.Requirement.Class] = true
		}
	}
	if !needAny && len(needClasses) == 0 {
		return nil, nil
	}
	open, _, err := activity.List(ctx, q, activity.Filter{Statuses: []string{"approved", "running"}, Year: st.Year})
	if err != nil {
		return nil, err
	}
	mine, err := enrolment.OfPerson(ctx, q, st.PersonID)
	if err != nil {
		return nil, err
	}
	enrolled := map[int64]bool{}
	for _, e := range mine {
		enrolled[e.ActivityID] = e.Status != "withdrawn"
	}
	var out []Suggestion
	profiles := map[int64]rules.Profile{}
	for _, a := range open {
		if a.EnrolDeadline != "" && a.EnrolDeadline < today || enrolled[a.ID] {
			continue
		}
		p, ok := profiles[a.InstitutionID]
		if !ok {
			if p, err = rules.For(ctx, q, a.InstitutionID, st.Year); err != nil {
				return nil, err
			}
			profiles[a.InstitutionID] = p
		}
		approved := int64(a.ApprovedHundredths)
		if approved == 0 {
			approved = int64(a.CreditsHundredths)
		}
		aw, err := p.ProjectAward(a.Level, a.Remote, "participant", int64(a.PlannedQuarters)*25, approved, a.Code)
		if err != nil || aw.Amount == 0 {
			continue // no credits under the organiser's rules
		}
		// A class the person already has enough of helps only towards a
		// total that is still short.
		if !needAny && !needClasses[aw.Class] {
			continue
		}
		if st.capFull(aw.Category) {
			continue
		}
		out = append(out, Suggestion{Activity: a, Award: aw})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Award.Amount > out[j].Award.Amount })
	return out[:min(len(out), limit)], nil
}

// capFull reports whether a participant yearly cap covering category is
// already reached this year, so more of it would not count.
func (st Standing) capFull(category string) bool {
	for _, c := range st.Profile.YearCaps {
		if !slices.Contains(c.Categories, category) || (c.Role != "" && c.Role != "participant") {
			continue
		}
		var used int64
		for _, t := range st.totals {
			if t.Year == st.Year && slices.Contains(c.Categories, t.Category) && (c.Role == "" || t.Role == c.Role) {
				used += t.Amount
			}
		}
		if used >= c.Amount {
			return true
		}
	}
	return false
}
