package demo_test

import (
	"context"
	"testing"

	"github.com/meded/meded/internal/agreement"
	"github.com/meded/meded/internal/demo"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/partner"
	"github.com/meded/meded/internal/store"
)

func findInstitution(t *testing.T, db *store.DB, name string) institution.Institution {
	t.Helper()
	list, _, err := institution.List(context.Background(), db, institution.ListFilter{Query: name})
	for _, i := range list {
		if i.NameEN == name {
			return i
		}
	}
	t.Fatalf("no institution %q: %v", name, err)
	return institution.Institution{}
}

// TestDemoPartnersReport: the partners report computes the APMEC 2026
// figures (67 partners in 24 countries and regions across Europe, Asia,
// North America and Oceania) from the demo's agreements.
func checkPartnersReport(t *testing.T, db *store.DB) {
	{
		ctx := context.Background()
		if _, _, err := demo.Ensure(ctx, db); err != nil {
			t.Fatal(err)
		}
		cqmu := findInstitution(t, db, "Chongqing Medical University")
		r, err := partner.Build(ctx, db, cqmu.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Partners != 67 || r.Countries != 24 {
			t.Errorf("partners report: %d partners in %d countries and regions, want 67 in 24", r.Partners, r.Countries)
		}
		var continents []string
		for _, c := range r.ByContinent {
			continents = append(continents, c.Key)
		}
		if got, want := continents, []string{"asia", "europe", "north_america", "oceania"}; len(got) != len(want) ||
			got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
			t.Errorf("continents %v, want %v", got, want)
		}
		if len(r.Domestic) != 1 {
			t.Errorf("domestic partners %d, want 1 (Xi'an Jiaotong University)", len(r.Domestic))
		}
	}
}

// TestDemoBases: the internship base meeting of 5 July 2022 had 6
// representatives of the college and 12 of CQHCWC; the public health
// base was licensed by Sichuan University with three CQHCWC representatives.
func checkBases(t *testing.T, db *store.DB) {
	ctx := context.Background()
	if _, _, err := demo.Ensure(ctx, db); err != nil {
		t.Fatal(err)
	}
	bases, _, err := agreement.List(ctx, db, agreement.ListFilter{Kind: "internship_base"})
	if err != nil || len(bases) != 1 {
		t.Fatalf("internship bases %d: %v", len(bases), err)
	}
	base := bases[0]
	for _, kind := range agreement.TermKinds {
		if len(base.TermsOf(kind)) == 0 {
			t.Errorf("internship base has no %s terms", kind)
		}
	}
	meetings, err := agreement.Meetings(ctx, db, base.ID)
	if err != nil || len(meetings) != 1 {
		t.Fatalf("meetings %d: %v", len(meetings), err)
	}
	m := meetings[0]
	sides := m.SideCounts(base.Parties)
	if m.HeldOn != "2022-07-05" || len(sides) != 2 || sides[0].Count != 6 || sides[1].Count != 12 {
		t.Errorf("meeting on %s with sides %+v, want 2022-07-05 with 6 and 12", m.HeldOn, sides)
	}
	pg, _, err := agreement.List(ctx, db, agreement.ListFilter{Kind: "postgraduate_joint_base"})
	if err != nil || len(pg) != 1 {
		t.Fatalf("postgraduate bases %d: %v", len(pg), err)
	}
	if n, ok := pg[0].CapacityFor("public_health"); !ok || n < 1 || len(pg[0].Parties) != 3 {
		t.Errorf("postgraduate base %+v", pg[0])
	}
	pm, err := agreement.Meetings(ctx, db, pg[0].ID)
	if err != nil || len(pm) != 1 || len(pm[0].Attendees) != 3 {
		t.Errorf("licensing meeting %+v: %v", pm, err)
	}
}
