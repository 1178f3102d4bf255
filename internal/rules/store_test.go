package rules_test

import (
	"context"
	"strings"
	"testing"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/rules"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

var admin = audit.Actor{AccountID: 1, Label: "admin"}

func TestSavedProfilesAndAssignments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var uni, hospital institution.Institution
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			if uni, err = institution.Create(ctx, tx, admin, institution.Input{Kind: "university", NameEN: "U"}); err != nil {
				return err
			}
			hospital, err = institution.Create(ctx, tx, admin, institution.Input{Kind: "affiliated_hospital", NameEN: "H", ParentID: uni.ID})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// Nothing assigned: the default profile.
		p, err := rules.For(ctx, db, hospital.ID, 2026)
		if err != nil || p.ID != rules.DefaultProfile {
			t.Fatalf("unassigned: %s %v", p.ID, err)
		}
		// The university takes the 2024 rules from 2025; the hospital inherits them.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := rules.Assign(ctx, tx, admin, uni.ID, 2025, "cn-2024")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for year, want := range map[int]string{2024: "cn-2006", 2025: "cn-2024", 2030: "cn-2024"} {
			if p, err := rules.For(ctx, db, hospital.ID, year); err != nil || p.ID != want {
				t.Errorf("hospital in %d: %s %v, want %s", year, p.ID, err, want)
			}
		}
		// An edit is a new version; the years assigned before keep version 1.
		edited := `{"id":"cn-2024","version":1,"name":{"en":"China 2024 (edited)"},"classes":false,"rounding":"hundredth",
			"projects":{"national":{"class":"none","participant_hours_per_credit":300,"category":"national_project"}},
			"sessions":{},"year_caps":[],"requirements":[{"id":"yearly_credits","period_years":1,"min_credits":3000}],"at_risk":"pro_rata"}`
		var saved rules.Profile
		err = db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			saved, err = rules.Save(ctx, tx, admin, []byte(edited))
			return err
		})
		if err != nil || saved.Version != 2 {
			t.Fatalf("save: v%d %v", saved.Version, err)
		}
		if p, _ := rules.For(ctx, db, hospital.ID, 2025); p.Version != 1 || p.Require[0].MinCredits != 2500 {
			t.Errorf("2025 after the edit: v%d %+v, want the version assigned then", p.Version, p.Require)
		}
		if p, _ := rules.Load(ctx, db, "cn-2024"); p.Version != 2 || p.Require[0].MinCredits != 3000 {
			t.Errorf("newest: v%d %+v", p.Version, p.Require)
		}
		// A bad edit is refused, naming the field, and stores nothing.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := rules.Save(ctx, tx, admin, []byte(strings.Replace(edited, `"period_years":1`, `"period_years":0`, 1)))
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "requirements[0].period_years") {
			t.Errorf("bad edit: %v", err)
		}
		if p, _ := rules.Load(ctx, db, "cn-2024"); p.Version != 2 {
			t.Errorf("after a refused edit: v%d", p.Version)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := rules.Assign(ctx, tx, admin, uni.ID, 2026, "no-such-profile")
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "profile_id") {
			t.Errorf("assigning an unknown profile: %v", err)
		}
	})
}
