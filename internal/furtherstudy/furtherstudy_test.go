package furtherstudy_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/meded/meded/internal/agreement"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/credit"
	"github.com/meded/meded/internal/furtherstudy"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/placement"
	"github.com/meded/meded/internal/rules"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
	"github.com/meded/meded/internal/validate"
)

var sys = audit.System("test")

// fieldKey is the message key of err's error on field ("" when none).
func fieldKey(err error, field string) string {
	es, _ := validate.As(err)
	for _, e := range es {
		if e.Field == field {
			return e.Key
		}
	}
	return ""
}

// world: a host hospital in Zhejiang with two departments, a supervisor in
// each, and trainees from two outside hospitals in Sichuan and Yunnan.
type world struct {
	host, hb, inf   int64 // host hospital, hepatobiliary and infectious-disease departments
	supHB, supInf   int64
	sichuan, yunnan int64
	trainees        []int64 // 0,1: Sichuan physicians (junior); 2: Yunnan nurse (intermediate); 3: Sichuan technician
	hostStaff       int64   // a person of the host hospital itself
}

func setup(t *testing.T, db *store.DB) world {
	t.Helper()
	furtherstudy.SetToday(t, "2026-11-23")
	ctx := context.Background()
	var w world
	err := db.InTx(ctx, func(tx *store.Tx) error {
		h, err := institution.Create(ctx, tx, sys, institution.Input{Kind: "affiliated_hospital", NameZH: "附属第一医院", NameEN: "First Hospital", Country: "CN", Region: "Zhejiang"})
		if err != nil {
			return err
		}
		w.host = h.ID
		hb, err := institution.CreateDepartment(ctx, tx, sys, h.ID, institution.DepartmentInput{NameZH: "肝胆胰外科", NameEN: "Hepatobiliary Surgery"})
		if err != nil {
			return err
		}
		inf, err := institution.CreateDepartment(ctx, tx, sys, h.ID, institution.DepartmentInput{NameZH: "感染科", NameEN: "Infectious Diseases"})
		if err != nil {
			return err
		}
		w.hb, w.inf = hb.ID, inf.ID
		mk := func(name string, inst, dept int64, category, title string) int64 {
			if err != nil {
				return 0
			}
			var p person.Person
			p, err = person.Create(ctx, tx, sys, person.Input{NameEN: name, Category: category, Title: title, InstitutionID: inst, DepartmentID: dept})
			return p.ID
		}
		w.supHB = mk("Supervisor HB", h.ID, hb.ID, "physician", "senior")
		w.supInf = mk("Supervisor Inf", h.ID, inf.ID, "physician", "senior")
		w.hostStaff = mk("Host Staff", h.ID, hb.ID, "physician", "junior")
		if err != nil {
			return err
		}
		sc, err := institution.Create(ctx, tx, sys, institution.Input{Kind: "outside_hospital", NameEN: "Chengdu County Hospital", Country: "CN", Region: "Sichuan"})
		if err != nil {
			return err
		}
		yn, err := institution.Create(ctx, tx, sys, institution.Input{Kind: "outside_hospital", NameEN: "Kunming County Hospital", Country: "CN", Region: "Yunnan"})
		if err != nil {
			return err
		}
		w.sichuan, w.yunnan = sc.ID, yn.ID
		w.trainees = []int64{
			mk("Trainee A", sc.ID, 0, "physician", "junior"),
			mk("Trainee B", sc.ID, 0, "physician", "junior"),
			mk("Trainee C", yn.ID, 0, "nurse", "intermediate"),
			mk("Trainee D", sc.ID, 0, "technician", "junior"),
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// inTx runs fn in a transaction and returns its error.
func inTx(t *testing.T, db *store.DB, fn func(ctx context.Context, tx *store.Tx) error) error {
	t.Helper()
	return db.InTx(context.Background(), func(tx *store.Tx) error { return fn(context.Background(), tx) })
}

// arrive takes trainee through application, both reviews, acceptance with
// the period and arrival on its first day.
func arrive(t *testing.T, db *store.DB, w world, trainee, dept, supervisor int64, start, end string) furtherstudy.Application {
	t.Helper()
	var a furtherstudy.Application
	err := inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		var err error
		a, err = furtherstudy.Apply(ctx, tx, sys, furtherstudy.Input{PersonID: trainee, HostDepartmentID: dept, Months: 6, WishStartOn: start, Purpose: "liver transplantation"})
		if err != nil {
			return err
		}
		if _, err = furtherstudy.ReviewByDepartment(ctx, tx, sys, a.ID, furtherstudy.Decision{Approve: true}); err != nil {
			return err
		}
		if _, err = furtherstudy.Accept(ctx, tx, sys, a.ID, furtherstudy.Acceptance{StartOn: start, EndOn: end, SupervisorID: supervisor}); err != nil {
			return err
		}
		a, err = furtherstudy.Arrive(ctx, tx, sys, a.ID, "")
		return err
	})
	if err != nil {
		t.Fatalf("arrive: %v", err)
	}
	return a
}

func TestLifecycleCreditsAndAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := setup(t, db)
		ctx := context.Background()
		var a furtherstudy.Application
		err := inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			var err error
			a, err = furtherstudy.Apply(ctx, tx, sys, furtherstudy.Input{PersonID: w.trainees[0], HostDepartmentID: w.hb, Months: 6, WishStartOn: "2019-03-01"})
			if err != nil {
				return err
			}
			if a.Status != furtherstudy.Submitted || a.HostInstitutionID != w.host || a.HomeInstitutionID != w.sichuan || a.Category != "physician" || a.Title != "junior" {
				t.Errorf("applied: got %+v", a)
			}
			if a, err = furtherstudy.ReviewByDepartment(ctx, tx, sys, a.ID, furtherstudy.Decision{Approve: true, Comment: "suitable"}); err != nil {
				return err
			}
			if a.Status != furtherstudy.DepartmentApproved || a.DepartmentComment != "suitable" || a.DepartmentAt == nil {
				t.Errorf("department review: got %+v", a)
			}
			if a, err = furtherstudy.Accept(ctx, tx, sys, a.ID, furtherstudy.Acceptance{StartOn: "2019-03-01", EndOn: "2019-08-31", SupervisorID: w.supHB}); err != nil {
				return err
			}
			p, err := placement.Get(ctx, tx, a.PlacementID)
			if err != nil {
				return err
			}
			if a.Status != furtherstudy.Accepted || p.Kind != "further_study" || p.Status != "planned" || p.HostDepartmentID != w.hb || p.SupervisorID != w.supHB {
				t.Errorf("accepted: got %+v, placement %+v", a, p)
			}
			if a, err = furtherstudy.Arrive(ctx, tx, sys, a.ID, "2019-03-01"); err != nil {
				return err
			}
			if p, _ = placement.Get(ctx, tx, a.PlacementID); p.Status != "active" || a.ArrivedOn != "2019-03-01" {
				t.Errorf("arrived: got %+v, placement %s", a, p.Status)
			}
			for _, m := range a.StayMonths() {
				if _, err := furtherstudy.Evaluate(ctx, tx, sys, a.ID, furtherstudy.EvaluationInput{Month: m, Score: 88, Comment: "good"}); err != nil {
					return err
				}
			}
			a, err = furtherstudy.Complete(ctx, tx, sys, a.ID, furtherstudy.Completion{CompletedOn: "2019-08-31", Score: 91, Comment: "excellent"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != furtherstudy.Completed || a.MonthsCompleted != 6 || a.CreditYear != 2019 || a.Credits != 3000 || !a.FullYear {
			t.Fatalf("completed: got %+v", a)
		}
		if !strings.Contains(a.CreditExplanation, "6 months × 5") || !strings.Contains(a.CreditExplanation, "cn-2006") {
			t.Errorf("explanation: got %q", a.CreditExplanation)
		}
		evs, err := furtherstudy.Evaluations(ctx, db, a.ID)
		if err != nil || len(evs) != 6 || evs[0].Month != "2019-03" || evs[5].Month != "2019-08" {
			t.Errorf("evaluations: got %+v, %v", evs, err)
		}
		entries, err := ledger.Entries(ctx, db, w.trainees[0], 2019, 2019)
		if err != nil || len(entries) != 1 {
			t.Fatalf("ledger: got %+v, %v", entries, err)
		}
		e := entries[0]
		if e.Amount != 3000 || e.Source != "further_study" || e.SourceRef != furtherstudy.SourceRef(a.ID) || e.Class != "II" || e.Category != "further_study" {
			t.Errorf("ledger entry: got %+v", e)
		}
		// Posting again changes nothing.
		err = inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			n, err := furtherstudy.PostCredits(ctx, tx, sys, a.ID)
			if n != 0 {
				t.Errorf("second posting: posted %d entries", n)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if entries, _ := ledger.Entries(ctx, db, w.trainees[0], 2019, 2019); len(entries) != 1 {
			t.Errorf("after reposting: got %d entries, want 1", len(entries))
		}
		full, err := furtherstudy.CompletesYear(ctx, db, w.trainees[0], 2019)
		if err != nil || !full {
			t.Errorf("completes 2019: got %v, %v", full, err)
		}
		if full, _ := furtherstudy.CompletesYear(ctx, db, w.trainees[0], 2020); full {
			t.Error("completes 2020: got true")
		}
		log, _, err := audit.List(ctx, db, audit.Filter{Entity: "further_study", EntityID: a.ID})
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, l := range log {
			actions[l.Action]++
		}
		for action, want := range map[string]int{"create": 1, "department_review": 1, "accept": 1, "arrive": 1, "evaluate_month": 6, "complete": 1} {
			if actions[action] != want {
				t.Errorf("audit %s: got %d, want %d (%v)", action, actions[action], want, actions)
			}
		}
	})
}

// A host on the 2024 profile: three months complete the year, one credit type.
func TestCreditsFollowHostRuleSet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := setup(t, db)
		err := inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			_, err := rules.Assign(ctx, tx, sys, w.host, 2024, "cn-2024")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		a := arrive(t, db, w, w.trainees[2], w.inf, w.supInf, "2025-01-15", "2025-05-14")
		err = inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			var err error
			a, err = furtherstudy.Complete(ctx, tx, sys, a.ID, furtherstudy.Completion{CompletedOn: "2025-04-20", Score: 80})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// 15 January to 20 April: three whole months.
		if a.MonthsCompleted != 3 || a.Credits != 1500 || !a.FullYear || !strings.Contains(a.CreditExplanation, "cn-2024") {
			t.Errorf("got %+v", a)
		}
		entries, _ := ledger.Entries(context.Background(), db, w.trainees[2], 2025, 2025)
		if len(entries) != 1 || entries[0].Class != "none" || entries[0].Amount != 1500 {
			t.Errorf("ledger: got %+v", entries)
		}
	})
}

func TestRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := setup(t, db)
		ctx := context.Background()
		// A submitted application, a rejected one, a department-approved one.
		var submitted, rejected, approved furtherstudy.Application
		err := inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			var err error
			if submitted, err = furtherstudy.Apply(ctx, tx, sys, furtherstudy.Input{PersonID: w.trainees[0], HostDepartmentID: w.hb, Months: 3, WishStartOn: "2026-12-01"}); err != nil {
				return err
			}
			if rejected, err = furtherstudy.Apply(ctx, tx, sys, furtherstudy.Input{PersonID: w.trainees[1], HostDepartmentID: w.hb, Months: 3, WishStartOn: "2026-12-01"}); err != nil {
				return err
			}
			if rejected, err = furtherstudy.ReviewByDepartment(ctx, tx, sys, rejected.ID, furtherstudy.Decision{Comment: "full this year"}); err != nil {
				return err
			}
			if approved, err = furtherstudy.Apply(ctx, tx, sys, furtherstudy.Input{PersonID: w.trainees[2], HostDepartmentID: w.inf, Months: 3, WishStartOn: "2026-12-01"}); err != nil {
				return err
			}
			approved, err = furtherstudy.ReviewByDepartment(ctx, tx, sys, approved.ID, furtherstudy.Decision{Approve: true})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// Trainee D is already placed (a rotation) from January to March 2027.
		err = inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			_, err := placement.Create(ctx, tx, sys, placement.Input{PersonID: w.trainees[3], Kind: "rotation", HostInstitutionID: w.sichuan, StartOn: "2027-01-01", EndOn: "2027-03-31"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var clash furtherstudy.Application
		err = inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			var err error
			if clash, err = furtherstudy.Apply(ctx, tx, sys, furtherstudy.Input{PersonID: w.trainees[3], HostDepartmentID: w.hb, Months: 3, WishStartOn: "2027-02-01"}); err != nil {
				return err
			}
			clash, err = furtherstudy.ReviewByDepartment(ctx, tx, sys, clash.ID, furtherstudy.Decision{Approve: true})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		accept := func(id int64, in furtherstudy.Acceptance) func(ctx context.Context, tx *store.Tx) error {
			return func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Accept(ctx, tx, sys, id, in)
				return err
			}
		}
		good := furtherstudy.Acceptance{StartOn: "2026-12-01", EndOn: "2027-02-28", SupervisorID: w.supInf}
		cases := []struct {
			name, field, key string
			fn               func(ctx context.Context, tx *store.Tx) error
		}{
			{"months 0", "months", "furtherstudy.months_range", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Apply(ctx, tx, sys, furtherstudy.Input{PersonID: w.trainees[3], HostDepartmentID: w.inf, Months: 0, WishStartOn: "2026-12-01"})
				return err
			}},
			{"months 13", "months", "furtherstudy.months_range", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Apply(ctx, tx, sys, furtherstudy.Input{PersonID: w.trainees[3], HostDepartmentID: w.inf, Months: 13, WishStartOn: "2026-12-01"})
				return err
			}},
			{"bad wished start", "wish_start_on", "agreement.invalid_date", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Apply(ctx, tx, sys, furtherstudy.Input{PersonID: w.trainees[3], HostDepartmentID: w.inf, Months: 3, WishStartOn: "2026-02-30"})
				return err
			}},
			{"no department", "host_department_id", "error.required", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Apply(ctx, tx, sys, furtherstudy.Input{PersonID: w.trainees[3], Months: 3, WishStartOn: "2026-12-01"})
				return err
			}},
			{"host's own staff", "home_institution_id", "furtherstudy.own_institution", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Apply(ctx, tx, sys, furtherstudy.Input{PersonID: w.hostStaff, HostDepartmentID: w.inf, Months: 3, WishStartOn: "2026-12-01"})
				return err
			}},
			{"home institution that does not exist", "home_institution_id", "error.no_such_record", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Apply(ctx, tx, sys, furtherstudy.Input{PersonID: w.hostStaff, HomeInstitutionID: 999999, HostDepartmentID: w.inf, Months: 3, WishStartOn: "2026-12-01"})
				return err
			}},
			{"second open application", "host_department_id", "furtherstudy.already_open", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Apply(ctx, tx, sys, furtherstudy.Input{PersonID: w.trainees[0], HostDepartmentID: w.hb, Months: 3, WishStartOn: "2027-06-01"})
				return err
			}},
			{"accepting a rejected application", "status", "furtherstudy.bad_transition", accept(rejected.ID, good)},
			{"accepting before the department approved", "status", "furtherstudy.bad_transition", accept(submitted.ID, good)},
			{"reviewing twice", "status", "furtherstudy.bad_transition", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.ReviewByDepartment(ctx, tx, sys, approved.ID, furtherstudy.Decision{Approve: true})
				return err
			}},
			{"rejecting without a reason", "comment", "furtherstudy.reason_required", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.ReviewByDepartment(ctx, tx, sys, submitted.ID, furtherstudy.Decision{})
				return err
			}},
			{"office rejecting without a reason", "comment", "furtherstudy.reason_required", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Reject(ctx, tx, sys, approved.ID, " ")
				return err
			}},
			{"dates out of order", "end_on", "agreement.end_before_start", accept(approved.ID, furtherstudy.Acceptance{StartOn: "2027-02-01", EndOn: "2027-01-01", SupervisorID: w.supInf})},
			{"bad start date", "start_on", "agreement.invalid_date", accept(approved.ID, furtherstudy.Acceptance{StartOn: "2027-13-01", EndOn: "2027-01-01", SupervisorID: w.supInf})},
			{"period over 12 months", "end_on", "furtherstudy.period_months", accept(approved.ID, furtherstudy.Acceptance{StartOn: "2026-12-01", EndOn: "2027-12-31", SupervisorID: w.supInf})},
			{"period under a month", "end_on", "furtherstudy.period_months", accept(approved.ID, furtherstudy.Acceptance{StartOn: "2026-12-01", EndOn: "2026-12-20", SupervisorID: w.supInf})},
			{"no supervisor", "supervisor_id", "error.required", accept(approved.ID, furtherstudy.Acceptance{StartOn: "2026-12-01", EndOn: "2027-02-28"})},
			{"supervisor not in the host department", "supervisor_id", "furtherstudy.supervisor_department", accept(approved.ID, furtherstudy.Acceptance{StartOn: "2026-12-01", EndOn: "2027-02-28", SupervisorID: w.supHB})},
			{"trainee placed elsewhere meanwhile", "start_on", "placement.overlap", accept(clash.ID, furtherstudy.Acceptance{StartOn: "2027-02-01", EndOn: "2027-04-30", SupervisorID: w.supHB})},
			{"arriving before acceptance", "status", "furtherstudy.bad_transition", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Arrive(ctx, tx, sys, approved.ID, "2026-12-01")
				return err
			}},
			{"completing a submitted application", "status", "furtherstudy.bad_transition", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Complete(ctx, tx, sys, submitted.ID, furtherstudy.Completion{CompletedOn: "2026-12-01", Score: 80})
				return err
			}},
			{"evaluating before arrival", "status", "furtherstudy.not_arrived", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Evaluate(ctx, tx, sys, approved.ID, furtherstudy.EvaluationInput{Month: "2026-12", Score: 80})
				return err
			}},
			{"withdrawing a rejected application", "status", "furtherstudy.bad_transition", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Withdraw(ctx, tx, sys, rejected.ID, furtherstudy.Withdrawal{})
				return err
			}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				err := inTx(t, db, c.fn)
				if got := fieldKey(err, c.field); got != c.key {
					t.Errorf("got %v, want %s on %s", err, c.key, c.field)
				}
			})
		}
		// The refused acceptance wrote nothing: no placement, status unchanged.
		got, err := furtherstudy.Get(ctx, db, clash.ID)
		if err != nil || got.Status != furtherstudy.DepartmentApproved || got.PlacementID != 0 {
			t.Errorf("after refused acceptance: got %+v, %v", got, err)
		}
		list, total, err := placement.List(ctx, db, placement.ListFilter{PersonID: w.trainees[3]})
		if err != nil || total != 1 || list[0].Kind != "rotation" {
			t.Errorf("placements of trainee D: got %d, %v", total, err)
		}
		if _, err := furtherstudy.Get(ctx, db, 999999); !errors.Is(err, furtherstudy.ErrNotFound) {
			t.Errorf("missing: got %v", err)
		}
	})
}

