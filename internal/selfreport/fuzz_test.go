package selfreport_test

import (
	"testing"

	"github.com/meded/meded/internal/rules"
	"github.com/meded/meded/internal/selfreport"
)

// FuzzParseDetails: whatever a form or API call sends as details, parsing
// never panics, keeps only known fields, and a result without errors holds
// every required field.
func FuzzParseDetails(f *testing.F) {
	all, err := rules.Shipped()
	if err != nil {
		f.Fatal(err)
	}
	p := all["cn-2024"]
	f.Add("paper", "journal", "Lancet", "level", "foreign", "author_rank", "1")
	f.Add("self_study", "characters", "4500", "material", "", "", "")
	f.Add("outside_cme", "hours", "7.5", "organiser", "X", "certificate_number", "C-1")
	f.Add("research_project", "member_rank", "-3", "level", "galactic", "funder", "\x00")
	f.Add("book", "characters", "99999999999999999999", "publisher", "出版社", "isbn", "978")
	f.Fuzz(func(t *testing.T, category, k1, v1, k2, v2, k3, v3 string) {
		in := map[string]string{k1: v1, k2: v2, k3: v3}
		out, _, es := selfreport.ParseDetails(category, p, in)
		fields := selfreport.Fields(category, p)
		for name := range out {
			known := false
			for _, f := range fields {
				known = known || f.Name == name
			}
			if !known {
				t.Fatalf("kept unknown detail %q", name)
			}
		}
		if len(es) == 0 {
			for _, f := range fields {
				if f.Required && out[f.Name] == "" {
					t.Fatalf("no errors but required %q missing", f.Name)
				}
			}
		}
	})
}
