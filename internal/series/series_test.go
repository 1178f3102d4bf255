package series_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/checkin"
	"github.com/meded/meded/internal/credit"
	"github.com/meded/meded/internal/enrolment"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/series"
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

// world is a hospital with a Thursday lecture series for 2019 and people:
// L the lecturer; A and B residents of department X, both enrolled in the
// series; C a nurse of department Y who drops in without enrolling.
type world struct {
	hospital      int64
	x, y          int64 // departments
	series        activity.Activity
	l, a, b, c    int64
	sessions      []session.Session // January 2019: 3, 10, 17, 31 (24 is a holiday)
	generatedDays []string
}

func inTx(t *testing.T, db *store.DB, fn func(ctx context.Context, tx *store.Tx) error) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *store.Tx) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("%v", r)
			}
		}()
		return fn(ctx, tx)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func newSeries(t testing.TB, ctx context.Context, tx *store.Tx, hospital, director int64, title string) activity.Activity {
	t.Helper()
	a := must(activity.Create(ctx, tx, sys, activity.Input{Kind: "series", Level: "institutional", TitleZH: title, InstitutionID: hospital,
		DirectorID: director, PlannedHours: "60", StartDate: "2019-01-01", EndDate: "2019-12-31"}))
	must(activity.Transition(ctx, tx, sys, a.ID, "submit", ""))
	must(activity.Approve(ctx, tx, sys, a.ID, activity.Approval{Code: fmt.Sprintf("ZY-2019-%03d", a.ID)}))
	return must(activity.Transition(ctx, tx, sys, a.ID, "start", ""))
}

func thursdays(id int64) series.Schedule {
	return series.Schedule{ActivityID: id, Frequency: "weekly", Weekday: 4, StartTime: "16:30", Minutes: 90, Zone: "Asia/Shanghai",
		AnchorDate: "2019-01-01", Format: "lecture", Venue: "门诊楼报告厅", ExpectedPct: 50, CreditDelayMinutes: 15}
}

func enrol(ctx context.Context, tx *store.Tx, activityID int64, people ...int64) {
	for _, p := range people {
		must(enrolment.SelfEnrol(ctx, tx, sys, activityID, p))
	}
}

func build(t *testing.T, db *store.DB) world {
	t.Helper()
	var w world
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		h := must(institution.Create(ctx, tx, sys, institution.Input{Kind: "affiliated_hospital", NameZH: "附属第一医院", Country: "CN"}))
		w.hospital = h.ID
		w.x = must(institution.CreateDepartment(ctx, tx, sys, h.ID, institution.DepartmentInput{NameZH: "内科", NameEN: "Medicine"})).ID
		w.y = must(institution.CreateDepartment(ctx, tx, sys, h.ID, institution.DepartmentInput{NameZH: "护理部", NameEN: "Nursing"})).ID
		mk := func(name, category string, dept int64) int64 {
			return must(person.Create(ctx, tx, sys, person.Input{NameZH: name, Category: category, InstitutionID: h.ID, DepartmentID: dept})).ID
		}
		d := mk("主任", "physician", w.x)
		w.l, w.a, w.b, w.c = mk("讲者", "physician", w.x), mk("甲", "resident", w.x), mk("乙", "resident", w.x), mk("丙", "nurse", w.y)
		w.series = newSeries(t, ctx, tx, h.ID, d, "周四临床讲座")
		must(series.Save(ctx, tx, sys, thursdays(w.series.ID)))
		must(series.AddHoliday(ctx, tx, sys, w.series.ID, series.Holiday{Day: "2019-01-24", Note: "春节调休"}))
		w.generatedDays = must(series.Generate(ctx, tx, sys, w.series.ID, "2019-01-01", "2019-01-31"))
		w.sessions = must(session.List(ctx, tx, w.series.ID))
		s1 := w.sessions[0]
		must(session.Update(ctx, tx, sys, s1.ID, session.Input{StartsAt: "2019-01-03T16:30", EndsAt: "2019-01-03T18:00",
			Venue: s1.Venue, Format: "lecture", Hours: "1.5", Topic: "脓毒症的早期识别", Lecturers: []session.Lecturer{{PersonID: w.l}}}))
		enrol(ctx, tx, w.series.ID, w.a, w.b)
		for _, m := range []struct {
			s int
			p int64
		}{{0, w.a}, {1, w.a}, {2, w.a}, {0, w.b}, {0, w.c}, {3, w.c}} {
			if err := series.SetAttendance(ctx, tx, sys, w.sessions[m.s].ID, m.p, true, "sign-in sheet"); err != nil {
				return err
			}
		}
		return nil
	})
	return w
}

func TestGenerateSkipsHolidaysAndIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := build(t, db)
		if got := fmt.Sprint(w.generatedDays); got != "[2019-01-03 2019-01-10 2019-01-17 2019-01-31]" {
			t.Fatalf("generated %s", got)
		}
		s := w.sessions[1]
		if got := s.StartsAt.In(activity.Zone).Format("2006-01-02 15:04"); got != "2019-01-10 16:30" || s.Quarters != 6 || s.Venue != "门诊楼报告厅" {
			t.Errorf("second session: %s, %d quarters, venue %q", got, s.Quarters, s.Venue)
		}
		inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			// Move the 10 January lecture to Friday, cancel the 17th: generating
			// the month again must bring back neither.
			must(session.Update(ctx, tx, sys, s.ID, session.Input{StartsAt: "2019-01-11T16:30", EndsAt: "2019-01-11T18:00", Venue: "外科楼",
				Format: "case_discussion", Hours: "1.5"}))
			must(session.Cancel(ctx, tx, sys, w.sessions[2].ID))
			if days := must(series.Generate(ctx, tx, sys, w.series.ID, "2019-01-01", "2019-01-31")); len(days) != 0 {
				t.Errorf("generating again added %v", days)
			}
			days := must(series.Generate(ctx, tx, sys, w.series.ID, "2019-02-01", "2019-02-28"))
			if got := fmt.Sprint(days); got != "[2019-02-07 2019-02-14 2019-02-21 2019-02-28]" {
				t.Errorf("February: %s", got)
			}
			return nil
		})
		moved := must(session.Get(context.Background(), db, s.ID))
		if got := moved.StartsAt.In(activity.Zone).Format("2006-01-02 15:04"); got != "2019-01-11 16:30" || moved.Venue != "外科楼" {
			t.Errorf("moved session at %s in %s", got, moved.Venue)
		}
		if rev := must(session.Revision(context.Background(), db, s.ID)); rev != 1 {
			t.Errorf("moved session revision %d, want 1", rev)
		}
	})
}

func TestHolidayAfterGenerationCancelsTheSession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := build(t, db)
		ctx := context.Background()
		err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := series.AddHoliday(ctx, tx, sys, w.series.ID, series.Holiday{Day: "2019-01-03"})
			return err
		})
		if es, ok := validate.As(err); !ok || !es.Has("day") {
			t.Fatalf("holiday on a day people attended: got %v, want an error on day", err)
		}
		inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			// Nobody came on the 17th except A; take A off and the day can become a holiday.
			must(0, series.SetAttendance(ctx, tx, sys, w.sessions[2].ID, w.a, false, "entered by mistake"))
			if n := must(series.AddHoliday(ctx, tx, sys, w.series.ID, series.Holiday{Day: "2019-01-17", Note: "停电"})); n != 1 {
				t.Errorf("cancelled %d sessions, want 1", n)
			}
			return nil
		})
		if s := must(session.Get(ctx, db, w.sessions[2].ID)); !s.Cancelled {
			t.Error("the session on the new holiday is not cancelled")
		}
	})
}

func TestScheduleRefusesBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := build(t, db)
		bad := []struct {
			field  string
			change func(*series.Schedule)
		}{
			{"frequency", func(s *series.Schedule) { s.Frequency = "daily" }},
			{"weekday", func(s *series.Schedule) { s.Weekday = 7 }},
			{"nth", func(s *series.Schedule) { s.Frequency, s.Nth = "monthly", 0 }},
			{"start_time", func(s *series.Schedule) { s.StartTime = "25:00" }},
			{"minutes", func(s *series.Schedule) { s.Minutes = 0 }},
			{"zone", func(s *series.Schedule) { s.Zone = "Mars/Olympus" }},
			{"anchor_date", func(s *series.Schedule) { s.AnchorDate = "2019-02-30" }},
			{"format", func(s *series.Schedule) { s.Format = "party" }},
			{"venue", func(s *series.Schedule) { s.Venue = " " }},
			{"expected_pct", func(s *series.Schedule) { s.ExpectedPct = 101 }},
			{"credit_delay_minutes", func(s *series.Schedule) { s.CreditDelayMinutes = -1 }},
		}
		ctx := context.Background()
		for _, c := range bad {
			sch := thursdays(w.series.ID)
			c.change(&sch)
			err := db.InTx(ctx, func(tx *store.Tx) error { _, err := series.Save(ctx, tx, sys, sch); return err })
			if es, ok := validate.As(err); !ok || !es.Has(c.field) {
				t.Errorf("%s: got %v, want an error on %s", c.field, err, c.field)
			}
		}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := series.Generate(ctx, tx, sys, w.series.ID, "2019-03-01", "2019-02-01")
			return err
		})
		if es, ok := validate.As(err); !ok || !es.Has("to") {
			t.Errorf("generate backwards: got %v", err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			return series.SetAttendance(ctx, tx, sys, w.sessions[1].ID, w.b, true, "  ")
		})
		if es, ok := validate.As(err); !ok || !es.Has("reason") {
			t.Errorf("attendance without a reason: got %v", err)
		}
	})
}

// TestYearFigures works the January data set by hand: 4 sessions held;
// attendances A×3, B×1, C×2 = 6 by 3 people; department X (A, B) 4 by 2,
// Y (C) 2 by 1; residents 4 by 2, nurses 2 by 1. Cancelling the 31st (C's
// second) drops held and attendances by one; removing B's one attendance
// drops attendances and distinct attendees by one.
func TestYearFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := build(t, db)
		ctx := context.Background()
		now := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
		f := must(series.YearFigures(ctx, db, w.series.ID, 2019, now))
		check := func(label string, f series.Figures, held, cancelled, attendances, distinct int) {
			t.Helper()
			if f.Held != held || f.Cancelled != cancelled || f.Attendances != attendances || f.Distinct != distinct {
				t.Errorf("%s: held %d, cancelled %d, attendances %d, distinct %d; want %d, %d, %d, %d", label, f.Held, f.Cancelled,
					f.Attendances, f.Distinct, held, cancelled, attendances, distinct)
			}
		}
		check("all", f, 4, 0, 6, 3)
		if got := fmt.Sprint(f.ByDepartment[0].Key == fmt.Sprint(w.x), f.ByDepartment[0].Attendances, f.ByDepartment[0].People,
			f.ByDepartment[1].Attendances, f.ByDepartment[1].People); got != "true 4 2 2 1" {
			t.Errorf("by department: %+v", f.ByDepartment)
		}
		if got := fmt.Sprint(f.ByCategory); got != "[{resident   4 2} {nurse   2 1}]" {
			t.Errorf("by category: %s", got)
		}
		per := []int{}
		for _, s := range f.PerSession {
			per = append(per, s.Attendees)
		}
		if fmt.Sprint(per) != "[3 1 1 1]" || f.AveragePerSession() != "1.5" {
			t.Errorf("per session %v, average %s", per, f.AveragePerSession())
		}
		// Before the year began nothing was held.
		if early := must(series.YearFigures(ctx, db, w.series.ID, 2019, time.Date(2019, 1, 10, 0, 0, 0, 0, time.UTC))); early.Held != 1 || early.Upcoming != 3 {
			t.Errorf("as of 10 January: held %d, upcoming %d", early.Held, early.Upcoming)
		}
		inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			must(session.Cancel(ctx, tx, sys, w.sessions[3].ID))
			return nil
		})
		check("31st cancelled", must(series.YearFigures(ctx, db, w.series.ID, 2019, now)), 3, 1, 5, 3)
		inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			return series.SetAttendance(ctx, tx, sys, w.sessions[0].ID, w.b, false, "was on night duty")
		})
		check("B removed", must(series.YearFigures(ctx, db, w.series.ID, 2019, now)), 3, 1, 4, 2)
		if _, err := series.YearFigures(ctx, db, 999999, 2019, now); !errors.Is(err, series.ErrNotFound) {
			t.Errorf("unknown series: %v", err)
		}
	})
}

