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

func TestDashboardCountsFollowTheLedger(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var hospital institution.Institution
		ids := map[string]int64{}
		post := func(tx *store.Tx, who string, class string, amount int64) error {
			_, err := ledger.Post(ctx, tx, office, ledger.Posting{PersonID: ids[who], CreditYear: 2025, Class: class,
				Category: "national_project", Amount: amount, Hours: amount * 3, Source: "manual", Role: "participant"})
			return err
		}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			if hospital, err = institution.Create(ctx, tx, office, institution.Input{Kind: "hospital", NameEN: "H"}); err != nil {
				return err
			}
			for _, name := range []string{"安", "白", "曹"} {
				p, err := person.Create(ctx, tx, office, person.Input{NameZH: name, InstitutionID: hospital.ID})
				if err != nil {
					return err
				}
				ids[name] = p.ID
			}
			// 安: 10 Class I + 15 Class II = 25 → compliant. 白: nothing. 曹: 5 + 5.
			for _, e := range []struct {
				who, class string
				amount     int64
			}{{"安", "I", 1000}, {"安", "II", 1500}, {"曹", "I", 500}, {"曹", "II", 500}} {
				if err := post(tx, e.who, e.class, e.amount); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		after := time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
		d, err := credit.DashboardOf(ctx, db, person.ListFilter{InstitutionID: hospital.ID}, 2025, after)
		if err != nil {
			t.Fatal(err)
		}
		if d.Everyone != 3 || d.Counts[rules.Compliant] != 1 || d.Counts[rules.NotCompliant] != 2 {
			t.Fatalf("counts %v of %d, want 1 compliant and 2 not", d.Counts, d.Everyone)
		}
		if d.Rows[0].Status != rules.NotCompliant || d.Rows[2].Person.NameZH != "安" {
			t.Errorf("rows not worst first: %+v", d.Rows)
		}
		// 曹 gets the missing 15 Class II credits: the counts follow.
		err = db.InTx(ctx, func(tx *store.Tx) error { return post(tx, "曹", "II", 1500) })
		if err != nil {
			t.Fatal(err)
		}
		d, _ = credit.DashboardOf(ctx, db, person.ListFilter{InstitutionID: hospital.ID}, 2025, after)
		if d.Counts[rules.Compliant] != 2 || d.Counts[rules.NotCompliant] != 1 {
			t.Errorf("after 曹's credits: %v, want 2 compliant and 1 not", d.Counts)
		}
	})
}
