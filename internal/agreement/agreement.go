// Package agreement keeps agreements between institutions: partnerships,
// undergraduate internship bases, postgraduate joint training bases, CME
// bases, dual degree and joint programmes. Each has two or more parties,
// terms (rights, obligations, safety guarantees), a yearly capacity per
// discipline, contacts, documents stored in the database and meetings; its
// status moves negotiating → signed → active → expiring → expired, or ends
// terminated or renewed (a renewal links the new agreement to the old one).
package agreement

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

var (
	// ErrNotFound is returned for an agreement, document or meeting that does not exist.
	ErrNotFound = errors.New("agreement: not found")
	// ErrConflict is returned when a concurrent change got there first.
	ErrConflict = errors.New("agreement: conflict")
)

// Kinds, statuses and term kinds (DESIGN.md §6), in the order forms offer them.
var (
	Kinds    = []string{"partnership", "internship_base", "postgraduate_joint_base", "cme_base", "dual_degree", "joint_programme"}
	Statuses = []string{"negotiating", "signed", "active", "expiring", "expired", "terminated", "renewed"}
	// TermKinds: rights, obligations and safety (security) guarantees.
	TermKinds = []string{"right", "obligation", "safety"}
	// Scopes says whether a partnership crosses a border.
	Scopes = []string{"international", "domestic"}
	// Levels of a CME base.
	Levels = []string{"national", "provincial"}
)

// InForce are the statuses of an agreement that binds its parties now.
var InForce = []string{"signed", "active", "expiring"}

// transitions lists where each status may go by Transition; "renewed" is
// reached only through Renew, which creates the successor.
var transitions = map[string][]string{
	"negotiating": {"signed", "terminated"},
	"signed":      {"active", "terminated"},
	"active":      {"expiring", "expired", "terminated"},
	"expiring":    {"active", "expired", "terminated"},
	"expired":     {},
	"terminated":  {},
	"renewed":     {},
}

// renewable are the statuses an agreement may be renewed from.
var renewable = []string{"signed", "active", "expiring", "expired"}

// Next returns the statuses an agreement in status may move to by Transition.
func Next(status string) []string { return slices.Clone(transitions[status]) }

// CanRenew reports whether an agreement in status may be renewed.
func CanRenew(status string) bool { return slices.Contains(renewable, status) }

const (
	maxNameLen       = 300
	maxTermLen       = 2000
	maxTerms         = 200
	maxDisciplineLen = 100
	maxCapacity      = 100000
	maxNotesLen      = 10000
	maxContactLen    = 200
	// DateLayout is how agreement and placement dates are written and stored.
	DateLayout = "2006-01-02"
)

// Party is one institution bound by an agreement.
type Party struct {
	InstitutionID int64  `json:"institution_id"`
	NameZH        string `json:"name_zh"`
	NameEN        string `json:"name_en"`
	Country       string `json:"country"`
}

// Name returns the party's name in lang.
func (p Party) Name(lang string) string {
	return institution.Institution{NameZH: p.NameZH, NameEN: p.NameEN}.Name(lang)
}

// Term is one right, obligation or safety guarantee.
type Term struct {
	Kind string `json:"kind"`
	Text string `json:"text"`
}

// Capacity is how many students or trainees a base takes in one discipline a year.
type Capacity struct {
	Discipline string `json:"discipline"`
	PerYear    int    `json:"per_year"`
}

// Contact is a person to call on one side of an agreement.
type Contact struct {
	InstitutionID int64  `json:"institution_id"`
	PersonID      int64  `json:"person_id,omitempty"`
	Name          string `json:"name"`
	Role          string `json:"role,omitempty"`
	Email         string `json:"email,omitempty"`
	Phone         string `json:"phone,omitempty"`
}

