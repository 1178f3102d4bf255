// Package institution holds the universities, colleges, hospitals and other
// bodies MedEd works with, their parent/child tree (a college of a university,
// an affiliated hospital) and their departments.
package institution

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/meded/meded/internal/geo"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// ErrNotFound is returned for an institution or department that does not exist.
var ErrNotFound = errors.New("institution: not found")

// Kind says what an institution is.
type Kind string

const (
	University         Kind = "university"
	College            Kind = "college"
	AffiliatedHospital Kind = "affiliated_hospital"
	Hospital           Kind = "hospital"
	OutsideUniversity  Kind = "outside_university"
	OutsideHospital    Kind = "outside_hospital"
	Society            Kind = "society"
	GovernmentBody     Kind = "government_body"
	Other              Kind = "other"
)

// Kinds lists every kind in the order forms offer them.
var Kinds = []Kind{University, College, AffiliatedHospital, Hospital, OutsideUniversity, OutsideHospital, Society, GovernmentBody, Other}

// Grade is a hospital's grade in the Chinese tiered system; rule sets tie
// some requirements to it (the five-year national-credit rule for staff of
// tertiary hospitals). "" means not recorded.
type Grade string

const (
	Tertiary  Grade = "tertiary"
	Secondary Grade = "secondary"
	Primary   Grade = "primary"
)

// Grades lists every grade in the order forms offer them.
var Grades = []Grade{Tertiary, Secondary, Primary}

// DefaultTimeZone is the zone of an institution that names none.
const DefaultTimeZone = "Asia/Shanghai"

const (
	maxNameLen  = 200
	maxPlaceLen = 100
	minFounded  = 1000
)

// Institution is one university, hospital, society or other body.
type Institution struct {
	ID       int64  `json:"id"`
	Kind     Kind   `json:"kind"`
	NameZH   string `json:"name_zh"`
	NameEN   string `json:"name_en"`
	ParentID int64  `json:"parent_id"`
	Country  string `json:"country"`
	Region   string `json:"region"`
	City     string `json:"city"`
	Founded  int    `json:"founded"`
	TimeZone string `json:"time_zone"`
	Grade    Grade  `json:"grade"`
	// ProvincialLevel marks a provincial-level unit, whose staff the Chinese
	// rules hold to the same five-year national-credit rule as tertiary
	// hospitals' staff.
	ProvincialLevel bool      `json:"provincial_level"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// Name returns the name to show in lang: "zh-CN" prefers the Chinese name,
// anything else the English one, each falling back to the other.
func (i Institution) Name(lang string) string { return pickName(lang, i.NameZH, i.NameEN) }

// Continent returns the continent of the institution's country, or "".
func (i Institution) Continent() geo.Continent { return geo.ContinentOf(i.Country) }

// Location returns the institution's time zone, UTC if it cannot be loaded.
func (i Institution) Location() *time.Location {
	if loc, err := time.LoadLocation(i.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

func pickName(lang, zh, en string) string {
	first, second := en, zh
	if strings.HasPrefix(lang, "zh") {
		first, second = zh, en
	}
	if first != "" {
		return first
	}
	return second
}

// Input is what a form or API call sets on an institution.
type Input struct {
	Kind     Kind   `json:"kind"`
	NameZH   string `json:"name_zh"`
	NameEN   string `json:"name_en"`
	ParentID int64  `json:"parent_id"`
	Country  string `json:"country"`
	Region   string `json:"region"`
	City     string `json:"city"`
	Founded  int    `json:"founded"`
	TimeZone string `json:"time_zone"`
	Grade    Grade  `json:"grade"`
	// ProvincialLevel: see Institution.ProvincialLevel.
	ProvincialLevel bool `json:"provincial_level"`
}

// Attributes are the traits a rule set's requirement can be limited to
// ("applies_to"): the grade and "provincial_level".
func (i Institution) Attributes() []string {
	var out []string
	if i.Grade != "" {
		out = append(out, string(i.Grade))
	}
	if i.ProvincialLevel {
		out = append(out, "provincial_level")
	}
	return out
}

func (in *Input) normalize() {
	in.NameZH = strings.TrimSpace(in.NameZH)
	in.NameEN = strings.TrimSpace(in.NameEN)
	in.Country = strings.ToUpper(strings.TrimSpace(in.Country))
	in.Region = strings.TrimSpace(in.Region)
	in.City = strings.TrimSpace(in.City)
	in.TimeZone = strings.TrimSpace(in.TimeZone)
	in.Grade = Grade(strings.TrimSpace(string(in.Grade)))
	if in.TimeZone == "" {
		in.TimeZone = DefaultTimeZone
	}
}

// check validates a normalized input. id is the institution being updated,
// 0 for a new one.
func (in Input) check(ctx context.Context, q store.Querier, id int64) (validate.Errors, error) {
	var es validate.Errors
	if in.Kind == "" {
		es.Add("kind", "error.required")
	} else {
		es.OneOf("kind", string(in.Kind), kindStrings())
	}
	checkNames(&es, in.NameZH, in.NameEN)
	if in.Country != "" && !geo.Valid(in.Country) {
		es.Add("country", "error.invalid_country")
	}
	if in.Grade != "" {
		grades := make([]string, len(Grades))
		for i, g := range Grades {
			grades[i] = string(g)
		}
		es.OneOf("grade", string(in.Grade), grades)
	}
	es.MaxLen("region", in.Region, maxPlaceLen)
	es.MaxLen("city", in.City, maxPlaceLen)
	// "Local" loads, but would mean whatever zone the server runs in.
	if _, err := time.LoadLocation(in.TimeZone); err != nil || in.TimeZone == "Local" {
		es.Add("time_zone", "error.invalid_time_zone")
	}
	if year := store.Now().Year(); in.Founded != 0 && (in.Founded < minFounded || in.Founded > year) {
		es.Add("founded", "error.out_of_range", minFounded, year)
	}
	switch {
	case in.ParentID < 0:
		es.Add("parent_id", "error.no_such_record")
	case in.ParentID > 0 && in.ParentID == id:
		es.Add("parent_id", "error.parent_cycle")
	case in.ParentID > 0:
		if _, err := Get(ctx, q, in.ParentID); errors.Is(err, ErrNotFound) {
			es.Add("parent_id", "error.no_such_record")
		} else if err != nil {
			return nil, err
		} else if id != 0 {
			below, err := Descendants(ctx, q, id)
			if err != nil {
				return nil, err
			}
			for _, d := range below {
				if d == in.ParentID {
					es.Add("parent_id", "error.parent_cycle")
				}
			}
		}
	}
	return es, nil
}

func checkNames(es *validate.Errors, zh, en string) {
	if zh == "" && en == "" {
		es.Add("name_zh", "error.name_required")
	}
	es.MaxLen("name_zh", zh, maxNameLen)
	es.MaxLen("name_en", en, maxNameLen)
}

func kindStrings() []string {
	out := make([]string, len(Kinds))
	for i, k := range Kinds {
		out[i] = string(k)
	}
	return out
}

// lockTree serialises changes to the parent/child tree on PostgreSQL, where
// two transactions could otherwise each pass the cycle check and together
// make a loop. SQLite already has a single writer.
func lockTree(ctx context.Context, tx *store.Tx) error {
	if tx.Dialect() != store.Postgres {
		return nil
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(?)`, treeLockID); err != nil {
		return fmt.Errorf("institution: lock tree: %w", err)
	}
	return nil
}

const treeLockID int64 = 0x4d65644564_01 // "MedEd" + 1: unlike the migration lock