// The refusals of an accepted and an arrived stay: arrival, evaluations and completion.
func TestStayRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := setup(t, db)
		a := arrive(t, db, w, w.trainees[0], w.hb, w.supHB, "2026-03-01", "2026-08-31")
		var accepted furtherstudy.Application
		err := inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			var err error
			if accepted, err = furtherstudy.Apply(ctx, tx, sys, furtherstudy.Input{PersonID: w.trainees[1], HostDepartmentID: w.hb, Months: 3, WishStartOn: "2026-10-01"}); err != nil {
				return err
			}
			if _, err = furtherstudy.ReviewByDepartment(ctx, tx, sys, accepted.ID, furtherstudy.Decision{Approve: true}); err != nil {
				return err
			}
			accepted, err = furtherstudy.Accept(ctx, tx, sys, accepted.ID, furtherstudy.Acceptance{StartOn: "2026-10-01", EndOn: "2026-12-31", SupervisorID: w.supHB})
			if err != nil {
				return err
			}
			_, err = furtherstudy.Evaluate(ctx, tx, sys, a.ID, furtherstudy.EvaluationInput{Month: "2026-04", Score: 85})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name, field, key string
			fn               func(ctx context.Context, tx *store.Tx) error
		}{
			{"arrival before the period", "arrived_on", "furtherstudy.outside_period", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Arrive(ctx, tx, sys, accepted.ID, "2026-09-30")
				return err
			}},
			{"arrival in the future", "arrived_on", "furtherstudy.in_future", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Arrive(ctx, tx, sys, accepted.ID, "2026-12-01")
				return err
			}},
			{"completion before arrival", "status", "furtherstudy.not_arrived", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Complete(ctx, tx, sys, accepted.ID, furtherstudy.Completion{CompletedOn: "2026-11-01", Score: 80})
				return err
			}},
			{"evaluation for a month before the stay", "month", "furtherstudy.month_outside_stay", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Evaluate(ctx, tx, sys, a.ID, furtherstudy.EvaluationInput{Month: "2026-02", Score: 80})
				return err
			}},
			{"evaluation for a month after the stay", "month", "furtherstudy.month_outside_stay", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Evaluate(ctx, tx, sys, a.ID, furtherstudy.EvaluationInput{Month: "2026-09", Score: 80})
				return err
			}},
			{"evaluation month not a month", "month", "furtherstudy.invalid_month", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Evaluate(ctx, tx, sys, a.ID, furtherstudy.EvaluationInput{Month: "April", Score: 80})
				return err
			}},
			{"duplicate monthly evaluation", "month", "furtherstudy.month_evaluated", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Evaluate(ctx, tx, sys, a.ID, furtherstudy.EvaluationInput{Month: "2026-04", Score: 90})
				return err
			}},
			{"score over 100", "score", "error.out_of_range", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Evaluate(ctx, tx, sys, a.ID, furtherstudy.EvaluationInput{Month: "2026-05", Score: 101})
				return err
			}},
			{"completed before arrival date", "completed_on", "furtherstudy.before_arrival", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Complete(ctx, tx, sys, a.ID, furtherstudy.Completion{CompletedOn: "2026-02-27", Score: 80})
				return err
			}},
			{"completed after the period", "completed_on", "furtherstudy.after_period", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Complete(ctx, tx, sys, a.ID, furtherstudy.Completion{CompletedOn: "2026-09-15", Score: 80})
				return err
			}},
			{"completed under a month", "completed_on", "furtherstudy.under_a_month", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Complete(ctx, tx, sys, a.ID, furtherstudy.Completion{CompletedOn: "2026-03-20", Score: 80})
				return err
			}},
			{"leaving before arrival", "left_on", "furtherstudy.before_arrival", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Withdraw(ctx, tx, sys, a.ID, furtherstudy.Withdrawal{LeftOn: "2026-02-01"})
				return err
			}},
			{"leaving date before arrival is not a stay", "left_on", "furtherstudy.not_arrived", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Withdraw(ctx, tx, sys, accepted.ID, furtherstudy.Withdrawal{LeftOn: "2026-10-05"})
				return err
			}},
			{"final score negative", "score", "error.out_of_range", func(ctx context.Context, tx *store.Tx) error {
				_, err := furtherstudy.Complete(ctx, tx, sys, a.ID, furtherstudy.Completion{CompletedOn: "2026-08-31", Score: -1})
				return err
			}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				err := inTx(t, db, c.fn)
				if got := fieldKey(err, c.field); got != c.key {
					t.Errorf("got %v, want %s on %s", err, c.key, c.field)
				}
			})
		}
		// Withdrawing an arrived trainee withdraws the placement too, and
		// records the whole months studied until leaving.
		err = inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			got, err := furtherstudy.Withdraw(ctx, tx, sys, a.ID, furtherstudy.Withdrawal{Comment: "family reasons", LeftOn: "2026-05-15"})
			if err != nil {
				return err
			}
			p, err := placement.Get(ctx, tx, got.PlacementID)
			if got.Status != furtherstudy.Withdrawn || p.Status != "withdrawn" || got.LeftOn != "2026-05-15" || got.MonthsCompleted != 2 || got.Credits != 0 {
				t.Errorf("withdrawn: got %+v, placement %s", got, p.Status)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestWholeMonths(t *testing.T) {
	for _, c := range []struct {
		start, end string
		want       int
	}{
		{"2019-03-01", "2019-08-31", 6}, {"2019-03-15", "2019-09-14", 6}, {"2019-03-15", "2019-09-10", 5},
		{"2019-01-31", "2019-02-27", 0}, {"2019-01-01", "2019-12-31", 12}, {"2019-11-01", "2020-01-31", 3}, {"2019-03-01", "2019-03-31", 1},
	} {
		s, _ := timeOf(c.start)
		e, _ := timeOf(c.end)
		if got := furtherstudy.WholeMonths(s, e); got != c.want {
			t.Errorf("%s – %s: got %d, want %d", c.start, c.end, got, c.want)
		}
	}
}

// Six months of further study complete the year under the 2006 profile;
// four do not, and the trainee still lacks Class I credits.
func TestFullYearCountsInCompliance(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := setup(t, db)
		six := arrive(t, db, w, w.trainees[0], w.hb, w.supHB, "2019-03-01", "2019-08-31")
		four := arrive(t, db, w, w.trainees[2], w.inf, w.supInf, "2019-05-01", "2019-08-31")
		err := inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			for _, id := range []int64{six.ID, four.ID} {
				if _, err := furtherstudy.Complete(ctx, tx, sys, id, furtherstudy.Completion{Score: 80}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		asOf := time.Date(2020, 1, 15, 0, 0, 0, 0, time.UTC)
		for _, c := range []struct {
			person int64
			want   string
		}{{w.trainees[0], rules.Compliant}, {w.trainees[2], rules.NotCompliant}} {
			st, err := credit.StandingOf(context.Background(), db, c.person, 2019, asOf)
			if err != nil {
				t.Fatal(err)
			}
			if st.Evaluation.Status != c.want {
				t.Errorf("person %d: got %s, want %s (%+v)", c.person, st.Evaluation.Status, c.want, st.Evaluation.Results)
			}
		}
	})
}

// A trainee whose person record sits at the host (an approved
// self-registration) applies naming their own hospital, which the
// statistics then count as home.
func TestHomeInstitutionNamedByTheApplicant(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := setup(t, db)
		var a furtherstudy.Application
		err := inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			var err error
			a, err = furtherstudy.Apply(ctx, tx, sys, furtherstudy.Input{PersonID: w.hostStaff, HomeInstitutionID: w.yunnan, HostDepartmentID: w.inf, Months: 3, WishStartOn: "2026-12-01"})
			return err
		})
		if err != nil || a.HomeInstitutionID != w.yunnan || a.HomeName != "Kunming County Hospital" {
			t.Errorf("got %+v, %v", a, err)
		}
	})
}

