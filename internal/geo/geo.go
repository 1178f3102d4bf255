// Package geo knows countries and regions by their ISO 3166-1 alpha-2 codes,
// their names in Chinese and English, and the continent each lies on. The data
// comes from CLDR through golang.org/x/text, so it needs no table of our own.
package geo

import (
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Continent is one of the seven continents, as stored and sent in JSON.
type Continent string

const (
	Asia         Continent = "asia"
	Europe       Continent = "europe"
	NorthAmerica Continent = "north_america"
	SouthAmerica Continent = "south_america"
	Africa       Continent = "africa"
	Oceania      Continent = "oceania"
	Antarctica   Continent = "antarctica"
)

// Continents returns every continent in a fixed order.
func Continents() []Continent {
	return []Continent{Asia, Europe, NorthAmerica, SouthAmerica, Africa, Oceania, Antarctica}
}

// Valid reports whether code is an assigned ISO 3166-1 alpha-2 country code,
// in upper case ("CN", not "cn").
func Valid(code string) bool {
	_, ok := countries()[code]
	return ok
}

// Codes returns every assigned country code, sorted.
func Codes() []string {
	return slices.Clone(codes())
}

// CodesOn returns the sorted codes of the countries on c.
func CodesOn(c Continent) []string {
	var out []string
	for _, code := range codes() {
		if countries()[code] == c {
			out = append(out, code)
		}
	}
	return out
}

// ContinentOf returns the continent of a country, or "" for an unknown code.
func ContinentOf(code string) Continent {
	return countries()[code]
}

// Name returns the name of a country in lang ("zh-CN" or "en"; other
// Chinese tags read as zh-CN, anything else as English). An unknown code
// is returned as given.
func Name(code, lang string) string {
	if !Valid(code) {
		return code
	}
	chinese := strings.HasPrefix(strings.ToLower(lang), "zh")
	if n, ok := nameOverrides[code]; ok {
		if chinese {
			return n.zh
		}
		return n.en
	}
	namer := display.English.Regions()
	if chinese {
		namer = display.SimplifiedChinese.Regions()
	}
	return namer.Name(language.MustParseRegion(code))
}

// nameOverrides follow the style of mainland Chinese official usage, which a
// Chinese university's records are expected to follow, where CLDR differs.
var nameOverrides = map[string]struct{ zh, en string }{
	"HK": {"中国香港", "Hong Kong, China"},
	"MO": {"中国澳门", "Macao, China"},
	"TW": {"中国台湾", "Taiwan, China"},
}

// notAssigned are codes CLDR still knows that ISO 3166-1 no longer assigns:
// withdrawn ones (ISO 3166-3) that were not reused, and user-assigned XK.
var notAssigned = map[string]bool{
	"AN": true, "BU": true, "CS": true, "CT": true, "DD": true, "DY": true, "FQ": true,
	"FX": true, "HV": true, "JT": true, "MI": true, "NH": true, "NQ": true, "NT": true,
	"PC": true, "PU": true, "PZ": true, "RH": true, "SU": true, "TP": true, "VD": true,
	"WK": true, "XK": true, "YD": true, "YU": true, "ZR": true,
}

// m49Overrides place territories where UN M.49 puts them and CLDR's
// containment (which lumps them into Outlying Oceania) does not.
var m49Overrides = map[string]Continent{
	"BV": SouthAmerica, // Bouvet Island: M.49 South America
	"GS": SouthAmerica, // South Georgia: M.49 South America
	"TF": Africa,       // French Southern Territories: M.49 Eastern Africa
}

// continentRegions maps UN M.49 regions to continents. Antarctica comes
// first because CLDR also places AQ in Oceania.
var continentRegions = []struct {
	region    string
	continent Continent
}{
	{"010", Antarctica},
	{"150", Europe},
	{"142", Asia},
	{"009", Oceania},
	{"002", Africa},
	{"021", NorthAmerica}, // Northern America
	{"013", NorthAmerica}, // Central America
	{"029", NorthAmerica}, // Caribbean
	{"005", SouthAmerica},
}

// table is built once from CLDR and never changed afterwards.
var table = sync.OnceValues(func() (map[string]Continent, []string) {
	m := map[string]Continent{}
	var list []string
	regions := make([]language.Region, len(continentRegions))
	for i, cr := range continentRegions {
		regions[i] = language.MustParseRegion(cr.region)
	}
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			// M49 and ISO3 are missing for CLDR's extra codes (EA, IC, DG…).
			if err != nil || !r.IsCountry() || r.String() != code || r.M49() == 0 || r.ISO3() == "ZZZ" || notAssigned[code] {
				continue
			}
			c, ok := m49Overrides[code]
			for i := 0; !ok && i < len(regions); i++ {
				if regions[i].Contains(r) {
					c, ok = continentRegions[i].continent, true
				}
			}
			if !ok {
				continue // not placed by M.49; a test makes sure this never happens
			}
			m[code] = c
			list = append(list, code)
		}
	}
	return m, list
})

func countries() map[string]Continent { m, _ := table(); return m }
func codes() []string                 { _, l := table(); return l }
