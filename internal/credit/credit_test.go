package credit_test

import (
	"context"
	"testing"
	"time"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/credit"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/rules"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

var office = audit.Actor{AccountID: 3, Label: "office"}

// TestStandingFollowsTheLedger works a small credit file out by hand, then
// removes (reverses) one entry and sees the shortfall follow.
func TestStandingFollowsTheLedger(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var who person.Person
		var entries []ledger.Entry
		err := db.InTx(ctx, func(tx *store.Tx) error {
			inst, err := institution.Create(ctx, tx, office, institution.Input{Kind: "hospital", NameEN: "H", TimeZone: "Asia/Shanghai"})
			if err != nil {
				return err
			}
			if who, err = person.Create(ctx, tx, office, person.Input{NameZH: "陈医生", InstitutionID: inst.ID}); err != nil {
				return err
			}
			p, err := rules.Load(ctx, tx, "cn-2006")
			if err != nil {
				return err
			}
			// A national project (6 h → 2 Class I), lecturing 3 h at a
			// provincial project (3 Class I), 40 unit lectures attended
			// (20 Class II, capped to 10), and a municipal project of 36 h (6 Class II).
			awards := []struct {
				level, role string
				hours       int64
			}{{"national", "participant", 600}, {"provincial", "lecturer", 300}, {"municipal", "participant", 3600}}
			for _, a := range awards {
				award, err := p.ProjectAward(a.level, false, a.role, a.hours, 0, "")
				if err != nil {
					return err
				}
				e, err := ledger.Post(ctx, tx, office, ledger.Posting{PersonID: who.ID, CreditYear: 2026, Class: award.Class,
					Category: award.Category, Amount: award.Amount, Hours: award.Hours, Source: "activity", Role: a.role, Evidence: award.Explanation})
				if err != nil {
					return err
				}
				entries = append(entries, e)
			}
			for range 40 {
				award, _ := p.SessionAward("lecture", "participant", 100)
				if _, err := ledger.Post(ctx, tx, office, ledger.Posting{PersonID: who.ID, CreditYear: 2026, Class: award.Class,
					Category: award.Category, Amount: award.Amount, Hours: award.Hours, Source: "session", Role: "participant"}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		asOf := time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC)
		s, err := credit.StandingOf(ctx, db, who.ID, 2026, asOf)
		if err != nil {
			t.Fatal(err)
		}
		// By hand: Class I 2 + 3 = 5 (met); Class II 6 + 10 = 16 (met);
		// total 21: 4 short. 10 lecture credits were over the cap.
		got := map[string]int64{}
		for _, r := range s.Evaluation.Results {
			got[r.Requirement.ID] = r.NeedCredits
		}
		if got["yearly_class_i"] != 0 || got["yearly_class_ii"] != 0 || got["yearly_total"] != 400 || s.Evaluation.Status != rules.AtRisk {
			t.Errorf("standing %+v (%s), want only 4 credits short in all, at risk before the year ends", got, s.Evaluation.Status)
		}
		// The office reverses the provincial lecture (3 Class I): Class I is now 3 short.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := ledger.Reverse(ctx, tx, office, entries[1].ID, "lecture cancelled")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		s, _ = credit.StandingOf(ctx, db, who.ID, 2026, asOf)
		for _, r := range s.Evaluation.Results {
			if r.Requirement.ID == "yearly_class_i" && r.NeedCredits != 300 {
				t.Errorf("after the reversal Class I is %d short, want 3", r.NeedCredits)
			}
		}
		tr, err := credit.TranscriptOf(ctx, db, who.ID, 2026, 2026)
		if err != nil || len(tr.Entries) != 44 {
			t.Fatalf("transcript: %d entries %v", len(tr.Entries), err)
		}
		var classI int64
		for _, y := range tr.Totals {
			if y.Class == "I" {
				classI = y.Amount
			}
		}
		if classI != 200 {
			t.Errorf("transcript Class I total %d, want 2 after the reversal", classI)
		}
	})
}
