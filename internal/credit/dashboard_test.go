package credit_test

import (
	"context"
	"strings"
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

func TestExemptionsWaiveOrReduceAYear(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var a, b person.Person
		err := db.InTx(ctx, func(tx *store.Tx) error {
			h, err := institution.Create(ctx, tx, office, institution.Input{Kind: "hospital", NameEN: "H"})
			if err != nil {
				return err
			}
			if a, err = person.Create(ctx, tx, office, person.Input{NameZH: "甲", InstitutionID: h.ID}); err != nil {
				return err
			}
			if b, err = person.Create(ctx, tx, office, person.Input{NameZH: "乙", InstitutionID: h.ID}); err != nil {
				return err
			}
			// 乙 has 5 Class I and 10 Class II credits: short of 25 in all.
			for _, p := range []ledger.Posting{
				{PersonID: b.ID, CreditYear: 2025, Class: "I", Category: "national_project", Amount: 500, Source: "manual"},
				{PersonID: b.ID, CreditYear: 2025, Class: "II", Category: "municipal_project", Amount: 1000, Source: "manual"},
			} {
				if _, err := ledger.Post(ctx, tx, office, p); err != nil {
					return err
				}
			}
			if _, err := credit.Exempt(ctx, tx, office, a.ID, credit.ExemptionInput{CreditYear: 2025, Kind: "maternity_leave", Reduction: 100, Evidence: "leave from March to December"}); err != nil {
				return err
			}
			// Half the year abroad: 乙's requirements halve (12.5 in all, 2.5 Class I, 7.5 Class II).
			_, err = credit.Exempt(ctx, tx, office, b.ID, credit.ExemptionInput{CreditYear: 2025, Kind: "study_abroad", Reduction: 50, Evidence: "visiting scholar"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		after := time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
		sa, _ := credit.StandingOf(ctx, db, a.ID, 2025, after)
		sb, _ := credit.StandingOf(ctx, db, b.ID, 2025, after)
		if sa.Evaluation.Status != rules.Exempt || sa.Exemption == nil || sb.Evaluation.Status != rules.Compliant {
			t.Errorf("甲 %s, 乙 %s: want exempt and compliant", sa.Evaluation.Status, sb.Evaluation.Status)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := credit.Exempt(ctx, tx, office, b.ID, credit.ExemptionInput{CreditYear: 2025, Kind: "other", Reduction: 0, Evidence: ""})
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "reduction") || !strings.Contains(err.Error(), "evidence") {
			t.Errorf("a bad exemption: %v, want reduction and evidence named", err)
		}
		d, _ := credit.DashboardOf(ctx, db, person.ListFilter{InstitutionID: a.InstitutionID}, 2025, after)
		if d.Counts[rules.Exempt] != 1 || d.Counts[rules.Compliant] != 1 {
			t.Errorf("dashboard %v, want one exempt and one compliant", d.Counts)
		}
	})
}

func TestImportIsAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var mine, theirs person.Person
		err := db.InTx(ctx, func(tx *store.Tx) error {
			h, err := institution.Create(ctx, tx, office, institution.Input{Kind: "hospital", NameEN: "H"})
			if err != nil {
				return err
			}
			o, err := institution.Create(ctx, tx, office, institution.Input{Kind: "hospital", NameEN: "Other"})
			if err != nil {
				return err
			}
			if mine, err = person.Create(ctx, tx, office, person.Input{NameZH: "甲", InstitutionID: h.ID}); err != nil {
				return err
			}
			theirs, err = person.Create(ctx, tx, office, person.Input{NameZH: "乙", InstitutionID: o.ID})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		allowed := func(p person.Person) bool { return p.InstitutionID == mine.InstitutionID }
		rows := []credit.ImportRow{
			{PersonID: mine.ID, CreditYear: 2015, Class: "I", Category: "national_project", Amount: "2", Hours: "6", Evidence: "old system #881"},
			{PersonID: mine.ID, CreditYear: 2015, Class: "III", Category: "national_project", Amount: "2.333"},
			{PersonID: theirs.ID, CreditYear: 2015, Class: "II", Category: "self_study", Amount: "1"},
		}
		var n int
		err = db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			n, err = credit.Import(ctx, tx, office, rows, allowed)
			return err
		})
		for _, want := range []string{"row 2, class", "row 2, amount", "row 3, person_id"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("import errors %v: want %q", err, want)
			}
		}
		if entries, _ := ledger.Entries(ctx, db, mine.ID, 0, 0); n != 0 || len(entries) != 0 {
			t.Errorf("a refused import posted %d (%d entries)", n, len(entries))
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			n, err = credit.Import(ctx, tx, office, rows[:1], allowed)
			return err
		})
		if entries, _ := ledger.Entries(ctx, db, mine.ID, 0, 0); err != nil || n != 1 || len(entries) != 1 || entries[0].Source != "import" || entries[0].Amount != 200 {
			t.Errorf("good import: %d %v %+v", n, err, entries)
		}
	})
}

func TestAPersonUnderTwoCycles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var doc person.Person
		err := db.InTx(ctx, func(tx *store.Tx) error {
			h, err := institution.Create(ctx, tx, office, institution.Input{Kind: "hospital", NameEN: "H"})
			if err != nil {
				return err
			}
			if doc, err = person.Create(ctx, tx, office, person.Input{NameZH: "丁", InstitutionID: h.ID}); err != nil {
				return err
			}
			// 30 hours in 2025 and 25 hours (and 26 credits, 8 Class I) in 2026.
			for _, p := range []ledger.Posting{
				{PersonID: doc.ID, CreditYear: 2025, Class: "I", Category: "national_project", Amount: 1000, Hours: 3000, Source: "manual"},
				{PersonID: doc.ID, CreditYear: 2026, Class: "I", Category: "national_project", Amount: 800, Hours: 2400, Source: "manual"},
				{PersonID: doc.ID, CreditYear: 2026, Class: "II", Category: "municipal_project", Amount: 1800, Hours: 100, Source: "manual"},
			} {
				if _, err := ledger.Post(ctx, tx, office, p); err != nil {
					return err
				}
			}
			_, err = credit.AddCycle(ctx, tx, office, doc.ID, credit.CycleInput{ProfileID: "ama-pra-ca", FromYear: 2025, Reason: "California licence"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		s, err := credit.StandingOf(ctx, db, doc.ID, 2026, time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if s.Evaluation.Status != rules.Compliant || len(s.Cycles) != 1 || s.Cycles[0].Evaluation.Status != rules.Compliant {
			t.Fatalf("standing %s with cycles %+v: want compliant in both", s.Evaluation.Status, s.Cycles)
		}
		// In 2025 alone the Chinese year falls short, and California's cycle
		// (2024–2025) has only 30 of 50 hours.
		s, _ = credit.StandingOf(ctx, db, doc.ID, 2025, time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC))
		if s.Evaluation.Status != rules.NotCompliant || s.Cycles[0].Evaluation.Status != rules.NotCompliant || s.Cycles[0].Evaluation.Results[0].NeedHours != 2000 {
			t.Errorf("2025: %s, cycle %+v; want both not compliant, 20 hours short in California", s.Evaluation.Status, s.Cycles[0].Evaluation.Results)
		}
	})
}
