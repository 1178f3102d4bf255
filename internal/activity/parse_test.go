package activity

import (
	"strings"
	"testing"
)

func TestParseQuarters(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"1.5", 6, true}, {"2", 8, true}, {"0.25", 1, true}, {"7.75", 31, true}, {" 3 ", 12, true},
		{"1.3", 0, false}, {"-1", 0, false}, {"", 0, false}, {"abc", 0, false}, {"1e9", 0, false}, {"0.125", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseQuarters(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseQuarters(%q): got %d %v, want %d %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseHundredths(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"10", 1000, true}, {"0.5", 50, true}, {"1.25", 125, true}, {"1.255", 0, false}, {"-2", 0, false}, {"x", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseHundredths(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseHundredths(%q): got %d %v, want %d %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestHoursAndAmountRoundTrip(t *testing.T) {
	for q := 0; q < 400; q++ {
		got, ok := ParseQuarters(Hours(q))
		if !ok || got != q {
			t.Errorf("quarters %d: Hours %q parses to %d %v", q, Hours(q), got, ok)
		}
	}
	for h := 0; h < 2000; h += 7 {
		got, ok := ParseHundredths(Amount(h))
		if !ok || got != h {
			t.Errorf("hundredths %d: Amount %q parses to %d %v", h, Amount(h), got, ok)
		}
	}
}

func FuzzParseQuarters(f *testing.F) {
	for _, s := range []string{"1.5", "2", "0.25", "1/4", "1e3", "-0", "99999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, ok := ParseQuarters(s)
		if !ok {
			return
		}
		if q < 0 || q > 100000 {
			t.Fatalf("%q: %d out of range", s, q)
		}
		if back, ok := ParseQuarters(Hours(q)); !ok || back != q {
			t.Fatalf("%q: %d does not round-trip through %q", s, q, Hours(q))
		}
	})
}

func FuzzParseHundredths(f *testing.F) {
	for _, s := range []string{"10", "0.5", "1.25", "3/4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, ok := ParseHundredths(s)
		if ok && (h < 0 || strings.Contains(Amount(h), "-")) {
			t.Fatalf("%q: %d", s, h)
		}
	})
}