// TestRates: 4 sessions held, expected share 50%. A 3/4 = 75%; B 1/4 = 25%
// is below; with two absences excused B is 1/2 = 50% and no longer below.
// C attended without enrolling and has no expected share.
func TestRates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := build(t, db)
		ctx := context.Background()
		now := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
		rates := must(series.Rates(ctx, db, w.series.ID, 2019, now))
		if got := fmt.Sprintf("%d %t %s %t %s %t", len(rates), rates[0].PersonID == w.b, rates[0].Percent(), rates[0].Below, rates[1].Percent(), rates[1].Below); got != "2 true 25.0 true 75.0 false" {
			t.Fatalf("rates: %s", got)
		}
		inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			must(0, series.Excuse(ctx, tx, sys, w.sessions[1].ID, w.b, "annual leave"))
			must(0, series.Excuse(ctx, tx, sys, w.sessions[2].ID, w.b, "annual leave"))
			return nil
		})
		rates = must(series.Rates(ctx, db, w.series.ID, 2019, now))
		if b := rates[0]; b.PersonID != w.b || b.Expected != 2 || b.Excused != 2 || b.Percent() != "50.0" || b.Below {
			t.Errorf("B after excuses: %+v", b)
		}
		if n := len(series.Below(rates)); n != 0 {
			t.Errorf("%d below, want 0", n)
		}
		err := db.InTx(ctx, func(tx *store.Tx) error { return series.Excuse(ctx, tx, sys, w.sessions[0].ID, w.a, "leave") })
		if es, ok := validate.As(err); !ok || !es.Has("person_id") {
			t.Errorf("excusing an attended session: %v", err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error { return series.Excuse(ctx, tx, sys, w.sessions[3].ID, w.a, "") })
		if es, ok := validate.As(err); !ok || !es.Has("reason") {
			t.Errorf("excuse without reason: %v", err)
		}
	})
}

func netOf(t *testing.T, db *store.DB, personID int64) int64 {
	t.Helper()
	var sum int64
	for _, e := range must(ledger.Entries(context.Background(), db, personID, 0, 0)) {
		sum += e.Amount
	}
	return sum
}

// TestSweepCredits under China 2006: a lecture gives its lecturer 2 and each
// attendee 0.5 Class II credits. L taught the 3rd; A attended 3 sessions,
// B 1, C 2. Nothing posts before the session's end plus 15 minutes; a second
// sweep posts nothing; a removed attendance and a cancelled session are
// reversed on the next sweep, by the difference only.
func TestSweepCredits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := build(t, db)
		ctx := context.Background()
		s1 := w.sessions[0]
		res := must(series.Sweep(ctx, db, sys, s1.EndsAt.Add(14*time.Minute)))
		if res.Sessions != 0 || netOf(t, db, w.a) != 0 {
			t.Fatalf("before the window closed: %+v", res)
		}
		res = must(series.Sweep(ctx, db, sys, s1.EndsAt.Add(15*time.Minute)))
		if res.Sessions != 1 || res.Entries != 4 || netOf(t, db, w.l) != 200 || netOf(t, db, w.b) != 50 {
			t.Fatalf("first session: %+v, L %d, B %d", res, netOf(t, db, w.l), netOf(t, db, w.b))
		}
		later := time.Date(2019, 2, 1, 0, 0, 0, 0, time.UTC)
		res = must(series.Sweep(ctx, db, sys, later))
		if res.Sessions != 3 || netOf(t, db, w.a) != 150 || netOf(t, db, w.c) != 100 {
			t.Fatalf("January: %+v, A %d, C %d", res, netOf(t, db, w.a), netOf(t, db, w.c))
		}
		if res = must(series.Sweep(ctx, db, sys, later)); res.Sessions != 0 || res.Entries != 0 {
			t.Errorf("second sweep: %+v, want nothing", res)
		}
		e := must(ledger.Entries(ctx, db, w.b, 0, 0))[0]
		if e.Source != "session" || e.SourceRef != series.SourceRef(s1.ID) || e.Class != "II" || e.Category != "unit_session" || e.Role != "participant" || e.CreditYear != 2019 {
			t.Errorf("B's entry: %+v", e)
		}
		inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			must(0, series.SetAttendance(ctx, tx, sys, s1.ID, w.b, false, "signed for a colleague"))
			must(session.Cancel(ctx, tx, sys, w.sessions[3].ID))
			return nil
		})
		res = must(series.Sweep(ctx, db, sys, later))
		if res.Sessions != 2 || res.Entries != 2 || netOf(t, db, w.b) != 0 || netOf(t, db, w.c) != 50 || netOf(t, db, w.a) != 150 {
			t.Errorf("after corrections: %+v, B %d, C %d, A %d", res, netOf(t, db, w.b), netOf(t, db, w.c), netOf(t, db, w.a))
		}
		last := must(ledger.Entries(ctx, db, w.b, 0, 0))
		if r := last[len(last)-1]; r.Amount != -50 || r.Source != "correction" {
			t.Errorf("B's reversal: %+v", r)
		}
		report := must(ledger.Verify(ctx, db))
		if !report.OK() {
			t.Errorf("ledger does not verify")
		}
	})
}

