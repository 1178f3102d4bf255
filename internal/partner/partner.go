// Package partner reports an institution's partner institutions by
// continent and country.
//
// A partner institution of institution H is an institution outside H's
// tree (H and everything under it) that is a party, together with H or an
// institution under it, to at least one agreement of kind partnership in
// force: signed, active or expiring. An expired, terminated, renewed or
// still negotiating agreement makes no partner (a renewed agreement's
// successor does, once signed). The counts are of international and
// regional partners: those whose country or region differs from H's
// (Hong Kong, Macao and Taiwan count as regions); domestic partners are
// listed and counted apart.
package partner

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/meded/meded/internal/geo"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/store"
)

// Partner is one partner institution and the agreements that make it one.
type Partner struct {
	InstitutionID int64         `json:"institution_id"`
	NameZH        string        `json:"name_zh"`
	NameEN        string        `json:"name_en"`
	Country       string        `json:"country"`
	Continent     geo.Continent `json:"continent"`
	City          string        `json:"city,omitempty"`
	AgreementIDs  []int64       `json:"agreement_ids"`
}

// Name returns the partner's name in lang.
func (p Partner) Name(lang string) string {
	return institution.Institution{NameZH: p.NameZH, NameEN: p.NameEN}.Name(lang)
}

// Count is a number of partners in one continent or country.
type Count struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

// Report is the partners report of one institution.
type Report struct {
	InstitutionID int64     `json:"institution_id"`
	Country       string    `json:"country"`
	Partners      int       `json:"partners"`
	Countries     int       `json:"countries"`
	ByContinent   []Count   `json:"by_continent"`
	ByCountry     []Count   `json:"by_country"`
	List          []Partner `json:"list"`
	Domestic      []Partner `json:"domestic"`
}

// Continents returns the continents of the report, in geo's fixed order.
func (r Report) Continents() []geo.Continent {
	var out []geo.Continent
	for _, c := range r.ByContinent {
		out = append(out, geo.Continent(c.Key))
	}
	return out
}

// Build computes the partners report of institution id.
func Build(ctx context.Context, q store.Querier, id int64) (Report, error) {
	home, err := institution.Get(ctx, q, id)
	if err != nil {
		return Report{}, fmt.Errorf("partners of %d: %w", id, err)
	}
	tree, err := institution.Descendants(ctx, q, id)
	if err != nil {
		return Report{}, fmt.Errorf("partners of %d: %w", id, err)
	}
	tree = append(tree, id)
	marks := store.Marks(len(tree))
	args := make([]any, 0, 2*len(tree))
	for range 2 {
		for _, t := range tree {
			args = append(args, t)
		}
	}
	rows, err := q.Query(ctx, `SELECT i.id, i.name_zh, i.name_en, i.country, i.city, a.id
		FROM agreements a
		JOIN agreement_parties other ON other.agreement_id = a.id
		JOIN institutions i ON i.id = other.institution_id
		WHERE a.kind = 'partnership' AND a.status IN ('signed', 'active', 'expiring')
		  AND other.institution_id NOT IN (`+marks+`)
		  AND EXISTS (SELECT 1 FROM agreement_parties mine WHERE mine.agreement_id = a.id AND mine.institution_id IN (`+marks+`))
		ORDER BY i.sort_key, i.id, a.id`, args...)
	if err != nil {
		return Report{}, fmt.Errorf("partners of %d: %w", id, err)
	}
	defer rows.Close()
	var all []Partner
	for rows.Next() {
		var p Partner
		var agreementID int64
		if err := rows.Scan(&p.InstitutionID, &p.NameZH, &p.NameEN, &p.Country, &p.City, &agreementID); err != nil {
			return Report{}, fmt.Errorf("partners of %d: %w", id, err)
		}
		if n := len(all); n > 0 && all[n-1].InstitutionID == p.InstitutionID {
			all[n-1].AgreementIDs = append(all[n-1].AgreementIDs, agreementID)
			continue
		}
		p.Continent = geo.ContinentOf(p.Country)
		p.AgreementIDs = []int64{agreementID}
		all = append(all, p)
	}
	if err := rows.Err(); err != nil {
		return Report{}, fmt.Errorf("partners of %d: %w", id, err)
	}
	r := Report{InstitutionID: id, Country: home.Country, List: []Partner{}, Domestic: []Partner{}, ByContinent: []Count{}, ByCountry: []Count{}}
	byContinent, byCountry := map[string]int{}, map[string]int{}
	for _, p := range all {
		if home.Country != "" && p.Country == home.Country {
			r.Domestic = append(r.Domestic, p)
			continue
		}
		r.List = append(r.List, p)
		byContinent[string(p.Continent)]++
		byCountry[p.Country]++
	}
	r.Partners, r.Countries = len(r.List), len(byCountry)
	for _, c := range geo.Continents() {
		if n := byContinent[string(c)]; n > 0 {
			r.ByContinent = append(r.ByContinent, Count{Key: string(c), Count: n})
		}
	}
	if n := byContinent[""]; n > 0 {
		r.ByContinent = append(r.ByContinent, Count{Key: "", Count: n}) // partners with no country recorded
	}
	for country, n := range byCountry {
		r.ByCountry = append(r.ByCountry, Count{Key: country, Count: n})
	}
	slices.SortFunc(r.ByCountry, func(a, b Count) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Key, b.Key)
	})
	return r, nil
}

// DefaultHome returns the institution whose partners a reader with no
// institution of their own sees first: the oldest top-level university.
func DefaultHome(ctx context.Context, q store.Querier) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM institutions WHERE parent_id IS NULL AND kind = 'university' ORDER BY id LIMIT 1`).Scan(&id)
	if err != nil {
		return 0, institution.ErrNotFound
	}
	return id, nil
}
