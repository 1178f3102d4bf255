package award_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/attendance"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/award"
	"github.com/meded/meded/internal/completion"
	"github.com/meded/meded/internal/declaration"
	"github.com/meded/meded/internal/enrolment"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/review"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

var sys = audit.System("test")

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestClosingAwardsCreditsOnce builds a national project by hand: two
// 3-hour sessions, lecturer L teaching both, A attending both, B one. Under
// China 2006: A gets 6 h ÷ 3 = 2 Class I credits, B (50% < 80%) nothing, L
// 6 h × 2 = 12, capped at 10. Closing again posts nothing; adding B's
// second attendance after the close posts B's 2 credits only.
type project struct {
	x       activity.Activity
	a, b, l int64
	s2      session.Session
}

// runningProject builds, through the domain functions, a national project
// that has run: two 3-hour sessions taught by L, A at both, B at the first.
func runningProject(t *testing.T, db *store.DB) project {
	t.Helper()
	ctx := context.Background()
	year := time.Now().In(activity.Zone).Year() + 1
	date := func(m, d int) string { return fmt.Sprintf("%d-%02d-%02d", year, m, d) }
	var p project
	err := db.InTx(ctx, func(tx *store.Tx) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("setup: %v", r)
			}
		}()
		h := must(institution.Create(ctx, tx, sys, institution.Input{Kind: "hospital", NameZH: "医院", Country: "CN"}))
		mk := func(name string) int64 {
			return must(person.Create(ctx, tx, sys, person.Input{NameZH: name, InstitutionID: h.ID})).ID
		}
		d := mk("主任")
		p.l, p.a, p.b = mk("讲者"), mk("甲"), mk("乙")
		p.x = must(activity.Create(ctx, tx, sys, activity.Input{Level: "national", TitleZH: "肝胆胰外科新进展", InstitutionID: h.ID, DirectorID: d,
			PlannedHours: "6", Credits: "2", StartDate: date(3, 10), EndDate: date(3, 11), MinAttendancePct: 80}))
		in := session.Input{StartsAt: date(3, 10) + "T08:00", EndsAt: date(3, 10) + "T11:00", Venue: "报告厅", Format: "operation_teaching",
			Hours: "3", Lecturers: []session.Lecturer{{PersonID: p.l}}}
		s1 := must(session.Create(ctx, tx, sys, p.x.ID, in))
		in.StartsAt, in.EndsAt = date(3, 11)+"T08:00", date(3, 11)+"T11:00"
		p.s2 = must(session.Create(ctx, tx, sys, p.x.ID, in))
		must(declaration.Record(ctx, tx, sys, declaration.Input{Lecturer: session.Lecturer{PersonID: p.l}, Consent: true,
			SignedOn: time.Now().In(activity.Zone).Format(time.DateOnly)}))
		must(activity.Transition(ctx, tx, sys, p.x.ID, "submit", ""))
		p.x = must(review.Approve(ctx, tx, sys, p.x.ID, activity.Approval{Code: fmt.Sprintf("%d-09-02-144", year),
			ApprovingBody: "全国继续医学教育委员会", DocumentNumber: "全继委办发〔2026〕1号", Credits: "2", Hours: "6"}))
		must(activity.Transition(ctx, tx, sys, p.x.ID, "start", ""))
		for _, who := range []int64{p.a, p.b} {
			must(enrolment.SelfEnrol(ctx, tx, sys, p.x.ID, who))
		}
		for _, m := range []struct{ s, p int64 }{{s1.ID, p.a}, {p.s2.ID, p.a}, {s1.ID, p.b}} {
			if err := attendance.Set(ctx, tx, sys, m.s, m.p, true, "manual"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestClosingAwardsCreditsOnce: under China 2006 A gets 6 h ÷ 3 = 2 Class I
// credits, B (50% < 80%) nothing, L 6 h × 2 = 12, capped at 10. Awarding
// again posts nothing; B's second attendance entered after the close posts
// B's 2 credits only; taking back A's second attendance takes A's back.
func TestClosingAwardsCreditsOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := runningProject(t, db)
		x, a, b, l, s2 := p.x, p.a, p.b, p.l, p.s2
		year := time.Now().In(activity.Zone).Year() + 1
		err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := completion.Close(ctx, tx, sys, x.ID, "")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		net := func(p int64) int64 {
			var sum int64
			for _, e := range must(ledger.Entries(ctx, db, p, 0, 0)) {
				sum += e.Amount
			}
			return sum
		}
		if net(a) != 200 || net(b) != 0 || net(l) != 1000 {
			t.Fatalf("after closing: A %d, B %d, L %d; want 200, 0, 1000", net(a), net(b), net(l))
		}
		entries := must(ledger.Entries(ctx, db, a, 0, 0))
		if e := entries[0]; e.Class != "I" || e.CreditYear != year || e.SourceRef != award.SourceRef(x.ID) ||
			e.Evidence != fmt.Sprintf("6 h ÷ 3 = 2, Class I, national project %d-09-02-144", year) {
			t.Errorf("A's entry: %+v", e)
		}
		// Awarding again changes nothing.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			n, err := award.Activity(ctx, tx, sys, x.ID)
			if n != 0 {
				t.Errorf("a second award posted %d entries", n)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// B's missing attendance is entered after the close: B completes and
		// gets 2 credits; nobody else's file moves.
		// (The attendance page decides completion again after each change, as here.)
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if err := attendance.Set(ctx, tx, sys, s2.ID, b, true, "manual"); err != nil {
				return err
			}
			return completion.Apply(ctx, tx, sys, x.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		if net(a) != 200 || net(b) != 200 || net(l) != 1000 || len(must(ledger.Entries(ctx, db, a, 0, 0))) != 1 {
			t.Errorf("after the correction: A %d, B %d, L %d; want 200, 200, 1000 and A untouched", net(a), net(b), net(l))
		}
		// A's second attendance was a mistake: A no longer completes, and a
		// correction takes the 2 credits back (nothing is deleted).
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if err := attendance.Set(ctx, tx, sys, s2.ID, a, false, "manual"); err != nil {
				return err
			}
			return completion.Apply(ctx, tx, sys, x.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		entries = must(ledger.Entries(ctx, db, a, 0, 0))
		if net(a) != 0 || len(entries) != 2 || entries[1].Source != "correction" || entries[1].Amount != -200 {
			t.Errorf("after taking back A's attendance: net %d, entries %+v", net(a), entries)
		}
		if r := must(ledger.Verify(ctx, db)); !r.OK() {
			t.Errorf("ledger after awarding: %+v", r)
		}
	})
}

// TestCancellingAfterTheClose: the second session is found never to have
// taken place. Completion is measured against the 3 hours held: A (there)
// now gets 3 h ÷ 3 = 1 credit instead of 2, B (there too) completes and
// gets 1, and L keeps the 3 hours taught × 2 = 6.
func TestCancellingAfterTheClose(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := runningProject(t, db)
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := completion.Close(ctx, tx, sys, p.x.ID, ""); err != nil {
				return err
			}
			if _, err := session.Cancel(ctx, tx, sys, p.s2.ID); err != nil {
				return err
			}
			return completion.Apply(ctx, tx, sys, p.x.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		net := func(who int64) (sum int64) {
			for _, e := range must(ledger.Entries(ctx, db, who, 0, 0)) {
				sum += e.Amount
			}
			return sum
		}
		if net(p.a) != 100 || net(p.b) != 100 || net(p.l) != 600 {
			t.Errorf("after cancelling the second session: A %d, B %d, L %d; want 100, 100, 600", net(p.a), net(p.b), net(p.l))
		}
	})
}

// TestClosingTwiceAtOncePostsOnce: two offices press "close" together.
func TestClosingTwiceAtOncePostsOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := runningProject(t, db)
		start := make(chan struct{})
		errs := make(chan error, 2)
		for range 2 {
			go func() {
				<-start
				errs <- db.InTx(ctx, func(tx *store.Tx) error {
					_, err := completion.Close(ctx, tx, sys, p.x.ID, "")
					return err
				})
			}()
		}
		close(start)
		ok := 0
		for range 2 {
			if err := <-errs; err == nil {
				ok++
			}
		}
		if ok != 1 {
			t.Errorf("%d closes succeeded, want exactly 1", ok)
		}
		for who, want := range map[int64]int{p.a: 1, p.b: 0, p.l: 1} {
			if got := len(must(ledger.Entries(ctx, db, who, 0, 0))); got != want {
				t.Errorf("person %d has %d ledger entries, want %d", who, got, want)
			}
		}
	})
}