// Under a national CME base agreement the base's yearly places apply: the
// second trainee of the year in a discipline with one place is refused,
// on the agreement field, and nothing is written.
func TestBaseCapacityApplies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := setup(t, db)
		var base int64
		err := inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			a, err := agreement.Create(ctx, tx, sys, agreement.Input{Kind: "cme_base", NameEN: "National CME base", Level: "national", SignedOn: "2017-12-01", StartOn: "2018-01-01",
				EndOn: "2030-12-31", Status: "active", PartyIDs: []int64{w.sichuan, w.host}, Capacities: []agreement.Capacity{{Discipline: "hepatobiliary", PerYear: 1}}})
			base = a.ID
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		err = inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			for _, p := range w.trainees[:2] {
				a, err := furtherstudy.Apply(ctx, tx, sys, furtherstudy.Input{PersonID: p, HostDepartmentID: w.hb, Months: 3, WishStartOn: "2019-03-01"})
				if err != nil {
					return err
				}
				if _, err := furtherstudy.ReviewByDepartment(ctx, tx, sys, a.ID, furtherstudy.Decision{Approve: true}); err != nil {
					return err
				}
				ids = append(ids, a.ID)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		accept := furtherstudy.Acceptance{StartOn: "2019-03-01", EndOn: "2019-05-31", SupervisorID: w.supHB, AgreementID: base, Discipline: "hepatobiliary"}
		err = inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			_, err := furtherstudy.Accept(ctx, tx, sys, ids[0], accept)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		err = inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			_, err := furtherstudy.Accept(ctx, tx, sys, ids[1], accept)
			return err
		})
		if got := fieldKey(err, "agreement_id"); got != "placement.over_capacity" {
			t.Errorf("second trainee: got %v", err)
		}
		if a, _ := furtherstudy.Get(context.Background(), db, ids[1]); a.Status != furtherstudy.DepartmentApproved || a.PlacementID != 0 {
			t.Errorf("after the refusal: %+v", a)
		}
	})
}
