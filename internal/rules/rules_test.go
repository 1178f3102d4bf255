package rules_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/meded/meded/internal/rules"
)

func profile(t *testing.T, id string) rules.Profile {
	t.Helper()
	all, err := rules.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	p, ok := all[id]
	if !ok {
		t.Fatalf("no shipped profile %s", id)
	}
	return p
}

// Worked examples: each row is a rule of a shipped profile with the credits
// worked out by hand.
func TestProjectAwards(t *testing.T) {
	tests := []struct {
		profile, level string
		remote         bool
		role           string
		hours          int64 // hundredths
		approved       int64
		want           int64 // hundredths
		class          string
		explains       string
	}{
		{"cn-2006", "national", false, "participant", 600, 0, 200, "I", "6 h ÷ 3 = 2, Class I, national project 2017-09-02-144"},
		{"cn-2006", "national", false, "participant", 475, 0, 158, "I", "4.75 h ÷ 3 = 1.58"},  // 1.5833 rounds half up to 1.58
		{"cn-2006", "national", false, "participant", 1450, 0, 483, "I", "14.5 h ÷ 3 = 4.83"}, // 4.8333
		{"cn-2006", "national", false, "participant", 3600, 0, 1000, "I", "capped at 10 per project"},
		{"cn-2006", "national", false, "participant", 600, 150, 150, "I", "limited to the approved 1.5"},
		{"cn-2006", "national", false, "lecturer", 300, 0, 600, "I", "3 h × 2 = 6"},
		{"cn-2006", "national", false, "lecturer", 600, 0, 1000, "I", "6 h × 2 = 12, capped at 10 per project"},
		{"cn-2006", "provincial", false, "participant", 600, 0, 100, "I", "6 h ÷ 6 = 1"},
		{"cn-2006", "provincial", false, "participant", 1000, 0, 167, "I", "10 h ÷ 6 = 1.67"},
		{"cn-2006", "provincial", false, "lecturer", 300, 0, 300, "I", "3 h × 1 = 3"},
		{"cn-2006", "municipal", false, "participant", 1200, 0, 200, "II", "Class II"},
		{"cn-2006", "national", true, "participant", 1800, 0, 500, "I", "capped at 5 per project, Class I, remote national project"},
		{"cn-2024", "provincial", false, "participant", 600, 0, 200, "none", "6 h ÷ 3 = 2, provincial project"},
		{"ama-pra-ca", "national", false, "participant", 140, 0, 125, "none", "1.4 h ÷ 1 = 1.25"}, // quarter credits, rounded down
		{"ama-pra-ca", "national", false, "participant", 275, 0, 275, "none", "2.75 h"},
		{"ama-pra-ca", "national", false, "lecturer", 150, 0, 300, "none", "1.5 h × 2 = 3"},
	}
	for _, tt := range tests {
		a, err := profile(t, tt.profile).ProjectAward(tt.level, tt.remote, tt.role, tt.hours, tt.approved, "2017-09-02-144")
		if err != nil {
			t.Errorf("%+v: %v", tt, err)
			continue
		}
		if a.Amount != tt.want || a.Class != tt.class || !strings.Contains(a.Explanation, tt.explains) {
			t.Errorf("%s %s %s %d h/100: got %d (%s) %q, want %d (%s) with %q", tt.profile, tt.level, tt.role, tt.hours,
				a.Amount, a.Class, a.Explanation, tt.want, tt.class, tt.explains)
		}
	}
}

