// Package activity keeps CME activities (projects now; series, training
// classes, conferences and workshops later): their level, organiser,
// director, plan, completion rule, outside approval and lifecycle from draft
// to archived, with a status history and a notice to the director at each step.
package activity

import (
	"errors"
	"strings"
	"time"
)

// Allowed values (DESIGN §6).
var (
	Kinds    = []string{"cme_project", "series", "training_class", "conference", "workshop"}
	Levels   = []string{"national", "provincial", "municipal", "institutional", "none"}
	Statuses = []string{"draft", "submitted", "approved", "rejected", "running", "closed", "archived"}
)

var (
	// ErrNotFound: no activity with that id.
	ErrNotFound = errors.New("activity: not found")
	// ErrConflict: the change does not fit the activity's present state.
	ErrConflict = errors.New("activity: conflict")
)

// Activity is one CME project (or, later, another kind of activity). Hours
// are quarter hours and credits hundredths, so amounts are exact.
type Activity struct {
	ID                 int64     `json:"id"`
	Kind               string    `json:"kind"`
	Level              string    `json:"level"`
	Status             string    `json:"status"`
	Code               string    `json:"code"`
	Year               int       `json:"year"`
	TitleZH            string    `json:"title_zh"`
	TitleEN            string    `json:"title_en"`
	InstitutionID      int64     `json:"institution_id"`
	DepartmentID       int64     `json:"department_id"`
	DirectorID         int64     `json:"director_id"`
	Discipline         string    `json:"discipline"`
	Audience           string    `json:"audience"`
	PlannedQuarters    int       `json:"planned_quarters"`
	CreditsHundredths  int       `json:"credits_hundredths"`
	Remote             bool      `json:"remote"`
	StartDate          string    `json:"start_date"`
	EndDate            string    `json:"end_date"`
	Capacity           int       `json:"capacity"`
	EnrolDeadline      string    `json:"enrol_deadline"`
	MinAttendancePct   int       `json:"min_attendance_pct"`
	AssessmentRequired bool      `json:"assessment_required"`
	EvaluationRequired bool      `json:"evaluation_required"`
	ApprovingBody      string    `json:"approving_body"`
	DocumentNumber     string    `json:"document_number"`
	ApprovedHundredths int       `json:"approved_hundredths"`
	ApprovedQuarters   int       `json:"approved_quarters"`
	RejectReason       string    `json:"reject_reason"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
}

// Title is the title in lang, falling back to the other language.
func (a Activity) Title(lang string) string {
	if lang == "en" && a.TitleEN != "" || a.TitleZH == "" {
		return a.TitleEN
	}
	return a.TitleZH
}

// ApprovedOutside reports whether the level is approved by a body outside
// the hospital (national and provincial projects).
func ApprovedOutside(level string) bool { return level == "national" || level == "provincial" }

// Enrollable reports whether learners may enrol on day (YYYY-MM-DD).
func (a Activity) Enrollable(day string) bool {
	if a.Status != "approved" && a.Status != "running" {
		return false
	}
	return a.EnrolDeadline == "" || day <= a.EnrolDeadline
}

// Hours formats quarter hours as hours ("1.5", "2", "0.25").
func Hours(quarters int) string {
	whole, frac := quarters/4, quarters%4
	s := itoa(whole)
	switch frac {
	case 1:
		s += ".25"
	case 2:
		s += ".5"
	case 3:
		s += ".75"
	}
	return s
}

// Amount formats hundredths as a decimal ("2", "0.5", "1.25").
func Amount(h int) string {
	s := itoa(h/100) + "." + strings.TrimRight(pad2(h%100), "0")
	return strings.TrimSuffix(s, ".")
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}

func pad2(n int) string {
	if n < 10 {
		return "0" + itoa(n)
	}
	return itoa(n)
}

// Zone is where activity dates are read (the hospitals' zone).
var Zone = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}()

// Today is today's date in Zone.
func Today() string { return time.Now().In(Zone).Format(time.DateOnly) }

// PlannedHours is the planned hours as a decimal.
func (a Activity) PlannedHours() string { return Hours(a.PlannedQuarters) }

// Credits is the planned credits as a decimal.
func (a Activity) Credits() string { return Amount(a.CreditsHundredths) }

// ApprovedCredits and ApprovedHours are the figures of the outside approval.
func (a Activity) ApprovedCredits() string { return Amount(a.ApprovedHundredths) }

// ApprovedHours is the approved hours as a decimal.
func (a Activity) ApprovedHours() string { return Hours(a.ApprovedQuarters) }
