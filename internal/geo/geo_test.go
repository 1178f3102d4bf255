package geo_test

import (
	"slices"
	"testing"

	"github.com/meded/meded/internal/geo"
)

func TestContinentOf(t *testing.T) {
	tests := []struct {
		code string
		want geo.Continent
	}{
		{"CN", geo.Asia}, {"HK", geo.Asia}, {"TW", geo.Asia}, {"MO", geo.Asia}, {"SG", geo.Asia},
		{"JP", geo.Asia}, {"TR", geo.Asia}, {"RU", geo.Europe}, {"GB", geo.Europe}, {"DE", geo.Europe},
		{"US", geo.NorthAmerica}, {"CA", geo.NorthAmerica}, {"MX", geo.NorthAmerica},
		{"CU", geo.NorthAmerica}, {"PA", geo.NorthAmerica}, {"GL", geo.NorthAmerica},
		{"AU", geo.Oceania}, {"NZ", geo.Oceania}, {"FJ", geo.Oceania},
		{"BR", geo.SouthAmerica}, {"AR", geo.SouthAmerica}, {"BV", geo.SouthAmerica},
		{"ZA", geo.Africa}, {"EG", geo.Africa}, {"TF", geo.Africa},
		{"AQ", geo.Antarctica},
		{"", ""}, {"cn", ""}, {"XK", ""}, {"YU", ""}, {"ZZ", ""}, {"CHN", ""},
	}
	for _, tt := range tests {
		if got := geo.ContinentOf(tt.code); got != tt.want {
			t.Errorf("ContinentOf(%q) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestCodes(t *testing.T) {
	codes := geo.Codes()
	// ISO 3166-1 assigns 249 alpha-2 codes.
	if len(codes) != 249 {
		t.Errorf("got %d codes, want 249", len(codes))
	}
	if !slices.IsSorted(codes) {
		t.Errorf("codes are not sorted: %v", codes)
	}
	perContinent := 0
	for _, c := range geo.Continents() {
		on := geo.CodesOn(c)
		if len(on) == 0 {
			t.Errorf("no country on %s", c)
		}
		perContinent += len(on)
	}
	if perContinent != len(codes) {
		t.Errorf("continents hold %d countries, want all %d", perContinent, len(codes))
	}
	for _, code := range codes {
		if !geo.Valid(code) || geo.ContinentOf(code) == "" {
			t.Errorf("code %s: valid %v, continent %q", code, geo.Valid(code), geo.ContinentOf(code))
		}
	}
	codes[0] = "mutated"
	if geo.Codes()[0] == "mutated" {
		t.Error("Codes returned the package's own slice")
	}
}

func TestName(t *testing.T) {
	tests := []struct {
		code, lang, want string
	}{
		{"CN", "zh-CN", "中国"},
		{"CN", "en", "China"},
		{"GB", "zh-CN", "英国"},
		{"US", "en", "United States"},
		{"DE", "zh", "德国"},
		{"DE", "fr", "Germany"},
		{"HK", "zh-CN", "中国香港"},
		{"TW", "en", "Taiwan, China"},
		{"XX", "en", "XX"},
		{"", "zh-CN", ""},
	}
	for _, tt := range tests {
		if got := geo.Name(tt.code, tt.lang); got != tt.want {
			t.Errorf("Name(%q, %q) = %q, want %q", tt.code, tt.lang, got, tt.want)
		}
	}
}
