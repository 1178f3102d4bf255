package agreement_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/meded/meded/internal/agreement"
)

func TestParseCapacities(t *testing.T) {
	tests := []struct {
		in      string
		want    []agreement.Capacity
		wantErr bool
	}{
		{"public_health: 6\n\nbme = 12\n临床医学：3", []agreement.Capacity{{"public_health", 6}, {"bme", 12}, {"临床医学", 3}}, false},
		{"nursing", nil, true},
		{"nursing: -1", nil, true},
		{": 4", nil, true},
	}
	for _, tt := range tests {
		got, err := agreement.ParseCapacities(tt.in)
		if (err != nil) != tt.wantErr || len(got) != len(tt.want) {
			t.Errorf("ParseCapacities(%q) = %v, %v", tt.in, got, err)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("ParseCapacities(%q)[%d] = %v, want %v", tt.in, i, got[i], tt.want[i])
			}
		}
	}
}

func TestParseTermLines(t *testing.T) {
	got := agreement.ParseTermLines("right", "1. Place interns\n- Assess them\n\n  • Use the lab  \n2、共建课程")
	want := []string{"Place interns", "Assess them", "Use the lab", "共建课程"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range got {
		if got[i].Text != want[i] || got[i].Kind != "right" {
			t.Errorf("term %d = %+v, want %q", i, got[i], want[i])
		}
	}
}

func FuzzParseCapacities(f *testing.F) {
	f.Add("public_health: 6\nbme=12")
	f.Add("临床医学：3")
	f.Fuzz(func(t *testing.T, s string) {
		caps, err := agreement.ParseCapacities(s)
		for _, c := range caps {
			if c.PerYear < 1 || strings.TrimSpace(c.Discipline) != c.Discipline || c.Discipline == "" {
				t.Errorf("ParseCapacities(%q) gave %+v", s, c)
			}
		}
		_ = err
	})
}

func FuzzParseTermLines(f *testing.F) {
	f.Add("1. a\n- b\n• c")
	f.Add("12)x")
	f.Fuzz(func(t *testing.T, s string) {
		for _, term := range agreement.ParseTermLines("right", s) {
			if term.Text == "" || strings.Contains(term.Text, "\n") || (utf8.ValidString(s) && !utf8.ValidString(term.Text)) {
				t.Errorf("ParseTermLines(%q) gave %q", s, term.Text)
			}
		}
	})
}

func FuzzParseDate(f *testing.F) {
	f.Add("2022-07-05")
	f.Add("2024-02-30")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := agreement.ParseDate(s)
		if err == nil && d.Format(agreement.DateLayout) != s {
			t.Errorf("ParseDate(%q) = %v, which does not print back", s, d)
		}
	})
}
