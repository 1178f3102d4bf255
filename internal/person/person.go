// Package person holds the people MedEd keeps records for: staff, students
// and outside participants, each belonging to one institution and
// optionally one of its departments.
package person

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// ErrNotFound is returned for a person who does not exist.
var ErrNotFound = errors.New("person: not found")

// The allowed values of Gender, Title and Category (DESIGN.md §6), in the
// order forms offer them.
var (
	Genders    = []string{"female", "male", "other", "unknown"}
	Titles     = []string{"junior", "intermediate", "associate_senior", "senior", "none"}
	Categories = []string{"physician", "nurse", "technician", "pharmacist", "resident", "student", "teacher", "administrator", "other"}
)

// The values an empty Gender, Title or Category is stored as, as in the schema.
const (
	DefaultGender   = "unknown"
	DefaultTitle    = "none"
	DefaultCategory = "other"
)

const (
	maxNameLen        = 100
	maxStaffNumberLen = 50
	maxEmailLen       = 254
)

// Person is one person. NationalID is held in full; pages show
// MaskedNationalID and the audit log masks it.
type Person struct {
	ID            int64  `json:"id"`
	NameZH        string `json:"name_zh"`
	NameEN        string `json:"name_en"`
	Gender        string `json:"gender"`
	Title         string `json:"title"`
	Category      string `json:"category"`
	InstitutionID int64  `json:"institution_id"`
	DepartmentID  int64  `json:"department_id"`
	StaffNumber   string `json:"staff_number"`
	Phone         string `json:"phone"`
	Email         string `json:"email"`
	NationalID    string `json:"national_id"`
	// MergedInto is the record this one was merged into, 0 for a record in
	// use: a merged record is an alias kept so old links and chains resolve.
	MergedInto int64     `json:"merged_into,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Name returns the name to show in lang: "zh-CN" prefers the Chinese name,
// anything else the English one, each falling back to the other.
func (p Person) Name(lang string) string {
	first, second := p.NameEN, p.NameZH
	if strings.HasPrefix(lang, "zh") {
		first, second = p.NameZH, p.NameEN
	}
	if first != "" {
		return first
	}
	return second
}

// MaskedNationalID returns the national ID with all but its last four
// characters hidden.
func (p Person) MaskedNationalID() string {
	if p.NationalID == "" {
		return ""
	}
	return audit.MaskTail(p.NationalID)
}

// Input is what a form, an import row or an API call sets on a person.
// Empty Gender, Title and Category mean unknown, none and other.
type Input struct {
	NameZH        string `json:"name_zh"`
	NameEN        string `json:"name_en"`
	Gender        string `json:"gender"`
	Title         string `json:"title"`
	Category      string `json:"category"`
	InstitutionID int64  `json:"institution_id"`
	DepartmentID  int64  `json:"department_id"`
	StaffNumber   string `json:"staff_number"`
	Phone         string `json:"phone"`
	Email         string `json:"email"`
	NationalID    string `json:"national_id"`
}

func (in *Input) normalize() {
	in.NameZH = strings.TrimSpace(in.NameZH)
	in.NameEN = strings.TrimSpace(in.NameEN)
	in.Gender = orDefault(strings.TrimSpace(in.Gender), DefaultGender)
	in.Title = orDefault(strings.TrimSpace(in.Title), DefaultTitle)
	in.Category = orDefault(strings.TrimSpace(in.Category), DefaultCategory)
	in.StaffNumber = strings.TrimSpace(in.StaffNumber)
	in.Phone = validate.NormalizePhone(in.Phone)
	in.Email = validate.NormalizeEmail(in.Email)
	in.NationalID = NormalizeNationalID(in.NationalID)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// check validates a normalized input for person id (0 for a new one).
func (in Input) check(ctx context.Context, q store.Querier, id int64) (validate.Errors, error) {
	var es validate.Errors
	if in.NameZH == "" && in.NameEN == "" {
		es.Add("name_zh", "error.name_required")
	}
	es.MaxLen("name_zh", in.NameZH, maxNameLen)
	es.MaxLen("name_en", in.NameEN, maxNameLen)
	es.OneOf("gender", in.Gender, Genders)
	es.OneOf("title", in.Title, Titles)
	es.OneOf("category", in.Category, Categories)
	es.MaxLen("staff_number", in.StaffNumber, maxStaffNumberLen)
	es.Phone("phone", in.Phone)
	es.MaxLen("email", in.Email, maxEmailLen)
	if !es.Has("email") {
		es.Email("email", in.Email)
	}
	if !ValidNationalID(in.NationalID) {
		es.Add("national_id", "error.invalid_national_id")
	}

	institutionOK := false
	if in.InstitutionID == 0 {
		es.Add("institution_id", "error.required")
	} else if _, err := institution.Get(ctx, q, in.InstitutionID); errors.Is(err, institution.ErrNotFound) {
		es.Add("institution_id", "error.no_such_record")
	} else if err != nil {
		return nil, err
	} else {
		institutionOK = true
	}
	if in.DepartmentID != 0 {
		d, err := institution.GetDepartment(ctx, q, in.DepartmentID)
		switch {
		case errors.Is(err, institution.ErrNotFound):
			es.Add("department_id", "error.no_such_record")
		case err != nil:
			return nil, err
		case institutionOK && d.InstitutionID != in.InstitutionID:
			es.Add("department_id", "error.department_mismatch")
		}
	}
	if institutionOK && in.StaffNumber != "" && !es.Has("staff_number") {
		var other int64
		err := q.QueryRow(ctx, `SELECT id FROM people WHERE institution_id = ? AND staff_number = ? AND id <> ?`,
			in.InstitutionID, in.StaffNumber, id).Scan(&other)
		if err == nil {
			es.Add("staff_number", "error.duplicate")
		} else if !isNoRows(err) {
			return nil, fmt.Errorf("person: check staff number: %w", err)
		}
	}
	return es, nil
}
