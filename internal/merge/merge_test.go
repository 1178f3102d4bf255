package merge_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/attendance"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/award"
	"github.com/meded/meded/internal/completion"
	"github.com/meded/meded/internal/credit"
	"github.com/meded/meded/internal/enrolment"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/merge"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/review"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
	"github.com/meded/meded/internal/validate"
)

var sys = audit.System("test")

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// world is a hospital with the kept record A, its duplicate D, and two
// national projects of two 3-hour sessions each (80% attendance to
// complete): at the first both records attended both sessions; at the
// second D attended the first session and A the second, so neither
// completed it alone.
type world struct {
	a, d       int64
	both, half activity.Activity
	year       int
}

func build(t *testing.T, db *store.DB) world {
	t.Helper()
	ctx := context.Background()
	w := world{year: time.Now().In(activity.Zone).Year() + 1}
	date := func(m, d int) string { return fmt.Sprintf("%d-%02d-%02d", w.year, m, d) }
	err := db.InTx(ctx, func(tx *store.Tx) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("setup: %v", r)
			}
		}()
		h := must(institution.Create(ctx, tx, sys, institution.Input{Kind: "hospital", NameZH: "医院", Country: "CN"}))
		mk := func(name, staff string) int64 {
			return must(person.Create(ctx, tx, sys, person.Input{NameZH: name, StaffNumber: staff, InstitutionID: h.ID})).ID
		}
		director := mk("主任", "")
		w.a, w.d = mk("王芳", "H0001"), mk("王芳", "")
		project := func(title, code string, month int, attended [2][]int64) activity.Activity {
			x := must(activity.Create(ctx, tx, sys, activity.Input{Level: "national", TitleZH: title, InstitutionID: h.ID, DirectorID: director,
				PlannedHours: "6", Credits: "2", StartDate: date(month, 10), EndDate: date(month, 11), MinAttendancePct: 80}))
			var sessions []session.Session
			for day := 10; day <= 11; day++ {
				sessions = append(sessions, must(session.Create(ctx, tx, sys, x.ID, session.Input{StartsAt: date(month, day) + "T08:00",
					EndsAt: date(month, day) + "T11:00", Venue: "报告厅", Format: "case_discussion", Hours: "3"})))
			}
			must(activity.Transition(ctx, tx, sys, x.ID, "submit", ""))
			x = must(review.Approve(ctx, tx, sys, x.ID, activity.Approval{Code: fmt.Sprintf("%d-09-02-%s", w.year, code),
				ApprovingBody: "全国继续医学教育委员会", DocumentNumber: "全继委办发〔2026〕1号", Credits: "2", Hours: "6"}))
			must(activity.Transition(ctx, tx, sys, x.ID, "start", ""))
			enrolled := map[int64]bool{}
			for i, who := range attended {
				for _, p := range who {
					if !enrolled[p] {
						must(enrolment.SelfEnrol(ctx, tx, sys, x.ID, p))
						enrolled[p] = true
					}
					if err := attendance.Set(ctx, tx, sys, sessions[i].ID, p, true, "manual"); err != nil {
						panic(err)
					}
				}
			}
			must(completion.Close(ctx, tx, sys, x.ID, ""))
			return x
		}
		w.both = project("肝胆胰外科新进展", "144", 3, [2][]int64{{w.a, w.d}, {w.a, w.d}})
		w.half = project("感染病诊治进展", "145", 4, [2][]int64{{w.d}, {w.a}})
		// D also has a credit typed in by hand, from no project.
		_, err = ledger.Post(ctx, tx, sys, ledger.Posting{PersonID: w.d, CreditYear: w.year, Class: "II", Category: "manual",
			Amount: 100, Hours: 300, Source: "manual", Evidence: "paper certificate"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func netOf(t *testing.T, db *store.DB, personID int64) (amount int64) {
	t.Helper()
	for _, e := range must(ledger.Entries(context.Background(), db, personID, 0, 0)) {
		amount += e.Amount
	}
	return amount
}

// TestMergeCountsEachCreditOnce works a merge out by hand. Before: A holds
// 2 credits from the first project, D 2 from it and 1 by hand, and nobody
// completed the second. After merging D into A: A's file reads both chains
// and counts the first project once (2), D's hand-typed credit (1), and —
// once the second project's completion is decided again, now that A has
// both of its sessions — 2 more: 5 in all.
func TestMergeCountsEachCreditOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := build(t, db)
		if a, d := netOf(t, db, w.a), netOf(t, db, w.d); a != 200 || d != 300 {
			t.Fatalf("before: A %d, D %d; want 200 and 300", a, d)
		}
		var res merge.Result
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			res, err = merge.People(ctx, tx, sys, w.d, w.a, "same national ID, registered twice")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// A was enrolled in both projects and attended both sessions of the
		// first: D's rows there are dropped; D's attendance at the second
		// project's first session moves to A.
		if res.Dropped["attendance.person_id"] != 2 || res.Moved["attendance.person_id"] != 1 ||
			res.Dropped["enrolments.person_id"] != 2 || res.Moved["enrolments.person_id"] != 0 || res.Offsets != 1 {
			t.Errorf("result %+v", res)
		}
		if got := netOf(t, db, w.a); got != 300 {
			t.Errorf("A after the merge: %d, want 300 (2 from the first project once, 1 by hand)", got)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error { return completion.Apply(ctx, tx, sys, w.half.ID) })
		if err != nil {
			t.Fatal(err)
		}
		if got := netOf(t, db, w.a); got != 500 {
			t.Errorf("A after deciding the second project again: %d, want 500", got)
		}
		// Awarding the first project again posts nothing: its credit is
		// already in A's file, through D's chain.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			n, err := award.Activity(ctx, tx, sys, w.both.ID)
			if n != 0 {
				t.Errorf("awarding the first project again posted %d entries", n)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		st := must(credit.StandingOf(ctx, db, w.a, w.year, time.Date(w.year, 6, 1, 0, 0, 0, 0, time.UTC)))
		var total int64
		for _, r := range st.Evaluation.Results {
			if r.Requirement.ID == "yearly_total" {
				total = r.Credits
			}
		}
		if total != 500 {
			t.Errorf("standing counts %d for the year, want 500", total)
		}
		// D's chain is closed; its record is an alias, out of every list.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := ledger.Post(ctx, tx, sys, ledger.Posting{PersonID: w.d, CreditYear: w.year, Class: "II", Category: "manual",
				Amount: 100, Source: "manual"})
			return err
		})
		var closed ledger.ClosedError
		if !errors.As(err, &closed) || closed.Into != w.a {
			t.Errorf("posting to the merged record: %v, want ClosedError into %d", err, w.a)
		}
		list, _ := must2(person.List(ctx, db, person.ListFilter{Query: "王芳"}))
		if len(list) != 1 || list[0].ID != w.a {
			t.Errorf("people named 王芳: %+v, want only A", list)
		}
		if p := must(person.Get(ctx, db, w.d)); p.MergedInto != w.a {
			t.Errorf("D merged into %d, want %d", p.MergedInto, w.a)
		}
		if r := must(ledger.Verify(ctx, db)); !r.OK() {
			t.Errorf("ledger after the merge: %+v", r)
		}
	})
}