func TestSessionAwardsAndYearCaps(t *testing.T) {
	p := profile(t, "cn-2006")
	for _, tt := range []struct {
		format, role string
		want         int64
	}{
		{"lecture", "lecturer", 200}, {"lecture", "participant", 50}, {"demonstration", "participant", 50},
		{"case_discussion", "lecturer", 100}, {"case_discussion", "participant", 20}, {"grand_rounds", "participant", 20}, {"cpc", "lecturer", 100},
	} {
		a, err := p.SessionAward(tt.format, tt.role, 100)
		if err != nil || a.Amount != tt.want || a.Class != "II" {
			t.Errorf("%s as %s: %+v %v, want %d Class II", tt.format, tt.role, a, err, tt.want)
		}
	}
	// 25 unit lectures (12.5) and 10 case discussions (2) as a participant:
	// only 10 count towards 2026; 4.5 are shown as capped. The same person
	// lecturing keeps every lecturer credit.
	totals := []rules.Total{
		{Year: 2026, Class: "II", Category: "unit_session", Role: "participant", Amount: 1250},
		{Year: 2026, Class: "II", Category: "case_session", Role: "participant", Amount: 200},
		{Year: 2026, Class: "II", Category: "unit_session", Role: "lecturer", Amount: 400},
		{Year: 2026, Class: "I", Category: "national_project", Role: "participant", Amount: 500},
	}
	ev := p.Evaluate(totals, 2026, time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC), time.UTC, false, false)
	classII := result(t, ev, "yearly_class_ii")
	if classII.Credits != 1400 || classII.NeedCredits != 100 {
		t.Errorf("Class II counted %d, short %d; want 14 (10 capped participant + 4 lecturer), 1 short", classII.Credits, classII.NeedCredits)
	}
	var cappedAmount int64
	for _, c := range ev.Capped {
		cappedAmount += c.Amount
	}
	if cappedAmount != 450 {
		t.Errorf("capped %+v, want 4.5 credits not counted", ev.Capped)
	}
}

func result(t *testing.T, ev rules.Evaluation, id string) rules.Result {
	t.Helper()
	for _, r := range ev.Results {
		if r.Requirement.ID == id {
			return r
		}
	}
	t.Fatalf("no requirement %s in %+v", id, ev)
	return rules.Result{}
}

func TestYearlyRequirementsAndSubstitution(t *testing.T) {
	// Class I 4, Class II 20, 24 in all, at the end of the year.
	totals := []rules.Total{
		{Year: 2026, Class: "I", Category: "national_project", Role: "participant", Amount: 400},
		{Year: 2026, Class: "II", Category: "municipal_project", Role: "participant", Amount: 2000},
	}
	end := time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC)
	ev := profile(t, "cn-2006").Evaluate(totals, 2026, end, time.UTC, false, false)
	if ev.Status != rules.NotCompliant || result(t, ev, "yearly_class_i").NeedCredits != 100 || result(t, ev, "yearly_total").NeedCredits != 100 {
		t.Errorf("2006 rules: %+v, want not compliant, 1 Class I and 1 in all short", ev)
	}
	// With the 2022 amendments Class II's surplus covers Class I's shortfall
	// (up to half of Class I's 5); the total is still 1 short.
	ev = profile(t, "cn-2006-2022").Evaluate(totals, 2026, end, time.UTC, false, false)
	if r := result(t, ev, "yearly_class_i"); r.Status != rules.Compliant || r.Credits != 500 {
		t.Errorf("2022 substitution: Class I %+v, want met with 5", r)
	}
	if r := result(t, ev, "yearly_class_ii"); r.Credits != 1900 || r.Status != rules.Compliant {
		t.Errorf("2022 substitution: Class II %+v, want 19 left and met", r)
	}
	if result(t, ev, "yearly_total").NeedCredits != 100 || ev.Status != rules.NotCompliant {
		t.Errorf("2022 substitution: %+v, want still 1 short in all", ev)
	}
	// Substitution is capped at 50%: Class I 1 with a large Class II surplus
	// reaches only 1 + 2.5 = 3.5 of 5.
	ev = profile(t, "cn-2006-2022").Evaluate([]rules.Total{
		{Year: 2026, Class: "I", Category: "national_project", Amount: 100},
		{Year: 2026, Class: "II", Category: "municipal_project", Amount: 4000},
	}, 2026, end, time.UTC, false, false)
	if r := result(t, ev, "yearly_class_i"); r.Credits != 350 || r.NeedCredits != 150 {
		t.Errorf("substitution cap: Class I %+v, want 3.5 counted, 1.5 short", r)
	}
}

