package rules_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/meded/meded/internal/rules"
)

// Worked examples of self-reported credits under the shipped profiles.
func TestSelfReportAwards(t *testing.T) {
	tests := []struct {
		profile, category string
		claim             rules.SelfReportClaim
		want, limit       int64
		class, explains   string
	}{
		{"cn-2006", "self_study", rules.SelfReportClaim{Characters: 4500}, 225, 225, "II", "4500 characters ÷ 2000 = 2.25, Class II"},
		{"cn-2006", "self_study", rules.SelfReportClaim{Characters: 3333}, 167, 167, "II", "= 1.67"}, // 1.6665 rounds half up
		{"cn-2006", "self_study", rules.SelfReportClaim{Characters: 20000}, 500, 500, "II", "at most 5 a year"},
		{"cn-2006", "paper", rules.SelfReportClaim{Level: "foreign", Rank: 3}, 800, 800, "II", "foreign level, rank 3 = 8"},
		{"cn-2006", "research_project", rules.SelfReportClaim{Level: "municipal", Rank: 5}, 200, 200, "II", "municipal level, rank 5 = 2"},
		{"cn-2006", "book", rules.SelfReportClaim{Characters: 2500}, 250, 250, "II", "2500 characters ÷ 1000 = 2.5"},
		{"cn-2006", "outside_cme", rules.SelfReportClaim{Hours: 9000}, 1000, 1000, "II", "at most 10 per report"},
		{"cn-2024", "paper", rules.SelfReportClaim{Level: "national", Rank: 1}, 600, 600, "none", "national level, rank 1 = 6"},
		{"cn-2024", "outside_cme", rules.SelfReportClaim{Hours: 750}, 250, 250, "none", "7.5 h ÷ 3 = 2.5"},
		{"cn-2024", "government_task", rules.SelfReportClaim{}, 0, 2500, "none", "assessed by the office"},
		{"cn-2024", "self_study", rules.SelfReportClaim{Characters: 30000}, 1000, 1000, "none", "at most 10 a year"},
		{"ama-pra-ca", "outside_cme", rules.SelfReportClaim{Hours: 330}, 325, 325, "none", "3.3 h ÷ 1 = 3.25"}, // quarter credits, down
	}
	for _, tc := range tests {
		t.Run(tc.profile+"/"+tc.category, func(t *testing.T) {
			a, limit, err := profile(t, tc.profile).SelfReportAward(tc.category, tc.claim)
			if err != nil {
				t.Fatal(err)
			}
			if a.Amount != tc.want || limit != tc.limit || a.Class != tc.class || !strings.Contains(a.Explanation, tc.explains) {
				t.Errorf("got %d (limit %d, class %s, %q), want %d (limit %d, class %s, %q)", a.Amount, limit, a.Class, a.Explanation, tc.want, tc.limit, tc.class, tc.explains)
			}
		})
	}
}

func TestSelfReportRefusals(t *testing.T) {
	p := profile(t, "cn-2006")
	if _, _, err := p.SelfReportAward("practice", rules.SelfReportClaim{}); !errors.Is(err, rules.ErrNotCredited) {
		t.Errorf("practice under 2006: %v", err)
	}
	if _, _, err := p.SelfReportAward("paper", rules.SelfReportClaim{Level: "galactic", Rank: 1}); !errors.Is(err, rules.ErrNoSuchLevel) {
		t.Errorf("unknown level: %v", err)
	}
	if _, _, err := p.SelfReportAward("paper", rules.SelfReportClaim{Level: "national", Rank: 4}); !errors.Is(err, rules.ErrRankTooLow) {
		t.Errorf("fourth author: %v", err)
	}
	bad := p
	bad.SelfReport = map[string]rules.SelfReportRate{
		"hobby":    {Class: "II", Category: "hobby", CharactersPer: 10},
		"paper":    {Class: "I", Category: "paper", CharactersPer: 10, HoursPer: 100},
		"practice": {Class: "III", Category: ""},
		"book":     {Class: "II", Category: "book", Levels: map[string][]int64{"x": {100, 0}}},
	}
	es := bad.Validate()
	for _, field := range []string{"self_report.hobby", "self_report.paper", "self_report.practice.class", "self_report.practice.category", "self_report.practice.per_report_cap", "self_report.book.levels.x"} {
		if !es.Has(field) {
			t.Errorf("no error on %s: %v", field, es)
		}
	}
}