func must2[A, B any](a A, b B, err error) (A, B) {
	if err != nil {
		panic(err)
	}
	return a, b
}

func TestMergeRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := build(t, db)
		var third int64
		err := db.InTx(ctx, func(tx *store.Tx) error {
			p := must(person.Get(ctx, tx, w.a))
			third = must(person.Create(ctx, tx, sys, person.Input{NameZH: "李明", InstitutionID: p.InstitutionID})).ID
			_, err := merge.People(ctx, tx, sys, w.d, w.a, "duplicate")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name          string
			from, into    int64
			reason, field string
		}{
			{"no reason", third, w.a, " ", "reason"},
			{"into itself", third, third, "x", "into"},
			{"no such record", third, 99999, "x", "into"},
			{"already merged", w.d, third, "x", "into"},
			{"into an alias", third, w.d, "x", "into"},
		} {
			before := netOf(t, db, third)
			err := db.InTx(ctx, func(tx *store.Tx) error {
				_, err := merge.People(ctx, tx, sys, c.from, c.into, c.reason)
				return err
			})
			if fields, ok := validate.As(err); !ok || !slices.ContainsFunc(fields, func(f validate.FieldError) bool { return f.Field == c.field }) {
				t.Errorf("%s: %v, want an error on %q", c.name, err, c.field)
			}
			if p := must(person.Get(ctx, db, third)); p.MergedInto != 0 || netOf(t, db, third) != before {
				t.Errorf("%s: something was written", c.name)
			}
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := merge.People(ctx, tx, sys, 99999, w.a, "x")
			return err
		})
		if !errors.Is(err, person.ErrNotFound) {
			t.Errorf("merging a record that does not exist: %v, want ErrNotFound", err)
		}
	})
}

// TestMergeMovesTheLogin: the kept record gets the duplicate's login when it
// has none; when both have one, the duplicate's is disabled.
func TestMergeMovesTheLogin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := build(t, db)
		var third int64
		err := db.InTx(ctx, func(tx *store.Tx) error {
			p := must(person.Get(ctx, tx, w.a))
			third = must(person.Create(ctx, tx, sys, person.Input{NameZH: "王芳", InstitutionID: p.InstitutionID})).ID
			for i, id := range []int64{w.a, w.d, third} {
				if _, err := account.Create(ctx, tx, sys, account.NewAccount{Username: fmt.Sprintf("wf%d", i), Password: "s3cret-pass-1", PersonID: id}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := merge.People(ctx, tx, sys, w.d, w.a, "duplicate"); err != nil {
				return err
			}
			_, err := merge.People(ctx, tx, sys, w.a, third, "duplicate")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			login    string
			person   int64
			disabled bool
		}{{"wf0", w.a, true}, {"wf1", w.d, true}, {"wf2", third, false}} {
			a := must(account.ByPerson(ctx, db, c.person))
			if a.Username != c.login || a.Disabled != c.disabled {
				t.Errorf("person %d: login %s disabled %v, want %s %v", c.person, a.Username, a.Disabled, c.login, c.disabled)
			}
		}
		// D was merged into A, then A into the third record: D leads there too,
		// and the third record's file holds all three chains.
		if p := must(person.Get(ctx, db, w.d)); p.MergedInto != third {
			t.Errorf("D merged into %d, want %d", p.MergedInto, third)
		}
		if got := netOf(t, db, third); got != 300 {
			t.Errorf("third record's file: %d, want 300", got)
		}
	})
}
