package declaration

import "testing"

func TestValidTo(t *testing.T) {
	tests := []struct{ signed, want string }{
		{"2019-01-10", "2020-01-09"},
		{"2020-02-29", "2021-02-28"},
		{"2019-12-31", "2020-12-30"},
		{"not a date", ""},
	}
	for _, tt := range tests {
		if got := ValidTo(tt.signed); got != tt.want {
			t.Errorf("ValidTo(%q): got %q, want %q", tt.signed, got, tt.want)
		}
	}
}
