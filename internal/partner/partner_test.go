package partner_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/meded/meded/internal/agreement"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/partner"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

var sys = audit.System("test")

// TestReport on a hand-made network. Home university U with college C.
// Partnerships in force: U–Oxford (GB), U–Tokyo (JP), C–Tokyo (JP again:
// one partner), C–HKU (HK), U–Melbourne+Auckland (AU, NZ), U–Peking (CN,
// domestic). Not counted: U–Harvard terminated, U–Mayo negotiating,
// U–Paris expired, Oxford–Sydney (U not a party), a CME base U–Toronto.
// By hand: 5 partners abroad (Oxford, Tokyo, HKU, Melbourne, Auckland) in
// 5 countries and regions: Asia 2, Europe 1, Oceania 2; 1 domestic.
func TestReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids := map[string]int64{}
		agreements := map[string]int64{}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for _, i := range []struct{ h, country, parent string }{
				{"U", "CN", ""}, {"C", "CN", "U"}, {"Oxford", "GB", ""}, {"Tokyo", "JP", ""}, {"HKU", "HK", ""},
				{"Melbourne", "AU", ""}, {"Auckland", "NZ", ""}, {"Peking", "CN", ""}, {"Harvard", "US", ""},
				{"Mayo", "US", ""}, {"Paris", "FR", ""}, {"Sydney", "AU", ""}, {"Toronto", "CA", ""},
			} {
				inst, err := institution.Create(ctx, tx, sys, institution.Input{Kind: "university", NameEN: i.h, Country: i.country, ParentID: ids[i.parent]})
				if err != nil {
					return err
				}
				ids[i.h] = inst.ID
			}
			for _, a := range []struct {
				name, kind, status string
				parties            []string
			}{
				{"oxford", "partnership", "active", []string{"U", "Oxford"}},
				{"tokyo", "partnership", "signed", []string{"U", "Tokyo"}},
				{"tokyo-c", "partnership", "expiring", []string{"C", "Tokyo"}},
				{"hku", "partnership", "active", []string{"C", "HKU"}},
				{"oceania", "partnership", "active", []string{"U", "Melbourne", "Auckland"}},
				{"peking", "partnership", "active", []string{"U", "Peking"}},
				{"harvard", "partnership", "terminated", []string{"U", "Harvard"}},
				{"mayo", "partnership", "negotiating", []string{"U", "Mayo"}},
				{"paris", "partnership", "expired", []string{"U", "Paris"}},
				{"sydney", "partnership", "active", []string{"Oxford", "Sydney"}},
				{"toronto", "cme_base", "active", []string{"U", "Toronto"}},
			} {
				in := agreement.Input{Kind: a.kind, NameEN: a.name, StartOn: "2020-01-01", EndOn: "2030-01-01", Status: a.status}
				if a.status != "negotiating" {
					in.SignedOn = "2020-01-01"
				}
				for _, p := range a.parties {
					in.PartyIDs = append(in.PartyIDs, ids[p])
				}
				ag, err := agreement.Create(ctx, tx, sys, in)
				if err != nil {
					return err
				}
				agreements[a.name] = ag.ID
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		r, err := partner.Build(ctx, db, ids["U"])
		if err != nil {
			t.Fatal(err)
		}
		summary := func(r partner.Report) string {
			var parts []string
			for _, c := range r.ByContinent {
				parts = append(parts, c.Key+"="+itoa(c.Count))
			}
			var names []string
			for _, p := range r.List {
				names = append(names, p.NameEN)
			}
			return itoa(r.Partners) + " in " + itoa(r.Countries) + ": " + strings.Join(parts, " ") + " | " + strings.Join(names, ",") +
				" | domestic " + itoa(len(r.Domestic))
		}
		if got, want := summary(r), "5 in 5: asia=2 europe=1 oceania=2 | Auckland,HKU,Melbourne,Oxford,Tokyo | domestic 1"; got != want {
			t.Errorf("report\n got %s\nwant %s", got, want)
		}
		for _, p := range r.List {
			if p.NameEN == "Tokyo" && len(p.AgreementIDs) != 2 {
				t.Errorf("Tokyo through %v, want two agreements", p.AgreementIDs)
			}
		}
		// The college's own report sees only its partners.
		rc, _ := partner.Build(ctx, db, ids["C"])
		if got, want := summary(rc), "2 in 2: asia=2 | HKU,Tokyo | domestic 0"; got != want {
			t.Errorf("college report\n got %s\nwant %s", got, want)
		}
		// Terminating Oxford's only agreement drops one partner and one country.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := agreement.Transition(ctx, tx, sys, agreements["oxford"], "terminated")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		r2, _ := partner.Build(ctx, db, ids["U"])
		if got, want := summary(r2), "4 in 4: asia=2 oceania=2 | Auckland,HKU,Melbourne,Tokyo | domestic 1"; got != want {
			t.Errorf("after terminating Oxford\n got %s\nwant %s", got, want)
		}
		svg := partner.Chart(r, func(k string) string { return k }, "Partners")
		if !strings.HasPrefix(svg, "<svg") || strings.Contains(svg, "style") || strings.Count(svg, "<rect") != 3 {
			t.Errorf("chart: %s", svg)
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
