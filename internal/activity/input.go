package activity

import (
	"context"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Input is what a director writes in an application.
type Input struct {
	Kind               string `json:"kind"`
	Level              string `json:"level"`
	Year               int    `json:"year"`
	TitleZH            string `json:"title_zh"`
	TitleEN            string `json:"title_en"`
	InstitutionID      int64  `json:"institution_id"`
	DepartmentID       int64  `json:"department_id"`
	DirectorID         int64  `json:"director_id"`
	Discipline         string `json:"discipline"`
	Audience           string `json:"audience"`
	PlannedHours       string `json:"planned_hours"`
	Credits            string `json:"credits"`
	Remote             bool   `json:"remote"`
	StartDate          string `json:"start_date"`
	EndDate            string `json:"end_date"`
	Capacity           int    `json:"capacity"`
	EnrolDeadline      string `json:"enrol_deadline"`
	MinAttendancePct   int    `json:"min_attendance_pct"`
	AssessmentRequired bool   `json:"assessment_required"`
	EvaluationRequired bool   `json:"evaluation_required"`
}

func (in *Input) normalize() {
	trim := func(s *string) { *s = strings.TrimSpace(*s) }
	for _, s := range []*string{&in.Kind, &in.Level, &in.TitleZH, &in.TitleEN, &in.Discipline, &in.Audience,
		&in.PlannedHours, &in.Credits, &in.StartDate, &in.EndDate, &in.EnrolDeadline} {
		trim(s)
	}
	if in.Kind == "" {
		in.Kind = "cme_project"
	}
	if in.Year == 0 && len(in.StartDate) >= 4 {
		in.Year, _ = strconv.Atoi(in.StartDate[:4])
	}
}

// ParseQuarters reads hours written as a decimal ("1.5") into quarter hours;
// anything not a whole number of quarter hours is refused.
func ParseQuarters(s string) (int, bool) {
	r, ok := new(big.Rat).SetString(strings.TrimSpace(s))
	if !ok || r.Sign() < 0 || len(s) > 12 {
		return 0, false
	}
	r.Mul(r, big.NewRat(4, 1))
	if !r.IsInt() || !r.Num().IsInt64() || r.Num().Int64() > 100000 {
		return 0, false
	}
	return int(r.Num().Int64()), true
}

// ParseHundredths reads a decimal amount with at most two places.
func ParseHundredths(s string) (int, bool) {
	r, ok := new(big.Rat).SetString(strings.TrimSpace(s))
	if !ok || r.Sign() < 0 || len(s) > 12 {
		return 0, false
	}
	r.Mul(r, big.NewRat(100, 1))
	if !r.IsInt() || !r.Num().IsInt64() || r.Num().Int64() > 10000000 {
		return 0, false
	}
	return int(r.Num().Int64()), true
}

// ValidDate reports whether s is a YYYY-MM-DD date.
func ValidDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

func (in Input) check(ctx context.Context, q store.Querier) (validate.Errors, int, int, error) {
	var es validate.Errors
	es.OneOf("kind", in.Kind, Kinds)
	es.OneOf("level", in.Level, Levels)
	if in.TitleZH == "" && in.TitleEN == "" {
		es.Add("title_zh", "error.required")
	}
	es.MaxLen("title_zh", in.TitleZH, 200)
	es.MaxLen("title_en", in.TitleEN, 300)
	es.MaxLen("discipline", in.Discipline, 100)
	es.MaxLen("audience", in.Audience, 300)
	quarters, ok := ParseQuarters(in.PlannedHours)
	if !ok || quarters == 0 {
		es.Add("planned_hours", "error.quarter_hours")
	}
	credits := 0
	if in.Credits != "" {
		if credits, ok = ParseHundredths(in.Credits); !ok {
			es.Add("credits", "error.amount")
		}
	}
	if !ValidDate(in.StartDate) {
		es.Add("start_date", "error.date")
	}
	if !ValidDate(in.EndDate) {
		es.Add("end_date", "error.date")
	} else if ValidDate(in.StartDate) && in.EndDate < in.StartDate {
		es.Add("end_date", "error.end_before_start")
	}
	if ValidDate(in.StartDate) && strconv.Itoa(in.Year) != in.StartDate[:4] {
		es.Add("year", "error.year_of_start")
	}
	if in.EnrolDeadline != "" {
		if !ValidDate(in.EnrolDeadline) {
			es.Add("enrol_deadline", "error.date")
		} else if ValidDate(in.EndDate) && in.EnrolDeadline > in.EndDate {
			es.Add("enrol_deadline", "error.deadline_after_end")
		}
	}
	if in.Capacity < 0 || in.Capacity > 100000 {
		es.Add("capacity", "error.range", 0, 100000)
	}
	if in.MinAttendancePct < 0 || in.MinAttendancePct > 100 {
		es.Add("min_attendance_pct", "error.range", 0, 100)
	}
	if in.InstitutionID == 0 {
		es.Add("institution_id", "error.required")
	}
	if in.DirectorID == 0 {
		es.Add("director_id", "error.required")
	}
	if len(es) > 0 {
		return es, 0, 0, nil
	}
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM institutions WHERE id = ?`, in.InstitutionID).Scan(&n); err != nil {
		return nil, 0, 0, err
	}
	if n == 0 {
		es.Add("institution_id", "error.not_found")
	}
	if in.DepartmentID != 0 {
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM departments WHERE id = ? AND institution_id = ?`, in.DepartmentID, in.InstitutionID).Scan(&n); err != nil {
			return nil, 0, 0, err
		}
		if n == 0 {
			es.Add("department_id", "error.not_found")
		}
	}
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM people WHERE id = ?`, in.DirectorID).Scan(&n); err != nil {
		return nil, 0, 0, err
	}
	if n == 0 {
		es.Add("director_id", "error.not_found")
	}
	return es, quarters, credits, nil
}

func (in Input) apply(a Activity, quarters, credits int) Activity {
	a.Kind, a.Level, a.Year, a.TitleZH, a.TitleEN = in.Kind, in.Level, in.Year, in.TitleZH, in.TitleEN
	a.InstitutionID, a.DepartmentID, a.DirectorID = in.InstitutionID, in.DepartmentID, in.DirectorID
	a.Discipline, a.Audience, a.PlannedQuarters, a.CreditsHundredths = in.Discipline, in.Audience, quarters, credits
	a.Remote, a.StartDate, a.EndDate, a.Capacity, a.EnrolDeadline = in.Remote, in.StartDate, in.EndDate, in.Capacity, in.EnrolDeadline
	a.MinAttendancePct, a.AssessmentRequired, a.EvaluationRequired = in.MinAttendancePct, in.AssessmentRequired, in.EvaluationRequired
	return a
}

// InputOf is the input that would write a as it is (for edit forms).
func InputOf(a Activity) Input {
	return Input{Kind: a.Kind, Level: a.Level, Year: a.Year, TitleZH: a.TitleZH, TitleEN: a.TitleEN,
		InstitutionID: a.InstitutionID, DepartmentID: a.DepartmentID, DirectorID: a.DirectorID,
		Discipline: a.Discipline, Audience: a.Audience, PlannedHours: Hours(a.PlannedQuarters),
		Credits: Amount(a.CreditsHundredths), Remote: a.Remote, StartDate: a.StartDate, EndDate: a.EndDate,
		Capacity: a.Capacity, EnrolDeadline: a.EnrolDeadline, MinAttendancePct: a.MinAttendancePct,
		AssessmentRequired: a.AssessmentRequired, EvaluationRequired: a.EvaluationRequired}
}

func wrap(id int64, what string, err error) error {
	return fmt.Errorf("activity %d: %s: %w", id, what, err)
}
