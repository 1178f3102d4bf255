// Package rules holds credit rule sets as data: named, versioned profiles
// saying how study becomes credits (per project level, session format and
// role), which caps apply, and what a person must reach each year or cycle.
// Every figure lives in a profile, never in code; a profile derived from
// another (a province's override) states only what differs.
package rules

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
)

// Profile is one rule set. Amounts are hundredths of a credit; hours are
// hundredths of a study hour.
type Profile struct {
	ID          string                    `json:"id"`
	Version     int                       `json:"version"`
	Name        map[string]string         `json:"name"`
	Extends     string                    `json:"extends,omitempty"`
	Sources     []Source                  `json:"sources"`
	Classes     bool                      `json:"classes"`  // Class I/II exist; otherwise every credit is class "none"
	Rounding    string                    `json:"rounding"` // "hundredth" (half up) or "quarter" (down to quarter credits)
	Projects    map[string]Rate           `json:"projects"` // by level: national, provincial, municipal, institutional
	Remote      *Rate                     `json:"remote,omitempty"`
	Sessions    map[string]Rate           `json:"sessions"` // by session format, for unit lectures, case discussions, rounds…
	YearCaps    []YearCap                 `json:"year_caps"`
	SelfStudy   *SelfStudy                `json:"self_study,omitempty"`
	Further     *FurtherStudy             `json:"further_study,omitempty"`
	SelfReport  map[string]SelfReportRate `json:"self_report,omitempty"` // by self-report category
	Require     []Requirement             `json:"requirements"`
	Substitute  int                       `json:"substitution_percent"` // how much of one class's requirement the other class may cover
	AtRiskShare string                    `json:"at_risk"`              // "pro_rata": at risk when below the share of the period elapsed
	// PresentRounding turns minutes actually present (sessions with
	// check-out) into the quarter hours credit counts: "down" (the
	// default) or "nearest" (half up).
	PresentRounding string `json:"present_rounding,omitempty"`
}

// Source cites where a figure comes from and how sure it is.
type Source struct {
	Text   string `json:"text"`
	Status string `json:"status"` // confirmed, secondary, unconfirmed
	URL    string `json:"url,omitempty"`
}

// Rate converts study to credits for one project level or session format.
type Rate struct {
	Class                 string `json:"class"`
	ParticipantHoursPer   int64  `json:"participant_hours_per_credit,omitempty"` // hours (hundredths) for one credit
	LecturerPerHour       int64  `json:"lecturer_credits_per_hour,omitempty"`    // credits (hundredths) per hour taught
	ParticipantPerSession int64  `json:"participant_per_session,omitempty"`      // credits (hundredths) for attending one session
	LecturerPerSession    int64  `json:"lecturer_per_session,omitempty"`         // credits (hundredths) for giving one session
	ProjectCap            int64  `json:"project_cap,omitempty"`                  // most credits (hundredths) one person earns from one project
	Category              string `json:"category"`                               // ledger category the credits are booked under
}

// YearCap limits what a category counts towards a year's requirement.
type YearCap struct {
	Categories []string `json:"categories"`
	Role       string   `json:"role,omitempty"` // "" for every role
	Amount     int64    `json:"amount"`
}

// SelfStudy: written reviews and similar, by characters.
type SelfStudy struct {
	Class         string `json:"class"`
	CharactersPer int64  `json:"characters_per_credit"`
	Category      string `json:"category"`
}

// FurtherStudy: credits per month at a host institution, and the months that
// complete a whole year's requirement.
type FurtherStudy struct {
	Class          string `json:"class"`
	PerMonth       int64  `json:"per_month"`
	FullYearMonths int    `json:"full_year_months"`
	Category       string `json:"category"`
}

// Requirement is one thing a person must reach in a period of whole years
// ending with the year evaluated.
type Requirement struct {
	ID          string `json:"id"`
	PeriodYears int    `json:"period_years"`
	Class       string `json:"class,omitempty"`    // "" for every class
	Category    string `json:"category,omitempty"` // "" for every category
	MinCredits  int64  `json:"min_credits,omitempty"`
	MinHours    int64  `json:"min_hours,omitempty"`
	// AppliesTo limits the requirement to staff of institutions with one of
	// these attributes (a grade such as "tertiary", or "provincial_level");
	// empty means everyone.
	AppliesTo Attributes `json:"applies_to,omitempty"`
}

