package rules

import (
	"fmt"
	"slices"

	"github.com/meded/meded/internal/validate"
)

var (
	levels           = []string{"national", "provincial", "municipal", "institutional"}
	sourceStatuses   = []string{"confirmed", "secondary", "unconfirmed"}
	roundings        = []string{"hundredth", "quarter"}
	presentRoundings = []string{"down", "nearest"}
)

// Validate checks a profile and names each bad field by its JSON path, so
// the admin editing one on a page sees where the mistake is.
func (p Profile) Validate() validate.Errors {
	var es validate.Errors
	if !es.Required("id", p.ID) {
		return es
	}
	if p.Version < 1 {
		es.Add("version", "error.out_of_range", 1, 1<<30)
	}
	if p.Name["zh-CN"] == "" && p.Name["en"] == "" {
		es.Add("name", "error.name_required")
	}
	for i, s := range p.Sources {
		es.OneOf(fmt.Sprintf("sources[%d].status", i), s.Status, sourceStatuses)
	}
	es.OneOf("rounding", p.Rounding, roundings)
	if p.PresentRounding != "" {
		es.OneOf("present_rounding", p.PresentRounding, presentRoundings)
	}
	class := func(field, c string) {
		allowed := []string{"none"}
		if p.Classes {
			allowed = []string{"I", "II"}
		}
		es.OneOf(field, c, allowed)
	}
	rate := func(field string, r Rate, perHour bool) {
		class(field+".class", r.Class)
		if r.Category == "" {
			es.Add(field+".category", "error.required")
		}
		for name, v := range map[string]int64{"participant_hours_per_credit": r.ParticipantHoursPer, "lecturer_credits_per_hour": r.LecturerPerHour,
			"participant_per_session": r.ParticipantPerSession, "lecturer_per_session": r.LecturerPerSession, "project_cap": r.ProjectCap} {
			if v < 0 {
				es.Add(field+"."+name, "error.out_of_range", 0, 1<<30)
			}
		}
		if perHour && r.ParticipantHoursPer == 0 && r.ParticipantPerSession == 0 {
			es.Add(field+".participant_hours_per_credit", "error.required")
		}
	}
	for level, r := range p.Projects {
		if !slices.Contains(levels, level) {
			es.Add("projects."+level, "error.invalid_choice", "national, provincial, municipal, institutional")
		}
		rate("projects."+level, r, true)
	}
	if p.Remote != nil {
		rate("remote", *p.Remote, true)
	}
	for format, r := range p.Sessions {
		rate("sessions."+format, r, false)
	}
	for i, c := range p.YearCaps {
		if len(c.Categories) == 0 {
			es.Add(fmt.Sprintf("year_caps[%d].categories", i), "error.required")
		}
		if c.Amount <= 0 {
			es.Add(fmt.Sprintf("year_caps[%d].amount", i), "error.out_of_range", 1, 1<<30)
		}
	}
	if p.SelfStudy != nil {
		class("self_study.class", p.SelfStudy.Class)
		if p.SelfStudy.CharactersPer <= 0 {
			es.Add("self_study.characters_per_credit", "error.out_of_range", 1, 1<<30)
		}
	}
	if p.Further != nil {
		class("further_study.class", p.Further.Class)
		if p.Further.PerMonth < 0 || p.Further.FullYearMonths < 0 || p.Further.FullYearMonths > 12 {
			es.Add("further_study.full_year_months", "error.out_of_range", 0, 12)
		}
	}
	p.validateSelfReport(&es, class)
	if len(p.Require) == 0 {
		es.Add("requirements", "error.required")
	}
	for i, r := range p.Require {
		f := fmt.Sprintf("requirements[%d]", i)
		if r.ID == "" {
			es.Add(f+".id", "error.required")
		}
		if r.PeriodYears < 1 || r.PeriodYears > 10 {
			es.Add(f+".period_years", "error.out_of_range", 1, 10)
		}
		if r.MinCredits <= 0 && r.MinHours <= 0 {
			es.Add(f+".min_credits", "error.required")
		}
		if r.Class != "" {
			class(f+".class", r.Class)
		}
		for j, a := range r.AppliesTo {
			es.OneOf(fmt.Sprintf("%s.applies_to[%d]", f, j), a, InstitutionAttributes)
		}
	}
	if p.Substitute < 0 || p.Substitute > 100 {
		es.Add("substitution_percent", "error.out_of_range", 0, 100)
	}
	return es
}
