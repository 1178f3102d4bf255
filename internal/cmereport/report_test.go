package cmereport_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/assessment"
	"github.com/meded/meded/internal/attendance"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/cmereport"
	"github.com/meded/meded/internal/completion"
	"github.com/meded/meded/internal/declaration"
	"github.com/meded/meded/internal/enrolment"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/review"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
	"github.com/meded/meded/internal/validate"
)

var sys = audit.System("test")

// wantField fails unless err is a field error on field with key.
func wantField(t *testing.T, what string, err error, field, key string) {
	t.Helper()
	es, ok := validate.As(err)
	if !ok {
		t.Errorf("%s: got %v, want %s on %s", what, err, key, field)
		return
	}
	for _, e := range es {
		if e.Field == field && e.Key == key {
			return
		}
	}
	t.Errorf("%s: got %v, want %s on %s", what, es, key, field)
}

// must stops the test on an unexpected error; TestFiguresByHand turns the
// panic into a test failure.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestFiguresByHand builds a small year through the domain functions and
// checks the figures worked out by hand, and every refusal on the way.
//
// Project X (institutional, 6 planned hours, 3 places, 80% attendance and a
// passed assessment required; two 3-hour sessions): A, B and C enrol, E is
// waitlisted, C withdraws and E moves up. A attends both sessions and
// passes: completed. B attends one (3 of 6 hours, 50%): not completed. E
// attends both but fails: not completed. Project Y (2 hours, no
// assessment): A and B attend its one session: both completed. So the year
// counts 2 institutional projects and 3 person-times; taking back A's first
// attendance at X leaves 2.
func TestFiguresByHand(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		year := time.Now().In(activity.Zone).Year() + 1
		date := func(m, d int) string { return fmt.Sprintf("%d-%02d-%02d", year, m, d) }
		yesterday := time.Now().In(activity.Zone).AddDate(0, 0, -1).Format(time.DateOnly)
		err := db.InTx(ctx, func(tx *store.Tx) (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("unexpected: %v", r)
				}
			}()
			hosp := must(institution.Create(ctx, tx, sys, institution.Input{Kind: "hospital", NameZH: "医院", Country: "CN"}))
			mk := func(name, staff string) int64 {
				return must(person.Create(ctx, tx, sys, person.Input{NameZH: name, InstitutionID: hosp.ID, StaffNumber: staff})).ID
			}
			d, l, a, b, c, e := mk("主任", "D1"), mk("讲者", "L1"), mk("甲", "A1"), mk("乙", "B1"), mk("丙", "C1"), mk("丁", "E1")
			in := activity.Input{Level: "institutional", TitleZH: "项目X", TitleEN: "Project X", InstitutionID: hosp.ID, DirectorID: d,
				PlannedHours: "6", Credits: "2", StartDate: date(3, 10), EndDate: date(3, 11), Capacity: 3, EnrolDeadline: date(3, 9),
				MinAttendancePct: 80, AssessmentRequired: true}
			bad := in
			bad.PlannedHours = "1.3"
			_, err = activity.Create(ctx, tx, sys, bad)
			wantField(t, "planned hours 1.3", err, "planned_hours", "error.quarter_hours")
			x := must(activity.Create(ctx, tx, sys, in))
			_, err = activity.Transition(ctx, tx, sys, x.ID, "start", "")
			wantField(t, "start a draft", err, "status", "error.transition_not_allowed")
			sessIn := session.Input{StartsAt: date(3, 10) + "T08:00", EndsAt: date(3, 10) + "T11:00", Venue: "报告厅", Format: "case_discussion",
				Hours: "3", Lecturers: []session.Lecturer{{PersonID: l}}}
			outside := sessIn
			outside.StartsAt, outside.EndsAt = date(3, 12)+"T08:00", date(3, 12)+"T11:00"
			_, err = session.Create(ctx, tx, sys, x.ID, outside)
			wantField(t, "session outside the dates", err, "starts_at", "error.session_outside_dates")
			quarter := sessIn
			quarter.Hours = "2.1"
			_, err = session.Create(ctx, tx, sys, x.ID, quarter)
			wantField(t, "session hours 2.1", err, "hours", "error.quarter_hours")
			s1 := must(session.Create(ctx, tx, sys, x.ID, sessIn))
			sessIn.StartsAt, sessIn.EndsAt, sessIn.Format = date(3, 11)+"T08:00", date(3, 11)+"T11:00", "operation_teaching"
			s2 := must(session.Create(ctx, tx, sys, x.ID, sessIn))
			must(activity.Transition(ctx, tx, sys, x.ID, "submit", ""))
			_, err = review.Approve(ctx, tx, sys, x.ID, activity.Approval{Code: "ZJU1H-" + date(1, 1)[:4] + "-001"})
			wantField(t, "approve without declaration", err, "declarations", "error.declaration_missing")
			old := time.Now().In(activity.Zone).AddDate(-1, 0, -40).Format(time.DateOnly)
			must(declaration.Record(ctx, tx, sys, declaration.Input{Lecturer: session.Lecturer{PersonID: l}, Consent: true, SignedOn: old}))
			_, err = review.Approve(ctx, tx, sys, x.ID, activity.Approval{Code: "ZJU1H-" + date(1, 1)[:4] + "-001"})
			wantField(t, "approve with an expired declaration", err, "declarations", "error.declaration_expired")
			must(declaration.Record(ctx, tx, sys, declaration.Input{Lecturer: session.Lecturer{PersonID: l}, Consent: true, SignedOn: yesterday}))
			_, err = review.Approve(ctx, tx, sys, x.ID, activity.Approval{Code: "2019-1"})
			wantField(t, "code in the wrong format", err, "code", "error.code_format")
			code := fmt.Sprintf("ZJU1H-%d-001", year)
			x = must(review.Approve(ctx, tx, sys, x.ID, activity.Approval{Code: code}))
			if x.Status != "approved" || x.Code != code {
				t.Errorf("approved: got %s %q", x.Status, x.Code)
			}

			for _, p := range []int64{a, b, c} {
				if got := must(enrolment.SelfEnrol(ctx, tx, sys, x.ID, p)); got.Status != "enrolled" {
					t.Errorf("enrol %d: got %s, want enrolled", p, got.Status)
				}
			}
			if got := must(enrolment.SelfEnrol(ctx, tx, sys, x.ID, e)); got.Status != "waitlisted" {
				t.Errorf("enrol over capacity: got %s, want waitlisted", got.Status)
			}
			_, err = enrolment.SelfEnrol(ctx, tx, sys, x.ID, a)
			wantField(t, "duplicate enrolment", err, "person_id", "error.already_enrolled")
			must(enrolment.Withdraw(ctx, tx, sys, x.ID, c))
			if got := must(enrolment.Find(ctx, tx, x.ID, e)); got.Status != "enrolled" {
				t.Errorf("after a withdrawal the waitlisted learner is %s, want enrolled", got.Status)
			}

			z := must(activity.Create(ctx, tx, sys, activity.Input{Level: "institutional", TitleZH: "项目Z", InstitutionID: hosp.ID,
				DirectorID: d, PlannedHours: "2", StartDate: date(3, 1), EndDate: date(3, 2), EnrolDeadline: yesterday, MinAttendancePct: 80}))
			must(activity.Transition(ctx, tx, sys, z.ID, "submit", ""))
			_, err = review.Approve(ctx, tx, sys, z.ID, activity.Approval{Code: code})
			wantField(t, "code already used that year", err, "code", "error.code_taken")
			must(review.Approve(ctx, tx, sys, z.ID, activity.Approval{Code: fmt.Sprintf("ZJU1H-%d-002", year)}))
			_, err = enrolment.SelfEnrol(ctx, tx, sys, z.ID, a)
			wantField(t, "enrol after the deadline", err, "activity", "error.deadline_passed")

			must(activity.Transition(ctx, tx, sys, x.ID, "start", ""))
			for _, m := range []struct{ s, p int64 }{{s1.ID, a}, {s2.ID, a}, {s1.ID, b}, {s1.ID, e}, {s2.ID, e}} {
				if err := attendance.Set(ctx, tx, sys, m.s, m.p, true, "manual"); err != nil {
					t.Fatal(err)
				}
			}
			if err := attendance.Set(ctx, tx, sys, s1.ID, c, true, "manual"); err == nil {
				t.Error("a withdrawn learner's attendance was recorded")
			}
			for _, r := range []assessment.Result{{PersonID: a, Passed: true}, {PersonID: b, Passed: true}, {PersonID: e, Passed: false}} {
				if err := assessment.Record(ctx, tx, sys, x.ID, r); err != nil {
					t.Fatal(err)
				}
			}
			must(completion.Close(ctx, tx, sys, x.ID, ""))
			for p, want := range map[int64]string{a: "completed", b: "not_completed", e: "not_completed", c: "withdrawn"} {
				if got := must(enrolment.Find(ctx, tx, x.ID, p)); got.Status != want {
					t.Errorf("X, person %d: got %s, want %s", p, got.Status, want)
				}
			}

			y := must(activity.Create(ctx, tx, sys, activity.Input{Level: "institutional", TitleZH: "项目Y", InstitutionID: hosp.ID,
				DirectorID: d, PlannedHours: "2", StartDate: date(4, 1), EndDate: date(4, 1), MinAttendancePct: 100}))
			sy := must(session.Create(ctx, tx, sys, y.ID, session.Input{StartsAt: date(4, 1) + "T14:00", EndsAt: date(4, 1) + "T16:00",
				OnlineURL: "https://meeting.example.org/y", Format: "online", Hours: "2"}))
			must(activity.Transition(ctx, tx, sys, y.ID, "submit", ""))
			must(review.Approve(ctx, tx, sys, y.ID, activity.Approval{Code: fmt.Sprintf("ZJU1H-%d-003", year)}))
			must(activity.Transition(ctx, tx, sys, y.ID, "start", ""))
			for _, p := range []int64{a, b} {
				must(enrolment.SelfEnrol(ctx, tx, sys, y.ID, p))
				if err := attendance.Set(ctx, tx, sys, sy.ID, p, true, "manual"); err != nil {
					t.Fatal(err)
				}
			}
			must(completion.Close(ctx, tx, sys, y.ID, ""))
			must(activity.Create(ctx, tx, sys, activity.Input{Level: "national", TitleZH: "草稿", InstitutionID: hosp.ID, DirectorID: d,
				PlannedHours: "3", StartDate: date(5, 1), EndDate: date(5, 1)}))
			// A weekly lecture series of the same year, attended and closed:
			// series have figures of their own and count in neither column.
			w := must(activity.Create(ctx, tx, sys, activity.Input{Kind: "series", Level: "institutional", TitleZH: "周四临床讲座", InstitutionID: hosp.ID,
				DirectorID: d, PlannedHours: "1", StartDate: date(6, 4), EndDate: date(6, 4), MinAttendancePct: 100}))
			sw := must(session.Create(ctx, tx, sys, w.ID, session.Input{StartsAt: date(6, 4) + "T19:00", EndsAt: date(6, 4) + "T20:00",
				Venue: "报告厅", Format: "lecture", Hours: "1"}))
			must(activity.Transition(ctx, tx, sys, w.ID, "submit", ""))
			must(review.Approve(ctx, tx, sys, w.ID, activity.Approval{Code: fmt.Sprintf("ZJU1H-%d-004", year)}))
			must(activity.Transition(ctx, tx, sys, w.ID, "start", ""))
			must(enrolment.SelfEnrol(ctx, tx, sys, w.ID, a))
			if err := attendance.Set(ctx, tx, sys, sw.ID, a, true, "manual"); err != nil {
				t.Fatal(err)
			}
			must(completion.Close(ctx, tx, sys, w.ID, ""))

			check := func(what string, wantProjects, wantTimes int) {
				t.Helper()
				years := must(cmereport.Yearly(ctx, tx, cmereport.Filter{}))
				if len(years) != 1 || years[0].Year != year {
					t.Fatalf("%s: got years %+v, want only %d", what, years, year)
				}
				got := years[0]
				if got.ByLevel["institutional"] != wantProjects || got.ByLevel["national"] != 0 || got.Total != wantProjects {
					t.Errorf("%s: got projects %v, want %d institutional", what, got.ByLevel, wantProjects)
				}
				if got.PersonTimes != wantTimes {
					t.Errorf("%s: got %d person-times, want %d", what, got.PersonTimes, wantTimes)
				}
			}
			check("by hand", 3, 3)
			if err := attendance.Set(ctx, tx, sys, s1.ID, a, false, "manual"); err != nil {
				t.Fatal(err)
			}
			if err := completion.Apply(ctx, tx, sys, x.ID); err != nil {
				t.Fatal(err)
			}
			check("after taking back one attendance", 3, 2)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