func TestHoursRequirementsAndOverrides(t *testing.T) {
	totals := []rules.Total{{Year: 2026, Class: "none", Category: "national_project", Amount: 2600, Hours: 8000}}
	end := time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC)
	ev := profile(t, "cn-2024").Evaluate(totals, 2026, end, time.UTC, false, false)
	if result(t, ev, "yearly_credits").Status != rules.Compliant || result(t, ev, "yearly_hours").NeedHours != 1000 {
		t.Errorf("2024: %+v, want credits met and 10 hours short", ev)
	}
	over := profile(t, "cn-2024-hours")
	if len(over.Require) != 1 || over.Require[0].MinHours != 9000 || over.Projects["national"].ParticipantHoursPer != 300 {
		t.Errorf("override: %+v, want only the hours requirement and the base's rates", over)
	}
	if len(over.Sources) != len(profile(t, "cn-2024").Sources)+1 {
		t.Errorf("override sources %d: want the base's and its own", len(over.Sources))
	}
	// AMA/California: 50 hours over two years.
	ama := profile(t, "ama-pra-ca")
	ev = ama.Evaluate([]rules.Total{
		{Year: 2025, Class: "none", Category: "ama_pra_1", Amount: 3000, Hours: 3000},
		{Year: 2026, Class: "none", Category: "ama_pra_1", Amount: 2000, Hours: 2000},
	}, 2026, end, time.UTC, false, false)
	if ev.Status != rules.Compliant {
		t.Errorf("California cycle: %+v, want compliant with 30 + 20 hours", ev)
	}
}

func TestAtRiskAndOnTrackMidYear(t *testing.T) {
	p := profile(t, "cn-2024")
	july := time.Date(2026, 7, 2, 12, 0, 0, 0, time.UTC) // half the year gone
	low := p.Evaluate([]rules.Total{{Year: 2026, Class: "none", Category: "national_project", Amount: 500, Hours: 1500}}, 2026, july, time.UTC, false, false)
	high := p.Evaluate([]rules.Total{{Year: 2026, Class: "none", Category: "national_project", Amount: 1500, Hours: 5000}}, 2026, july, time.UTC, false, false)
	if low.Status != rules.AtRisk || high.Status != rules.OnTrack {
		t.Errorf("mid-year: 5 credits %s, 15 credits %s; want at_risk and on_track", low.Status, high.Status)
	}
	ex := p.Evaluate(nil, 2026, july, time.UTC, false, true)
	if ex.Status != rules.Exempt {
		t.Errorf("exempt year: %s", ex.Status)
	}
	further := p.Evaluate(nil, 2026, time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC), time.UTC, true, false)
	if further.Status != rules.Compliant {
		t.Errorf("year completed by further study: %s", further.Status)
	}
}

func TestFurtherStudy(t *testing.T) {
	a, full, err := profile(t, "cn-2006").FurtherStudyAward(6)
	if err != nil || a.Amount != 3000 || !full {
		t.Errorf("2006, 6 months: %+v full %v %v; want 30 credits completing the year", a, full, err)
	}
	_, full, _ = profile(t, "cn-2006").FurtherStudyAward(5)
	if full {
		t.Error("2006, 5 months completed the year")
	}
	_, full, _ = profile(t, "cn-2024").FurtherStudyAward(3)
	if !full {
		t.Error("2024, 3 months did not complete the year")
	}
}

func TestCreditYearFollowsTheInstitutionsZone(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	// A session ending at 00:30 on 1 January in Shanghai is still 31
	// December in UTC: it counts for the new year.
	if got := rules.CreditYear(time.Date(2019, 12, 31, 16, 30, 0, 0, time.UTC), shanghai); got != 2020 {
		t.Errorf("credit year %d, want 2020", got)
	}
	if got := rules.CreditYear(time.Date(2019, 12, 31, 15, 30, 0, 0, time.UTC), shanghai); got != 2019 {
		t.Errorf("credit year %d, want 2019", got)
	}
}

