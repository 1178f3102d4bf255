package selfreport

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/meded/meded/internal/rules"
	"github.com/meded/meded/internal/validate"
)

// Field kinds: what a detail holds and how it is checked.
const (
	KindText       = "text"
	KindCharacters = "characters" // a whole number of characters written
	KindHours      = "hours"      // a decimal number of study hours
	KindLevel      = "level"      // one of the rule set's levels for the category
	KindRank       = "rank"       // author or member rank, 1 for the first
)

// Field is one detail a category asks for.
type Field struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Required bool   `json:"required"`
}

// fields are the details of each category, in the order a form shows them.
// Characters, hours, level and rank are also required whenever the rule set
// computes the credits from them (see Fields).
var fields = map[string][]Field{
	"self_study":       {{"characters", KindCharacters, true}, {"material", KindText, false}},
	"paper":            {{"journal", KindText, true}, {"level", KindLevel, true}, {"author_rank", KindRank, true}, {"issue", KindText, false}, {"doi", KindText, false}},
	"research_project": {{"project_number", KindText, true}, {"funder", KindText, true}, {"level", KindLevel, true}, {"member_rank", KindRank, true}},
	"book":             {{"publisher", KindText, true}, {"characters", KindCharacters, true}, {"isbn", KindText, false}},
	"degree_study":     {{"programme", KindText, true}, {"school", KindText, true}, {"hours", KindHours, false}},
	"practice":         {{"organiser", KindText, true}, {"hours", KindHours, false}},
	"government_task":  {{"task", KindText, true}, {"organiser", KindText, true}, {"hours", KindHours, false}},
	"outside_cme":      {{"organiser", KindText, true}, {"certificate_number", KindText, true}, {"project_code", KindText, false}, {"hours", KindHours, true}},
}

// Fields returns the details a category asks for under profile p: a
// number the rule set computes credits from is required even where the
// category alone would leave it optional.
func Fields(category string, p rules.Profile) []Field {
	method := p.SelfReportMethod(category)
	out := slices.Clone(fields[category])
	for i, f := range out {
		if (method == "hours" && f.Kind == KindHours) || (method == "characters" && f.Kind == KindCharacters) {
			out[i].Required = true
		}
	}
	return out
}

const maxDetailLen = 300

// ParseDetails checks the details of a report of category against its
// fields and profile p, returning them normalised (trimmed, numbers in
// canonical form; hours in hundredths) and the claim the rule set reads.
// Errors are on "details.<name>". Unknown details are refused, so a typo
// in an API call does not silently drop what the sender meant.
func ParseDetails(category string, p rules.Profile, in map[string]string) (map[string]string, rules.SelfReportClaim, validate.Errors) {
	var es validate.Errors
	out := map[string]string{}
	var claim rules.SelfReportClaim
	spec := Fields(category, p)
	for name := range in {
		if !slices.ContainsFunc(spec, func(f Field) bool { return f.Name == name }) {
			key := name
			if !utf8.ValidString(key) || len(key) > 64 {
				key = "?"
			}
			es.Add("details."+key, "selfreport.unknown_detail")
		}
	}
	for _, f := range spec {
		field := "details." + f.Name
		v := strings.TrimSpace(in[f.Name])
		if v == "" {
			if f.Required {
				es.Add(field, "error.required")
			}
			continue
		}
		if !utf8.ValidString(v) || strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			es.Add(field, "selfreport.invalid_text")
			continue
		}
		if utf8.RuneCountInString(v) > maxDetailLen {
			es.Add(field, "error.too_long", maxDetailLen)
			continue
		}
		switch f.Kind {
		case KindCharacters:
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 || n > 10_000_000 {
				es.Add(field, "error.out_of_range", 1, 10_000_000)
				continue
			}
			claim.Characters, v = n, strconv.FormatInt(n, 10)
		case KindHours:
			h, ok := rules.ParseHundredths(v)
			if !ok || h <= 0 || h > 10000*100 {
				es.Add(field, "error.out_of_range", 0.01, 10000)
				continue
			}
			claim.Hours, v = h, rules.Hundredths(h)
		case KindRank:
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 100 {
				es.Add(field, "error.out_of_range", 1, 100)
				continue
			}
			claim.Rank, v = n, strconv.Itoa(n)
		case KindLevel:
			levels := p.SelfReportLevels(category)
			if len(levels) > 0 && !slices.Contains(levels, v) {
				es.Add(field, "error.invalid_choice", strings.Join(levels, ", "))
				continue
			}
			claim.Level = v
		}
		out[f.Name] = v
	}
	return out, claim, es
}
