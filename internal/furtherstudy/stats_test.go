package furtherstudy_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/meded/meded/internal/furtherstudy"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

func timeOf(s string) (time.Time, error) { return time.Parse(time.DateOnly, s) }

// groupCounts maps a dimension's keys to their trainees.
func groupCounts(gs []furtherstudy.Group) map[string]int {
	out := map[string]int{}
	for _, g := range gs {
		out[g.Key] = g.Trainees
	}
	return out
}

// A hand-worked year: in 2019 trainees A and B (Sichuan physicians, junior)
// came to hepatobiliary surgery for 6 and 3 months (A completed, B left
// after one whole month), C (a Yunnan nurse, intermediate) to infectious
// diseases for 4 months and completed; D arrived in 2020, and one
// application never got past the department. 2019: 3 trainees, 11
// trainee-months, 2 completed (A: 30 credits, C: 20), 1 withdrawn.
func TestYearReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := setup(t, db)
		ctx := context.Background()
		a := arrive(t, db, w, w.trainees[0], w.hb, w.supHB, "2019-03-01", "2019-08-31")
		b := arrive(t, db, w, w.trainees[1], w.hb, w.supHB, "2019-10-01", "2019-12-31")
		c := arrive(t, db, w, w.trainees[2], w.inf, w.supInf, "2019-05-01", "2019-08-31")
		arrive(t, db, w, w.trainees[3], w.hb, w.supHB, "2020-01-01", "2020-06-30")
		err := inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			if _, err := furtherstudy.Complete(ctx, tx, sys, a.ID, furtherstudy.Completion{Score: 90}); err != nil {
				return err
			}
			if _, err := furtherstudy.Complete(ctx, tx, sys, c.ID, furtherstudy.Completion{Score: 85}); err != nil {
				return err
			}
			if _, err := furtherstudy.Withdraw(ctx, tx, sys, b.ID, furtherstudy.Withdrawal{Comment: "called back", LeftOn: "2019-11-15"}); err != nil {
				return err
			}
			_, err := furtherstudy.Apply(ctx, tx, sys, furtherstudy.Input{PersonID: w.trainees[2], HostDepartmentID: w.hb, Months: 2, WishStartOn: "2019-11-01"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		r, err := furtherstudy.YearReport(ctx, db, 2019, furtherstudy.Scope{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Trainees != 3 || r.Completed != 2 || r.Withdrawn != 1 || r.InProgress != 0 || r.Months != 11 || r.Credits != 5000 || r.FullYear != 1 {
			t.Errorf("2019 totals: got %+v", r)
		}
		checks := []struct {
			dim  string
			want map[string]int
		}{
			{"department", map[string]int{itoa(w.hb): 2, itoa(w.inf): 1}},
			{"institution", map[string]int{itoa(w.sichuan): 2, itoa(w.yunnan): 1}},
			{"province", map[string]int{"Sichuan": 2, "Yunnan": 1}},
			{"category", map[string]int{"physician": 2, "nurse": 1}},
			{"title", map[string]int{"junior": 2, "intermediate": 1}},
			{"months", map[string]int{"1": 1, "4": 1, "6": 1}},
		}
		for _, c := range checks {
			if got := groupCounts(r.Groups(c.dim)); !equal(got, c.want) {
				t.Errorf("2019 by %s: got %v, want %v", c.dim, got, c.want)
			}
		}
		if g := r.ByDepartment[0]; g.Name("en") != "Hepatobiliary Surgery" || g.Months != 7 {
			t.Errorf("first department: got %+v", g)
		}
		// Scoped to the infectious-disease department only.
		r, err = furtherstudy.YearReport(ctx, db, 2019, furtherstudy.Scope{DepartmentIDs: []int64{w.inf}})
		if err != nil || r.Trainees != 1 {
			t.Errorf("department scope: got %d, %v", r.Trainees, err)
		}
		if r, _ := furtherstudy.YearReport(ctx, db, 2019, furtherstudy.Scope{HostInstitutionIDs: []int64{}}); r.Trainees != 0 {
			t.Errorf("empty scope: got %d", r.Trainees)
		}
		years, err := furtherstudy.Years(ctx, db, nil)
		if err != nil || len(years) != 2 || years[0] != 2020 || years[1] != 2019 {
			t.Errorf("years: got %v, %v", years, err)
		}
		// Remove B's record: the figures follow.
		if _, err := db.Exec(ctx, `DELETE FROM further_study_applications WHERE id = ?`, b.ID); err != nil {
			t.Fatal(err)
		}
		r, err = furtherstudy.YearReport(ctx, db, 2019, furtherstudy.Scope{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Trainees != 2 || r.Withdrawn != 0 || r.Months != 10 || groupCounts(r.ByProvince)["Sichuan"] != 1 {
			t.Errorf("after removing B: got %+v", r)
		}
		// The office reverses C's credit entry (a wrong certificate): the
		// credits figure reads the ledger and follows.
		err = inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			entries, err := ledger.Entries(ctx, tx, w.trainees[2], 0, 0)
			if err != nil || len(entries) == 0 {
				return fmt.Errorf("C's entries: %v %v", entries, err)
			}
			_, err = ledger.Reverse(ctx, tx, sys, entries[0].ID, "wrong certificate")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if r, _ := furtherstudy.YearReport(ctx, db, 2019, furtherstudy.Scope{}); r.Credits != 3000 {
			t.Errorf("after reversing C's 20 credits: %d, want 3000", r.Credits)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func equal(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