func TestProfilesAreValidated(t *testing.T) {
	bad := map[string]string{
		"base": `{"id":"x","version":1,"name":{"en":"X"},"classes":true,"rounding":"hundredth","projects":{"national":{"class":"III","participant_hours_per_credit":300,"category":"n"}},"sessions":{},"year_caps":[],"requirements":[{"id":"y","period_years":1,"min_credits":2500}],"at_risk":"pro_rata"}`,
	}
	_, err := rules.Resolve("base", func(id string) ([]byte, bool) { b, ok := bad[id]; return []byte(b), ok })
	if err == nil || !strings.Contains(err.Error(), "projects.national.class") {
		t.Errorf("bad class: %v, want an error naming projects.national.class", err)
	}
	grade := map[string]string{"g": `{"id":"g","extends":"cn-2006","requirements":[{"id":"n5","period_years":5,"category":"national_project","min_credits":1000,"applies_to":["tertiary","quaternary"]}]}`}
	_, err = rules.Resolve("g", func(id string) ([]byte, bool) {
		if b, ok := grade[id]; ok {
			return []byte(b), true
		}
		return rules.ShippedJSON(id)
	})
	if err == nil || !strings.Contains(err.Error(), "requirements[0].applies_to[1]") {
		t.Errorf("unknown institution attribute: %v, want an error naming requirements[0].applies_to[1]", err)
	}
	loop := map[string]string{"a": `{"id":"a","extends":"b"}`, "b": `{"id":"b","extends":"a"}`}
	_, err = rules.Resolve("a", func(id string) ([]byte, bool) { b, ok := loop[id]; return []byte(b), ok })
	if err == nil || !strings.Contains(err.Error(), "extends itself") {
		t.Errorf("extends loop: %v", err)
	}
}

// TestAppliesToReadsBothForms keeps profiles saved with the older
// one-string form working.
func TestAppliesToReadsBothForms(t *testing.T) {
	for doc, want := range map[string]int{`"tertiary"`: 1, `["tertiary","provincial_level"]`: 2, `""`: 0} {
		var a rules.Attributes
		if err := json.Unmarshal([]byte(doc), &a); err != nil || len(a) != want {
			t.Errorf("%s: %v %v, want %d values", doc, a, err, want)
		}
	}
	two := rules.Attributes{"tertiary", "provincial_level"}
	if !two.Applies([]string{"provincial_level"}) || two.Applies([]string{"secondary"}) || two.Applies(nil) || !rules.Attributes(nil).Applies(nil) {
		t.Error("Applies: tertiary or provincial-level binds those units only; no attributes bind everyone")
	}
}

func TestHundredths(t *testing.T) {
	for v, want := range map[int64]string{0: "0", 200: "2", 150: "1.5", 158: "1.58", 5: "0.05", -233: "-2.33"} {
		if got := rules.Hundredths(v); got != want {
			t.Errorf("Hundredths(%d) = %q, want %q", v, got, want)
		}
	}
}

func FuzzResolve(f *testing.F) {
	f.Add(`{"id":"p","extends":"cn-2006","substitution_percent":50}`)
	f.Add(`{"id":"p","extends":"cn-2006","requirements":null}`)
	f.Fuzz(func(t *testing.T, doc string) {
		// Whatever the document, resolving returns a profile or an error,
		// never a panic, and a profile it returns is valid.
		p, err := rules.Resolve("p", func(id string) ([]byte, bool) {
			if id == "p" {
				return []byte(doc), true
			}
			return rules.ShippedJSON(id)
		})
		if err == nil {
			if es := p.Validate(); len(es) > 0 {
				t.Fatalf("Resolve returned an invalid profile: %v", es)
			}
		}
	})
}

func TestParseHundredths(t *testing.T) {
	for in, want := range map[string]int64{"2.5": 250, "0.25": 25, "3": 300, ".5": 50, "-1.75": -175, " 12.05 ": 1205} {
		if got, ok := rules.ParseHundredths(in); !ok || got != want {
			t.Errorf("ParseHundredths(%q) = %d %v, want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "-", ".", "1.", "1.234", "1,5", "abc", "1e3", "--1", "9999999999"} {
		if got, ok := rules.ParseHundredths(in); ok {
			t.Errorf("ParseHundredths(%q) = %d, want refused", in, got)
		}
	}
}

func FuzzParseHundredths(f *testing.F) {
	f.Add("2.5")
	f.Add("-0.05")
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := rules.ParseHundredths(s)
		if !ok {
			return
		}
		back, ok := rules.ParseHundredths(rules.Hundredths(v))
		if !ok || back != v {
			t.Fatalf("%q → %d → %q → %d", s, v, rules.Hundredths(v), back)
		}
	})
}
