package credit_test

import (
	"context"
	"testing"
	"time"

	"github.com/meded/meded/internal/credit"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/rules"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

// TestFiveYearNationalRuleBindsTertiaryStaff works the China 2006 rule
// "staff of tertiary hospitals and provincial-level units need 10
// national-project credits in any 5 years" by hand: two people with the
// same file, one at a tertiary hospital and one at a secondary one; the
// rule binds only the first, and counts credits of 2022–2026 for 2026.
func TestFiveYearNationalRuleBindsTertiaryStaff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids := map[string]int64{}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for _, h := range []struct {
				name  string
				grade institution.Grade
				prov  bool
			}{{"tertiary", institution.Tertiary, false}, {"secondary", institution.Secondary, false}, {"cdc", "", true}} {
				inst, err := institution.Create(ctx, tx, office, institution.Input{Kind: "hospital", NameEN: h.name, Grade: h.grade, ProvincialLevel: h.prov})
				if err != nil {
					return err
				}
				p, err := person.Create(ctx, tx, office, person.Input{NameEN: "Dr " + h.name, InstitutionID: inst.ID})
				if err != nil {
					return err
				}
				ids[h.name] = p.ID
				// Every year 2026's yearly minimums (5 Class I national, 20
				// Class II); national credits: 4 in 2021 (outside the
				// window), 3 in 2023 and 5 in 2026 = 8 within 2022–2026.
				for _, e := range []struct {
					year       int
					class, cat string
					amount     int64
				}{{2021, "I", "national_project", 400}, {2023, "I", "national_project", 300}, {2026, "I", "national_project", 500}, {2026, "II", "municipal_project", 2000}} {
					if _, err := ledger.Post(ctx, tx, office, ledger.Posting{PersonID: p.ID, CreditYear: e.year, Class: e.class,
						Category: e.cat, Amount: e.amount, Hours: e.amount * 3, Source: "manual", Role: "participant"}); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		asOf := time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC) // the year is over
		need := func(who string) (int64, bool, string) {
			t.Helper()
			s, err := credit.StandingOf(ctx, db, ids[who], 2026, asOf)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range s.Evaluation.Results {
				if r.Requirement.ID == "national_projects_5_years" {
					return r.NeedCredits, true, s.Evaluation.Status
				}
			}
			return 0, false, s.Evaluation.Status
		}
		if n, ok, status := need("tertiary"); !ok || n != 200 || status != rules.NotCompliant {
			t.Errorf("tertiary: five-year rule present %v, short %d, status %s; want present, 2.00 short, not compliant", ok, n, status)
		}
		if n, ok, _ := need("cdc"); !ok || n != 200 {
			t.Errorf("provincial-level unit: five-year rule present %v, short %d; want present, 2.00 short", ok, n)
		}
		if _, ok, status := need("secondary"); ok || status != rules.Compliant {
			t.Errorf("secondary: five-year rule present %v, status %s; want absent and compliant", ok, status)
		}
		// Two more national credits in 2024 close the gap.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := ledger.Post(ctx, tx, office, ledger.Posting{PersonID: ids["tertiary"], CreditYear: 2024, Class: "I",
				Category: "national_project", Amount: 200, Hours: 600, Source: "manual", Role: "participant"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if n, _, status := need("tertiary"); n != 0 || status != rules.Compliant {
			t.Errorf("after 2 more national credits: short %d, status %s; want 0 and compliant", n, status)
		}
		// The dashboard applies the same rule.
		d, err := credit.DashboardOf(ctx, db, person.ListFilter{}, 2026, asOf)
		if err != nil {
			t.Fatal(err)
		}
		if d.Counts[rules.Compliant] != 2 || d.Counts[rules.NotCompliant] != 1 {
			t.Errorf("dashboard counts %v, want 2 compliant (tertiary, secondary) and 1 not (cdc)", d.Counts)
		}
	})
}
