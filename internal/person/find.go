package person

import (
	"context"
	"fmt"
	"strings"

	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// findChunk bounds the identifiers looked up per query, keeping the number
// of placeholders far below either database's limit.
const findChunk = 200

// FindByIdentifiers looks up a pasted list of staff numbers, phone numbers,
// email addresses or exact names (Chinese, or English in any case) among the
// people of institutionIDs (nil: everyone; empty non-nil: no one). found maps
// each identifier, exactly as given, to the people it names, by name; an
// identifier naming several people (two 张伟) maps to all of them, and one
// naming nobody is absent. Blank identifiers are skipped.
func FindByIdentifiers(ctx context.Context, q store.Querier, institutionIDs []int64, identifiers []string) (found map[string][]Person, err error) {
	found = map[string][]Person{}
	if institutionIDs != nil && len(institutionIDs) == 0 {
		return found, nil
	}
	var probes []probe
	seen := map[string]bool{}
	for _, raw := range identifiers {
		if seen[raw] || strings.TrimSpace(raw) == "" {
			continue
		}
		seen[raw] = true
		probes = append(probes, newProbe(raw))
	}
	for start := 0; start < len(probes); start += findChunk {
		chunk := probes[start:min(start+findChunk, len(probes))]
		if err := findChunkOf(ctx, q, institutionIDs, chunk, found); err != nil {
			return nil, fmt.Errorf("person: find by identifiers: %w", err)
		}
	}
	return found, nil
}

// probe is one identifier in each of the forms the columns store.
type probe struct {
	raw    string
	text   string   // trimmed: staff number, Chinese name
	lower  string   // English name, compared without case
	phones []string // normalized, with and without the +86 country code
	email  string
}

func newProbe(raw string) probe {
	text := strings.Join(strings.Fields(raw), " ")
	p := probe{raw: raw, text: text, lower: strings.ToLower(text)}
	if phone := validate.NormalizePhone(raw); phone != "" {
		p.phones = append(p.phones, phone)
		if rest, ok := strings.CutPrefix(phone, "+86"); ok {
			p.phones = append(p.phones, rest)
		} else if len(phone) == 11 && phone[0] == '1' {
			p.phones = append(p.phones, "+86"+phone) // a mainland mobile number
		}
	}
	if strings.Contains(raw, "@") {
		p.email = validate.NormalizeEmail(raw)
	}
	return p
}

func (p probe) matches(person Person) bool {
	switch {
	case person.StaffNumber != "" && person.StaffNumber == p.text,
		person.NameZH != "" && person.NameZH == p.text,
		person.NameEN != "" && strings.ToLower(person.NameEN) == p.lower,
		person.Email != "" && person.Email == p.email:
		return true
	}
	for _, phone := range p.phones {
		if person.Phone != "" && person.Phone == phone {
			return true
		}
	}
	return false
}

func findChunkOf(ctx context.Context, q store.Querier, institutionIDs []int64, probes []probe, found map[string][]Person) error {
	var texts, lowers, phones, emails []any
	for _, p := range probes {
		texts = append(texts, p.text)
		lowers = append(lowers, p.lower)
		for _, phone := range p.phones {
			phones = append(phones, phone)
		}
		if p.email != "" {
			emails = append(emails, p.email)
		}
	}
	ors := []string{
		"staff_number IN (" + store.Marks(len(texts)) + ")",
		"name_zh IN (" + store.Marks(len(texts)) + ")",
		"lower(name_en) IN (" + store.Marks(len(lowers)) + ")",
	}
	args := append(append(append([]any{}, texts...), texts...), lowers...)
	if len(phones) > 0 {
		ors = append(ors, "phone IN ("+store.Marks(len(phones))+")")
		args = append(args, phones...)
	}
	if len(emails) > 0 {
		ors = append(ors, "email IN ("+store.Marks(len(emails))+")")
		args = append(args, emails...)
	}
	cond := "merged_into IS NULL AND (" + strings.Join(ors, " OR ") + ")"
	if institutionIDs != nil {
		cond += " AND institution_id IN (" + store.Marks(len(institutionIDs)) + ")"
		args = append(args, store.Args(institutionIDs)...)
	}
	people, err := query(ctx, q, `SELECT `+columns+` FROM people WHERE `+cond+` ORDER BY sort_key, id`, args...)
	if err != nil {
		return err
	}
	// The query found every candidate; which identifier named whom is
	// decided here, once per pair.
	for _, p := range probes {
		for _, person := range people {
			if p.matches(person) {
				found[p.raw] = append(found[p.raw], person)
			}
		}
	}
	return nil
}
