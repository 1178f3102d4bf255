package rules

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/meded/meded/internal/validate"
)

// SelfReportCategories are the kinds of credit a person reports themself
// (DESIGN.md §6).
var SelfReportCategories = []string{"self_study", "paper", "research_project", "book", "degree_study", "practice", "government_task", "outside_cme"}

// SelfReportRate says how one self-report category becomes credits: by
// characters written, by study hours, by a table of level and author or
// member rank, or (none of these) assessed by the office up to a cap.
type SelfReportRate struct {
	Class         string             `json:"class"`
	Category      string             `json:"category"` // ledger category the credits are booked under
	CharactersPer int64              `json:"characters_per_credit,omitempty"`
	HoursPer      int64              `json:"hours_per_credit,omitempty"` // hundredths of an hour for one credit
	Levels        map[string][]int64 `json:"levels,omitempty"`           // by level: credits (hundredths) for rank 1, 2, …
	PerReport     int64              `json:"per_report_cap,omitempty"`   // most credits (hundredths) one report earns
}

// Errors SelfReportAward returns for a claim the profile gives nothing for.
var (
	ErrNotCredited = errors.New("rules: category not credited by this rule set")
	ErrNoSuchLevel = errors.New("rules: level not in this rule set's table")
	ErrRankTooLow  = errors.New("rules: rank beyond this rule set's table")
)

// SelfReportClaim is what a report states that the rates read. Hours are
// hundredths of an hour.
type SelfReportClaim struct {
	Characters int64
	Hours      int64
	Level      string
	Rank       int
}

// SelfReportAward computes what a self-report earns: Award.Amount is the
// suggested credits (0 when the office assesses the amount), and limit is
// the most the report may be approved for (the rate's own result, the
// per-report cap, and every yearly cap covering its category).
func (p Profile) SelfReportAward(category string, c SelfReportClaim) (a Award, limit int64, err error) {
	r, ok := p.SelfReport[category]
	if !ok {
		return Award{}, 0, fmt.Errorf("%w: %s under %s", ErrNotCredited, category, p.ID)
	}
	a = Award{Class: r.Class, Category: r.Category, Hours: c.Hours}
	var steps []string
	assessed := false
	switch {
	case r.CharactersPer > 0:
		a.Amount = p.round(c.Characters*100, r.CharactersPer)
		steps = append(steps, fmt.Sprintf("%d characters ÷ %d = %s", c.Characters, r.CharactersPer, Hundredths(a.Amount)))
	case r.HoursPer > 0:
		a.Amount = p.round(c.Hours*100, r.HoursPer)
		steps = append(steps, fmt.Sprintf("%s h ÷ %s = %s", Hundredths(c.Hours), Hundredths(r.HoursPer), Hundredths(a.Amount)))
	case len(r.Levels) > 0:
		table, ok := r.Levels[c.Level]
		if !ok {
			return Award{}, 0, fmt.Errorf("%w: %q", ErrNoSuchLevel, c.Level)
		}
		if c.Rank < 1 || c.Rank > len(table) {
			return Award{}, 0, fmt.Errorf("%w: rank %d of %d", ErrRankTooLow, c.Rank, len(table))
		}
		a.Amount = table[c.Rank-1]
		steps = append(steps, fmt.Sprintf("%s level, rank %d = %s", c.Level, c.Rank, Hundredths(a.Amount)))
	default:
		assessed = true
		steps = append(steps, "assessed by the office")
	}
	limit = a.Amount
	if assessed {
		limit = r.PerReport
	}
	if r.PerReport > 0 && limit > r.PerReport {
		limit = r.PerReport
		steps = append(steps, "at most "+Hundredths(r.PerReport)+" per report")
	}
	for _, yc := range p.YearCaps {
		if slices.Contains(yc.Categories, r.Category) && yc.Role == "" && limit > yc.Amount {
			limit = yc.Amount
			steps = append(steps, "at most "+Hundredths(yc.Amount)+" a year")
		}
	}
	if a.Amount > limit {
		a.Amount = limit
	}
	if p.Classes {
		steps = append(steps, "Class "+r.Class)
	}
	a.Explanation = strings.Join(steps, ", ")
	return a, limit, nil
}

// SelfReportMethod names how a category is computed: "characters",
// "hours", "levels" or "assessed"; "" when the profile gives it nothing.
func (p Profile) SelfReportMethod(category string) string {
	r, ok := p.SelfReport[category]
	switch {
	case !ok:
		return ""
	case r.CharactersPer > 0:
		return "characters"
	case r.HoursPer > 0:
		return "hours"
	case len(r.Levels) > 0:
		return "levels"
	}
	return "assessed"
}

// SelfReportLevels lists the levels of a category's table, sorted.
func (p Profile) SelfReportLevels(category string) []string {
	levels := make([]string, 0, len(p.SelfReport[category].Levels))
	for l := range p.SelfReport[category].Levels {
		levels = append(levels, l)
	}
	sort.Strings(levels)
	return levels
}

// YearCapOf returns the yearly cap covering a ledger category and the
// categories sharing it; ok is false when none does.
func (p Profile) YearCapOf(category string) (YearCap, bool) {
	for _, yc := range p.YearCaps {
		if slices.Contains(yc.Categories, category) && yc.Role == "" {
			return yc, true
		}
	}
	return YearCap{}, false
}

func (p Profile) validateSelfReport(es *validate.Errors, class func(field, c string)) {
	for cat, r := range p.SelfReport {
		f := "self_report." + cat
		if !slices.Contains(SelfReportCategories, cat) {
			es.Add(f, "error.invalid_choice", strings.Join(SelfReportCategories, ", "))
		}
		class(f+".class", r.Class)
		if r.Category == "" {
			es.Add(f+".category", "error.required")
		}
		methods := 0
		for _, set := range []bool{r.CharactersPer > 0, r.HoursPer > 0, len(r.Levels) > 0} {
			if set {
				methods++
			}
		}
		if methods > 1 {
			es.Add(f, "rules.self_report_one_method")
		}
		if r.CharactersPer < 0 || r.HoursPer < 0 || r.PerReport < 0 {
			es.Add(f, "error.out_of_range", 0, 1<<30)
		}
		if methods == 0 && r.PerReport <= 0 {
			es.Add(f+".per_report_cap", "error.required")
		}
		for level, table := range r.Levels {
			if len(table) == 0 {
				es.Add(f+".levels."+level, "error.required")
			}
			for _, v := range table {
				if v <= 0 {
					es.Add(f+".levels."+level, "error.out_of_range", 1, 1<<30)
					break
				}
			}
		}
	}
}