// InstitutionAttributes are the values AppliesTo may name.
var InstitutionAttributes = []string{"tertiary", "secondary", "primary", "provincial_level"}

// Attributes is a list of institution attributes. In JSON it is an array,
// or a single string for the older one-value form.
type Attributes []string

// UnmarshalJSON accepts "tertiary" as well as ["tertiary", "provincial_level"].
func (a *Attributes) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = nil
		if one != "" {
			*a = Attributes{one}
		}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*a = many
	return nil
}

// Applies says whether a requirement limited to a binds staff of an
// institution with attrs.
func (a Attributes) Applies(attrs []string) bool {
	if len(a) == 0 {
		return true
	}
	for _, x := range a {
		if slices.Contains(attrs, x) {
			return true
		}
	}
	return false
}

//go:embed profiles/*.json
var shipped embed.FS

// Shipped returns the profiles MedEd ships, resolved (extensions applied).
func Shipped() (map[string]Profile, error) {
	raw := map[string][]byte{}
	files, err := fs.Glob(shipped, "profiles/*.json")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		b, err := fs.ReadFile(shipped, f)
		if err != nil {
			return nil, err
		}
		var head struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(b, &head); err != nil {
			return nil, fmt.Errorf("rules: %s: %w", f, err)
		}
		raw[head.ID] = b
	}
	out := map[string]Profile{}
	for id := range raw {
		p, err := Resolve(id, func(id string) ([]byte, bool) { b, ok := raw[id]; return b, ok })
		if err != nil {
			return nil, err
		}
		out[id] = p
	}
	return out, nil
}

// ShippedJSON returns the JSON document of a shipped profile, unresolved.
func ShippedJSON(id string) ([]byte, bool) {
	files, _ := fs.Glob(shipped, "profiles/*.json")
	for _, f := range files {
		b, err := fs.ReadFile(shipped, f)
		if err != nil {
			continue
		}
		var head struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(b, &head) == nil && head.ID == id {
			return b, true
		}
	}
	return nil, false
}

// ShippedIDs lists the shipped profile ids, sorted.
func ShippedIDs() []string {
	all, _ := Shipped()
	ids := make([]string, 0, len(all))
	for id := range all {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Resolve builds profile id, applying each "extends" as a JSON merge patch
// (RFC 7386) over its base, and validates the result.
func Resolve(id string, lookup func(id string) ([]byte, bool)) (Profile, error) {
	doc, err := resolveDoc(id, lookup, map[string]bool{})
	if err != nil {
		return Profile{}, err
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return Profile{}, err
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	var p Profile
	if err := dec.Decode(&p); err != nil {
		return Profile{}, fmt.Errorf("rules: profile %s: %w", id, err)
	}
	if es := p.Validate(); len(es) > 0 {
		return Profile{}, fmt.Errorf("rules: profile %s: %w", id, es)
	}
	return p, nil
}

func resolveDoc(id string, lookup func(string) ([]byte, bool), seen map[string]bool) (map[string]any, error) {
	if seen[id] {
		return nil, fmt.Errorf("rules: profile %s extends itself", id)
	}
	seen[id] = true
	b, ok := lookup(id)
	if !ok {
		return nil, fmt.Errorf("rules: no profile %q", id)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("rules: profile %s: %w", id, err)
	}
	base, _ := doc["extends"].(string)
	if base == "" {
		return doc, nil
	}
	parent, err := resolveDoc(base, lookup, seen)
	if err != nil {
		return nil, err
	}
	merged := mergePatch(parent, doc).(map[string]any)
	merged["extends"] = base
	// A derived profile cites its own sources besides its base's.
	parentSources, _ := parent["sources"].([]any)
	ownSources, _ := doc["sources"].([]any)
	merged["sources"] = append(append([]any{}, parentSources...), ownSources...)
	return merged, nil
}

// mergePatch applies patch to target as RFC 7386 says: objects merge key by
// key, null removes, anything else replaces.
func mergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = map[string]any{}
	}
	out := make(map[string]any, len(t))
	for k, v := range t {
		out[k] = v
	}
	for k, v := range p {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = mergePatch(out[k], v)
	}
	return out
}
