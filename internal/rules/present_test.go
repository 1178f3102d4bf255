package rules_test

import (
	"testing"

	"github.com/meded/meded/internal/rules"
)

func TestPresentQuarters(t *testing.T) {
	for _, tt := range []struct {
		rounding string
		minutes  int
		want     int
	}{
		{"", 44, 2}, {"down", 44, 2}, {"down", 59, 3}, {"down", 60, 4}, {"down", 0, 0}, {"down", -5, 0},
		{"nearest", 44, 3}, {"nearest", 37, 2}, {"nearest", 38, 3}, {"nearest", 7, 0}, {"nearest", 8, 1},
	} {
		p := rules.Profile{PresentRounding: tt.rounding}
		if got := p.PresentQuarters(tt.minutes); got != tt.want {
			t.Errorf("%q, %d minutes: got %d quarters, want %d", tt.rounding, tt.minutes, got, tt.want)
		}
	}
}

func TestPresentRoundingValidated(t *testing.T) {
	shipped, err := rules.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range shipped {
		p.PresentRounding = "up"
		found := false
		for _, e := range p.Validate() {
			found = found || e.Field == "present_rounding"
		}
		if !found {
			t.Errorf("%s: present_rounding %q accepted", p.ID, p.PresentRounding)
		}
		p.PresentRounding = "nearest"
		for _, e := range p.Validate() {
			if e.Field == "present_rounding" {
				t.Errorf("%s: nearest refused", p.ID)
			}
		}
		break
	}
}