// TestSweepWaitsForTheCheckInWindow: a session whose check-in stays open
// 40 minutes after its end posts its credits when that window closes, not
// at the series' 15-minute delay.
func TestSweepWaitsForTheCheckInWindow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := build(t, db)
		ctx := context.Background()
		s1 := w.sessions[0]
		inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			set := checkin.Defaults(s1.ID)
			set.ClosesAfterMinutes = 40
			must(checkin.SaveSettings(ctx, tx, sys, set))
			return nil
		})
		if res := must(series.Sweep(ctx, db, sys, s1.EndsAt.Add(39*time.Minute))); res.Sessions != 0 {
			t.Errorf("39 minutes after the end, check-in still open: %+v, want nothing posted", res)
		}
		if res := must(series.Sweep(ctx, db, sys, s1.EndsAt.Add(40*time.Minute))); res.Sessions != 1 || netOf(t, db, w.b) != 50 {
			t.Errorf("when check-in closed: %+v, B %d; want the session credited", res, netOf(t, db, w.b))
		}
	})
}

// TestYearlyCapAcrossSeries: A attends 12 lectures in each of two series,
// 24 × 0.5 = 12 credits of unit_session, but China 2006 counts at most 10
// participant credits a year from unit lectures and rounds: compliance
// counts 10 and shows 2 capped.
func TestYearlyCapAcrossSeries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := build(t, db)
		inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			other := newSeries(t, ctx, tx, w.hospital, w.l, "周二护理讲座")
			sch := thursdays(other.ID)
			sch.Weekday = 2
			must(series.Save(ctx, tx, sys, sch))
			for _, id := range []int64{w.series.ID, other.ID} {
				must(series.Generate(ctx, tx, sys, id, "2019-02-01", "2019-04-30"))
				ss := must(session.List(ctx, tx, id))
				n := 0
				for _, s := range ss {
					if s.Cancelled || s.StartsAt.Before(time.Date(2019, 2, 1, 0, 0, 0, 0, time.UTC)) || n == 12 {
						continue
					}
					n++
					must(0, series.SetAttendance(ctx, tx, sys, s.ID, w.b, true, "sign-in sheet"))
				}
			}
			return nil
		})
		ctx := context.Background()
		must(series.Sweep(ctx, db, sys, time.Date(2019, 6, 1, 0, 0, 0, 0, time.UTC)))
		// B: 1 January lecture + 24 = 25 × 0.5 = 12.5 posted.
		if got := netOf(t, db, w.b); got != 1250 {
			t.Fatalf("posted %d, want 1250", got)
		}
		st := must(credit.StandingOf(ctx, db, w.b, 2019, time.Date(2019, 12, 31, 0, 0, 0, 0, time.UTC)))
		var capped, counted int64
		for _, c := range st.Evaluation.Capped {
			capped += c.Amount
		}
		for _, r := range st.Evaluation.Results {
			if r.Requirement.ID == "yearly_class_ii" {
				counted = r.Credits
			}
		}
		if capped != 250 || counted != 1000 {
			t.Errorf("capped %d, counted for Class II %d; want 250 and 1000", capped, counted)
		}
	})
}
