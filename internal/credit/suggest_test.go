package credit_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/credit"
	"github.com/meded/meded/internal/enrolment"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/review"
	"github.com/meded/meded/internal/rules"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

// TestSuggestionsCloseTheGap: P has 15 Class I credits (5 needed) and 10
// Class II (15 needed), 25 in all. Three projects are open: national (Class
// I, not needed), municipal (Class II, but the hospital's rules cap municipal
// credits at 5 a year and P has 5) and institutional (Class II): only the
// institutional one is suggested.
func TestSuggestionsCloseTheGap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		year := time.Now().In(activity.Zone).Year()
		date := fmt.Sprintf("%d-12-28", year)
		var p person.Person
		office := audit.System("CME office") // activity history refers to accounts; a system actor has none
		err := db.InTx(ctx, func(tx *store.Tx) error {
			h, err := institution.Create(ctx, tx, office, institution.Input{Kind: "hospital", NameZH: "医院"})
			if err != nil {
				return err
			}
			if _, err := rules.Save(ctx, tx, office, []byte(`{"id":"test-capped","extends":"cn-2006","name":{"en":"capped"},
				"year_caps":[{"categories":["municipal_project"],"amount":500}]}`)); err != nil {
				return err
			}
			if _, err := rules.Assign(ctx, tx, office, h.ID, year, "test-capped"); err != nil {
				return err
			}
			if p, err = person.Create(ctx, tx, office, person.Input{NameZH: "彭", InstitutionID: h.ID}); err != nil {
				return err
			}
			d, err := person.Create(ctx, tx, office, person.Input{NameZH: "主任", InstitutionID: h.ID})
			if err != nil {
				return err
			}
			for _, e := range []ledger.Posting{
				{PersonID: p.ID, CreditYear: year, Class: "I", Category: "national_project", Amount: 1500, Source: "manual", Role: "participant"},
				{PersonID: p.ID, CreditYear: year, Class: "II", Category: "municipal_project", Amount: 500, Source: "manual", Role: "participant"},
				{PersonID: p.ID, CreditYear: year, Class: "II", Category: "institutional_project", Amount: 500, Source: "manual", Role: "participant"},
			} {
				if _, err := ledger.Post(ctx, tx, office, e); err != nil {
					return err
				}
			}
			for _, a := range []struct{ level, code string }{
				{"national", fmt.Sprintf("%d-09-02-144", year)}, {"municipal", fmt.Sprintf("HZ-%d-012", year)}, {"institutional", fmt.Sprintf("ZJU1H-%d-001", year)},
			} {
				act, err := activity.Create(ctx, tx, office, activity.Input{Level: a.level, TitleZH: a.level + "项目", InstitutionID: h.ID,
					DirectorID: d.ID, PlannedHours: "12", StartDate: date, EndDate: date, MinAttendancePct: 80})
				if err != nil {
					return err
				}
				if _, err := activity.Transition(ctx, tx, office, act.ID, "submit", ""); err != nil {
					return err
				}
				if _, err := review.Approve(ctx, tx, office, act.ID, activity.Approval{Code: a.code, ApprovingBody: "委员会", DocumentNumber: "1号", Credits: "4", Hours: "12"}); err != nil {
					return fmt.Errorf("approve %s: %w", a.level, err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		st, err := credit.StandingOf(ctx, db, p.ID, year, now)
		if err != nil {
			t.Fatal(err)
		}
		got, err := credit.Suggest(ctx, db, st, now.In(activity.Zone).Format(time.DateOnly), 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Activity.Level != "institutional" || got[0].Award.Amount != 200 || got[0].Award.Class != "II" {
			t.Fatalf("suggestions %+v: want only the institutional project, 12 h ÷ 6 = 2 Class II credits", got)
		}
		// Once P is enrolled in it, it is no longer suggested.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := enrolment.SelfEnrol(ctx, tx, office, got[0].Activity.ID, p.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, err = credit.Suggest(ctx, db, st, now.In(activity.Zone).Format(time.DateOnly), 5); err != nil || len(got) != 0 {
			t.Errorf("after enrolling: %+v %v, want no suggestion", got, err)
		}
	})
}