// Agreement is one agreement with its parties, terms, capacities and contacts.
type Agreement struct {
	ID          int64      `json:"id"`
	Kind        string     `json:"kind"`
	NameZH      string     `json:"name_zh"`
	NameEN      string     `json:"name_en"`
	Scope       string     `json:"scope,omitempty"`
	Level       string     `json:"level,omitempty"`
	Disciplines []string   `json:"disciplines"`
	SignedOn    string     `json:"signed_on,omitempty"`
	StartOn     string     `json:"start_on"`
	EndOn       string     `json:"end_on,omitempty"`
	Status      string     `json:"status"`
	RenewsID    int64      `json:"renews_id,omitempty"`
	RenewedByID int64      `json:"renewed_by_id,omitempty"`
	Notes       string     `json:"notes,omitempty"`
	Parties     []Party    `json:"parties"`
	Terms       []Term     `json:"terms"`
	Capacities  []Capacity `json:"capacities"`
	Contacts    []Contact  `json:"contacts"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// Name returns the agreement's name in lang.
func (a Agreement) Name(lang string) string {
	return institution.Institution{NameZH: a.NameZH, NameEN: a.NameEN}.Name(lang)
}

// PartyIDs returns the institutions bound by a.
func (a Agreement) PartyIDs() []int64 {
	out := make([]int64, len(a.Parties))
	for i, p := range a.Parties {
		out[i] = p.InstitutionID
	}
	return out
}

// TermsOf returns the texts of a's terms of one kind.
func (a Agreement) TermsOf(kind string) []string {
	var out []string
	for _, t := range a.Terms {
		if t.Kind == kind {
			out = append(out, t.Text)
		}
	}
	return out
}

// CapacityFor returns the yearly capacity for discipline and whether a
// has one; an agreement with no capacities at all sets no limit.
func (a Agreement) CapacityFor(discipline string) (int, bool) {
	for _, c := range a.Capacities {
		if c.Discipline == discipline {
			return c.PerYear, true
		}
	}
	return 0, false
}

// InForce reports whether a binds its parties now (signed, active or expiring).
func (a Agreement) InForce() bool { return slices.Contains(InForce, a.Status) }

// Input is what a form or API call sets on an agreement. Status is the
// status an agreement is recorded in (negotiating when empty): records of
// past agreements may start signed, active, expired or terminated.
type Input struct {
	Kind        string     `json:"kind"`
	NameZH      string     `json:"name_zh"`
	NameEN      string     `json:"name_en"`
	Scope       string     `json:"scope"`
	Level       string     `json:"level"`
	Disciplines []string   `json:"disciplines"`
	SignedOn    string     `json:"signed_on"`
	StartOn     string     `json:"start_on"`
	EndOn       string     `json:"end_on"`
	Status      string     `json:"status"`
	Notes       string     `json:"notes"`
	PartyIDs    []int64    `json:"party_ids"`
	Terms       []Term     `json:"terms"`
	Capacities  []Capacity `json:"capacities"`
	Contacts    []Contact  `json:"contacts"`
}

func (in *Input) normalize() {
	in.Kind = strings.TrimSpace(in.Kind)
	in.NameZH = strings.TrimSpace(in.NameZH)
	in.NameEN = strings.TrimSpace(in.NameEN)
	in.Scope = strings.TrimSpace(in.Scope)
	in.Level = strings.TrimSpace(in.Level)
	in.SignedOn = strings.TrimSpace(in.SignedOn)
	in.StartOn = strings.TrimSpace(in.StartOn)
	in.EndOn = strings.TrimSpace(in.EndOn)
	in.Status = strings.TrimSpace(in.Status)
	if in.Status == "" {
		in.Status = "negotiating"
	}
	in.Notes = strings.TrimSpace(in.Notes)
	var ds []string
	for _, d := range in.Disciplines {
		if d = strings.TrimSpace(d); d != "" && !slices.Contains(ds, d) {
			ds = append(ds, d)
		}
	}
	for i := range in.Capacities {
		in.Capacities[i].Discipline = strings.TrimSpace(in.Capacities[i].Discipline)
		if d := in.Capacities[i].Discipline; d != "" && !slices.Contains(ds, d) {
			ds = append(ds, d)
		}
	}
	in.Disciplines = ds
	var ts []Term
	for _, t := range in.Terms {
		t.Kind, t.Text = strings.TrimSpace(t.Kind), strings.TrimSpace(t.Text)
		if t.Text != "" {
			ts = append(ts, t)
		}
	}
	in.Terms = ts
	for i := range in.Contacts {
		c := &in.Contacts[i]
		c.Name, c.Role = strings.TrimSpace(c.Name), strings.TrimSpace(c.Role)
		c.Email, c.Phone = validate.NormalizeEmail(c.Email), validate.NormalizePhone(c.Phone)
	}
}

// ParseDate reads a 'YYYY-MM-DD' date.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return t, nil
}

// checkDate adds agreement.invalid_date when a non-empty s is not a date.
func checkDate(es *validate.Errors, field, s string, required bool) bool {
	if s == "" {
		if required {
			es.Add(field, "error.required")
		}
		return false
	}
	if _, err := ParseDate(s); err != nil {
		es.Add(field, "agreement.invalid_date")
		return false
	}
	return true
}

// creatable are the statuses an agreement may be recorded in.
var creatable = []string{"negotiating", "signed", "active", "expiring", "expired", "terminated"}

func (in Input) check(ctx context.Context, q store.Querier) (validate.Errors, error) {
	var es validate.Errors
	if in.Kind == "" {
		es.Add("kind", "error.required")
	} else {
		es.OneOf("kind", in.Kind, Kinds)
	}
	if in.NameZH == "" && in.NameEN == "" {
		es.Add("name_zh", "error.name_required")
	}
	es.MaxLen("name_zh", in.NameZH, maxNameLen)
	es.MaxLen("name_en", in.NameEN, maxNameLen)
	if in.Scope != "" {
		es.OneOf("scope", in.Scope, Scopes)
	}
	if in.Level != "" {
		es.OneOf("level", in.Level, Levels)
	}
	es.OneOf("status", in.Status, creatable)
	es.MaxLen("notes", in.Notes, maxNotesLen)
	startOK := checkDate(&es, "start_on", in.StartOn, true)
	endOK := checkDate(&es, "end_on", in.EndOn, false)
	checkDate(&es, "signed_on", in.SignedOn, in.Status != "negotiating")
	if startOK && endOK && in.EndOn < in.StartOn {
		es.Add("end_on", "agreement.end_before_start")
	}
	for _, d := range in.Disciplines {
		es.MaxLen("disciplines", d, maxDisciplineLen)
	}
	if len(in.Terms) > maxTerms {
		es.Add("terms", "agreement.too_many_terms", maxTerms)
	}
	for _, t := range in.Terms {
		if !slices.Contains(TermKinds, t.Kind) {
			es.Add("terms", "error.invalid_choice", strings.Join(TermKinds, ", "))
			break
		}
		es.MaxLen("terms", t.Text, maxTermLen)
	}
	seen := map[string]bool{}
	for _, c := range in.Capacities {
		switch {
		case c.Discipline == "":
			es.Add("capacities", "agreement.capacity_discipline_required")
		case seen[c.Discipline]:
			es.Add("capacities", "agreement.capacity_duplicate", c.Discipline)
		case c.PerYear < 1 || c.PerYear > maxCapacity:
			es.Add("capacities", "error.out_of_range", 1, maxCapacity)
		}
		seen[c.Discipline] = true
	}
	parties := map[int64]bool{}
	for _, id := range in.PartyIDs {
		if parties[id] {
			es.Add("party_ids", "agreement.party_twice")
			continue
		}
		parties[id] = true
		if _, err := institution.Get(ctx, q, id); errors.Is(err, institution.ErrNotFound) {
			es.Add("party_ids", "error.no_such_record")
		} else if err != nil {
			return nil, err
		}
	}
	if len(parties) < 2 {
		es.Add("party_ids", "agreement.two_parties")
	}
	for _, c := range in.Contacts {
		if !parties[c.InstitutionID] {
			es.Add("contacts", "agreement.contact_not_party")
		}
		if c.Name == "" && c.PersonID == 0 {
			es.Add("contacts", "error.name_required")
		}
		es.MaxLen("contacts", c.Name, maxContactLen)
		es.MaxLen("contacts", c.Role, maxContactLen)
		es.Email("contacts", c.Email)
		es.Phone("contacts", c.Phone)
	}
	return es, nil
}
