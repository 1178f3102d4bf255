package person

import (
	"strings"
	"testing"
)

func TestValidNationalID(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"", true},
		{"11010519491231002X", true},
		{"11010519491231002x", true}, // normalized to X
		{" 4403 0819 9001 0100 17 ", true},
		{"440308199001010017", true},
		{"440308199001010018", false}, // wrong check digit
		{"11010519491231002Y", false},
		{"110105194912310021", false},
		{"E12345678", true},       // passport
		{"G1234567", true},        // passport
		{"H01234567", true},       // Home Return Permit
		{"110105490101001", true}, // first-generation 15-digit ID
		{"A1234", false},          // too short
		{strings.Repeat("A", 21), false},
		{"E1234-5678", false},
		{"护照123456", false},
	}
	for _, tt := range tests {
		if got := ValidNationalID(NormalizeNationalID(tt.in)); got != tt.want {
			t.Errorf("ValidNationalID(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func FuzzNationalID(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "440308199001010017", "E12345678", "", " x ", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeNationalID(s)
		if again := NormalizeNationalID(n); again != n {
			t.Errorf("NormalizeNationalID(%q) = %q, then %q", s, n, again)
		}
		if !ValidNationalID(n) {
			return
		}
		if len(n) != 0 && (len(n) < 6 || len(n) > 20) {
			t.Errorf("%q accepted with length %d", n, len(n))
		}
		if len(n) == 18 && allDigits(n[:17]) && n[17] != mainlandCheck(n[:17]) {
			t.Errorf("%q accepted with a wrong check character", n)
		}
		for _, r := range n {
			if !('0' <= r && r <= '9' || 'A' <= r && r <= 'Z') {
				t.Errorf("%q accepted with %q", n, r)
			}
		}
	})
}
