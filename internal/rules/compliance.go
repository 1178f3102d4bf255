package rules

import (
	"fmt"
	"time"
)

// Compliance statuses (DESIGN.md §6).
const (
	Compliant    = "compliant"
	OnTrack      = "on_track"
	AtRisk       = "at_risk"
	NotCompliant = "not_compliant"
	Exempt       = "exempt"
)

// Total is what a person's ledger holds for one year, class and category
// (the ledger's summaries), and for the role when a cap depends on it.
type Total struct {
	Year     int
	Class    string
	Category string
	Role     string
	Amount   int64
	Hours    int64
}

// Result is where a person stands on one requirement.
type Result struct {
	Requirement Requirement
	From, To    int   // the credit years counted
	Credits     int64 // counted towards it, after caps and substitution
	Hours       int64
	NeedCredits int64 // what is still missing; 0 when met
	NeedHours   int64
	Status      string
	Deadline    time.Time // end of the period, in the zone given
}

// Evaluation is a person's standing for one year under one profile.
type Evaluation struct {
	Profile string
	Year    int
	Status  string // the worst of the results
	Results []Result
	Capped  []Total // credits a yearly cap did not count
}

// Evaluate computes compliance for year as of asOf (in loc, the person's
// institution's zone): yearly caps first, then each requirement over its
// period, with the profile's class substitution, and a status per
// requirement. fullYear marks a year completed another way (e.g. six months
// of further study), exempt a waived year.
func (p Profile) Evaluate(totals []Total, year int, asOf time.Time, loc *time.Location, fullYear, exempt bool) Evaluation {
	ev := Evaluation{Profile: p.ID, Year: year}
	counted, capped := p.applyYearCaps(totals)
	ev.Capped = capped
	for _, req := range p.Require {
		res := Result{Requirement: req, From: year - req.PeriodYears + 1, To: year,
			Deadline: time.Date(year+1, 1, 1, 0, 0, 0, 0, loc).Add(-time.Second)}
		for _, t := range counted {
			if t.Year < res.From || t.Year > res.To || (req.Category != "" && t.Category != req.Category) {
				continue
			}
			if req.Class != "" && t.Class != req.Class {
				continue
			}
			res.Credits += t.Amount
			res.Hours += t.Hours
		}
		ev.Results = append(ev.Results, res)
	}
	p.substitute(ev.Results, counted, year)
	elapsed := elapsedShare(year, asOf.In(loc))
	for i := range ev.Results {
		r := &ev.Results[i]
		r.NeedCredits = max(r.Requirement.MinCredits-r.Credits, 0)
		r.NeedHours = max(r.Requirement.MinHours-r.Hours, 0)
		switch {
		case exempt:
			r.Status = Exempt
		case r.NeedCredits == 0 && r.NeedHours == 0, fullYear && r.Requirement.PeriodYears == 1:
			r.Status = Compliant
		case elapsed >= 1:
			r.Status = NotCompliant
		case p.AtRiskShare == "pro_rata" && (float64(r.Credits) < elapsed*float64(r.Requirement.MinCredits) ||
			float64(r.Hours) < elapsed*float64(r.Requirement.MinHours)):
			r.Status = AtRisk
		default:
			r.Status = OnTrack
		}
	}
	ev.Status = worst(ev.Results)
	return ev
}

var statusRank = map[string]int{Exempt: 0, Compliant: 1, OnTrack: 2, AtRisk: 3, NotCompliant: 4}

func worst(rs []Result) string {
	s := Compliant
	for _, r := range rs {
		if statusRank[r.Status] > statusRank[s] {
			s = r.Status
		}
	}
	if len(rs) > 0 && s == Compliant && rs[0].Status == Exempt {
		return Exempt
	}
	return s
}

// elapsedShare is the share of the credit year gone by at asOf.
func elapsedShare(year int, asOf time.Time) float64 {
	loc := asOf.Location()
	start := time.Date(year, 1, 1, 0, 0, 0, 0, loc)
	end := time.Date(year+1, 1, 1, 0, 0, 0, 0, loc)
	switch {
	case asOf.Before(start):
		return 0
	case !asOf.Before(end):
		return 1
	}
	return float64(asOf.Sub(start)) / float64(end.Sub(start))
}

// applyYearCaps counts each capped group up to its cap per year, in the
// order the totals come; what a cap did not count is returned separately.
func (p Profile) applyYearCaps(totals []Total) (counted, capped []Total) {
	used := map[string]int64{}
	for _, t := range totals {
		c := t
		for i, yc := range p.YearCaps {
			if !contains(yc.Categories, t.Category) || (yc.Role != "" && yc.Role != t.Role) || t.Amount <= 0 {
				continue
			}
			key := fmt.Sprintf("%d/%d", i, t.Year)
			room := max(yc.Amount-used[key], 0)
			if c.Amount > room {
				over := c
				over.Amount, over.Hours = c.Amount-room, 0
				capped = append(capped, over)
				c.Amount = room
			}
			used[key] += c.Amount
		}
		counted = append(counted, c)
	}
	return counted, capped
}

// substitute lets one class's surplus cover another class's shortfall, up
// to the profile's share of the short class's requirement (2022 amendment).
func (p Profile) substitute(rs []Result, counted []Total, year int) {
	if p.Substitute == 0 {
		return
	}
	byClass := map[string]*Result{}
	for i := range rs {
		if rs[i].Requirement.Class != "" && rs[i].Requirement.PeriodYears == 1 {
			byClass[rs[i].Requirement.Class] = &rs[i]
		}
	}
	for short, other := range map[string]string{"I": "II", "II": "I"} {
		s, o := byClass[short], byClass[other]
		if s == nil || o == nil || s.Credits >= s.Requirement.MinCredits {
			continue
		}
		surplus := o.Credits - o.Requirement.MinCredits
		limit := s.Requirement.MinCredits * int64(p.Substitute) / 100
		move := min(surplus, limit, s.Requirement.MinCredits-s.Credits)
		if move > 0 {
			s.Credits += move
			o.Credits -= move
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
