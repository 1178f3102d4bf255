package session

import (
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"2019-05-10T08:30", "2019-05-10T00:30:00Z", true},
		{"2019-05-10 08:30", "2019-05-10T00:30:00Z", true},
		{"2019-05-10T08:30:00+08:00", "2019-05-10T00:30:00Z", true},
		{"2019-13-10T08:30", "", false},
		{"tomorrow", "", false},
	}
	for _, tt := range tests {
		got, ok := ParseTime(tt.in)
		if ok != tt.ok || (ok && got.Format(time.RFC3339) != tt.want) {
			t.Errorf("ParseTime(%q): got %v %v, want %s %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzParseTime(f *testing.F) {
	f.Add("2019-05-10T08:30")
	f.Add("2019-05-10T08:30:00Z")
	f.Fuzz(func(t *testing.T, s string) {
		if got, ok := ParseTime(s); ok && got.Location() != time.UTC {
			t.Fatalf("%q: %v not in UTC", s, got)
		}
	})
}
