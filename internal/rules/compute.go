package rules

import (
	"fmt"
	"strings"
	"time"
)

// Award is the credits one person earns from one activity or session, with
// the computation in words for the ledger entry's evidence.
type Award struct {
	Amount      int64 // hundredths of a credit
	Hours       int64 // hundredths of a study hour
	Class       string
	Category    string
	Explanation string
}

// ProjectAward computes a project's credits for one person: participants by
// hours ÷ the level's hours per credit, lecturers by credits per hour taught,
// both capped per project and by the credits the project was approved for
// (approved ≤ 0: none given). Remote projects use the remote rate.
func (p Profile) ProjectAward(level string, remote bool, role string, hours, approved int64, code string) (Award, error) {
	r, ok := p.Projects[level]
	label := level
	if remote {
		if p.Remote == nil {
			return Award{}, fmt.Errorf("rules: profile %s gives no credits for remote projects", p.ID)
		}
		r, ok, label = *p.Remote, true, "remote "+level
	}
	if !ok {
		return Award{}, fmt.Errorf("rules: profile %s gives no credits for %s projects", p.ID, level)
	}
	a := Award{Hours: hours, Class: r.Class, Category: r.Category}
	var steps []string
	switch role {
	case "lecturer":
		if r.LecturerPerHour == 0 {
			return Award{}, fmt.Errorf("rules: profile %s gives lecturers no credits for %s projects", p.ID, label)
		}
		a.Amount = p.round(hours*r.LecturerPerHour, 100)
		steps = append(steps, fmt.Sprintf("%s h × %s = %s", Hundredths(hours), Hundredths(r.LecturerPerHour), Hundredths(a.Amount)))
	default:
		if r.ParticipantHoursPer == 0 {
			return Award{}, fmt.Errorf("rules: profile %s gives participants no credits by hours for %s projects", p.ID, label)
		}
		a.Amount = p.round(hours*100, r.ParticipantHoursPer)
		steps = append(steps, fmt.Sprintf("%s h ÷ %s = %s", Hundredths(hours), Hundredths(r.ParticipantHoursPer), Hundredths(a.Amount)))
	}
	if r.ProjectCap > 0 && a.Amount > r.ProjectCap {
		a.Amount = r.ProjectCap
		steps = append(steps, "capped at "+Hundredths(r.ProjectCap)+" per project")
	}
	if approved > 0 && a.Amount > approved {
		a.Amount = approved
		steps = append(steps, "limited to the approved "+Hundredths(approved))
	}
	class := ""
	if p.Classes {
		class = ", Class " + r.Class
	}
	a.Explanation = strings.Join(steps, ", ") + class + ", " + label + " project"
	if code != "" {
		a.Explanation += " " + code
	}
	return a, nil
}

// SessionAward computes the fixed per-session credits of unit lectures,
// demonstrations, case discussions, CPCs and rounds.
func (p Profile) SessionAward(format, role string, hours int64) (Award, error) {
	r, ok := p.Sessions[format]
	if !ok {
		return Award{}, fmt.Errorf("rules: profile %s gives no credits for %s sessions", p.ID, format)
	}
	a := Award{Hours: hours, Class: r.Class, Category: r.Category, Amount: r.ParticipantPerSession}
	if role == "lecturer" {
		a.Amount = r.LecturerPerSession
	}
	a.Explanation = fmt.Sprintf("%s per %s session as %s", Hundredths(a.Amount), format, role)
	if p.Classes {
		a.Explanation += ", Class " + r.Class
	}
	return a, nil
}

// FurtherStudyAward computes credits for months of further study.
func (p Profile) FurtherStudyAward(months int) (Award, bool, error) {
	if p.Further == nil {
		return Award{}, false, fmt.Errorf("rules: profile %s gives no credits for further study", p.ID)
	}
	a := Award{Amount: int64(months) * p.Further.PerMonth, Class: p.Further.Class, Category: p.Further.Category}
	full := p.Further.FullYearMonths > 0 && months >= p.Further.FullYearMonths
	a.Explanation = fmt.Sprintf("%d months × %s", months, Hundredths(p.Further.PerMonth))
	if full {
		a.Explanation += fmt.Sprintf("; %d months or more complete the year", p.Further.FullYearMonths)
	}
	return a, full, nil
}

// round divides num by den into hundredths of a credit as the profile says:
// half up to the hundredth, or down to the quarter credit (AMA).
func (p Profile) round(num, den int64) int64 {
	if den <= 0 {
		return 0
	}
	if p.Rounding == "quarter" {
		v := num / den
		return v - v%25
	}
	return (2*num + den) / (2 * den)
}

// PresentQuarters turns minutes present into the quarter hours credit
// counts, as the profile rounds them: down to the quarter, or to the
// nearest quarter (half up).
func (p Profile) PresentQuarters(minutes int) int {
	if minutes <= 0 {
		return 0
	}
	if p.PresentRounding == "nearest" {
		return (minutes + 7) / 15
	}
	return minutes / 15
}

// Hundredths shows an integer number of hundredths as a decimal: 233 → "2.33", 600 → "6".
func Hundredths(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	whole, frac := v/100, v%100
	switch {
	case frac == 0:
		return fmt.Sprintf("%s%d", sign, whole)
	case frac%10 == 0:
		return fmt.Sprintf("%s%d.%d", sign, whole, frac/10)
	}
	return fmt.Sprintf("%s%d.%02d", sign, whole, frac)
}

// CreditYear is the year credits count for: the year in which the session
// (or activity) ends, in the organiser's time zone.
func CreditYear(end time.Time, loc *time.Location) int { return end.In(loc).Year() }

// ParseHundredths reads a decimal such as "2.5", "0.25" or "-3" into
// hundredths; more than two decimals, or anything else, is refused.
func ParseHundredths(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" && (!hasDot || frac == "") || len(whole) > 9 || len(frac) > 2 || (hasDot && frac == "") {
		return 0, false
	}
	var v int64
	for _, c := range whole + (frac + "00")[:2] {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}
