package placement_test

import (
	"context"
	"testing"

	"github.com/meded/meded/internal/agreement"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/placement"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
	"github.com/meded/meded/internal/validate"
)

var sys = audit.System("test")

func fieldKey(err error, field string) string {
	es, _ := validate.As(err)
	for _, e := range es {
		if e.Field == field {
			return e.Key
		}
	}
	return ""
}

type world struct {
	college, hospital, base, draft int64
	students                       []int64
}

func setup(t *testing.T, db *store.DB) world {
	t.Helper()
	ctx := context.Background()
	var w world
	err := db.InTx(ctx, func(tx *store.Tx) error {
		c, err := institution.Create(ctx, tx, sys, institution.Input{Kind: "college", NameEN: "College", Country: "CN"})
		if err != nil {
			return err
		}
		h, err := institution.Create(ctx, tx, sys, institution.Input{Kind: "hospital", NameEN: "Hospital", Country: "CN"})
		if err != nil {
			return err
		}
		w.college, w.hospital = c.ID, h.ID
		a, err := agreement.Create(ctx, tx, sys, agreement.Input{Kind: "internship_base", NameEN: "Base", SignedOn: "2022-07-05",
			StartOn: "2022-09-01", EndOn: "2027-08-31", Status: "active", PartyIDs: []int64{c.ID, h.ID},
			Capacities: []agreement.Capacity{{Discipline: "bme", PerYear: 2}}})
		if err != nil {
			return err
		}
		d, err := agreement.Create(ctx, tx, sys, agreement.Input{Kind: "internship_base", NameEN: "Draft", StartOn: "2022-09-01", PartyIDs: []int64{c.ID, h.ID}})
		if err != nil {
			return err
		}
		w.base, w.draft = a.ID, d.ID
		for _, n := range []string{"A", "B", "C", "D"} {
			p, err := person.Create(ctx, tx, sys, person.Input{NameEN: "Student " + n, Category: "student", InstitutionID: c.ID})
			if err != nil {
				return err
			}
			w.students = append(w.students, p.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func create(t *testing.T, db *store.DB, in placement.Input) (placement.Placement, error) {
	t.Helper()
	var p placement.Placement
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		p, err = placement.Create(context.Background(), tx, sys, in)
		return err
	})
	return p, err
}

func TestRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := setup(t, db)
		at := func(student int, start, end string) placement.Input {
			return placement.Input{PersonID: w.students[student], Kind: "internship", AgreementID: w.base, HostInstitutionID: w.hospital,
				Discipline: "bme", StartOn: start, EndOn: end}
		}
		// Two places in bme in 2025: A and B take them.
		for i := range 2 {
			if _, err := create(t, db, at(i, "2025-07-01", "2025-08-31")); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			name, field, key string
			in               placement.Input
		}{
			{"overlap", "start_on", "placement.overlap", at(0, "2025-08-15", "2025-09-30")},
			{"over capacity", "agreement_id", "placement.over_capacity", at(2, "2025-03-01", "2025-04-30")},
			{"over capacity across years", "agreement_id", "placement.over_capacity", at(2, "2024-12-01", "2025-01-31")},
			{"end before start", "end_on", "agreement.end_before_start", at(2, "2026-03-01", "2026-02-01")},
			{"bad date", "start_on", "agreement.invalid_date", at(2, "2026-13-01", "2026-12-31")},
			{"before the agreement", "start_on", "placement.before_agreement", at(2, "2022-01-01", "2022-02-01")},
			{"after the agreement", "end_on", "placement.after_agreement", at(2, "2027-07-01", "2027-09-30")},
			{"discipline not offered", "discipline", "placement.discipline_not_offered", func() placement.Input {
				in := at(2, "2026-03-01", "2026-04-01")
				in.Discipline = "nursing"
				return in
			}()},
			{"agreement not in force", "agreement_id", "placement.agreement_not_in_force", func() placement.Input {
				in := at(2, "2026-03-01", "2026-04-01")
				in.AgreementID = w.draft
				return in
			}()},
			{"host not a party", "host_institution_id", "placement.host_not_party", func() placement.Input {
				in := at(2, "2026-03-01", "2026-04-01")
				in.HostInstitutionID = 999999
				return in
			}()},
			{"own supervisor", "supervisor_id", "placement.own_supervisor", func() placement.Input {
				in := at(2, "2026-03-01", "2026-04-01")
				in.SupervisorID = in.PersonID
				return in
			}()},
			{"bad kind", "kind", "error.invalid_choice", func() placement.Input {
				in := at(2, "2026-03-01", "2026-04-01")
				in.Kind = "holiday"
				return in
			}()},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := create(t, db, tt.in)
				if got := fieldKey(err, tt.field); got != tt.key {
					t.Errorf("got %q on %s (%v), want %q", got, tt.field, err, tt.key)
				}
			})
		}
		// Same year, next year: room again; a withdrawn placement frees its place.
		if _, err := create(t, db, at(2, "2026-03-01", "2026-04-30")); err != nil {
			t.Errorf("next year: %v", err)
		}
		list, _, _ := placement.List(context.Background(), db, placement.ListFilter{PersonID: w.students[1]})
		err := db.InTx(context.Background(), func(tx *store.Tx) error {
			_, err := placement.Transition(context.Background(), tx, sys, list[0].ID, "withdrawn")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := create(t, db, at(3, "2025-03-01", "2025-04-30")); err != nil {
			t.Errorf("after a withdrawal: %v", err)
		}
		// A further-study trainee without a base is placed at a host department.
		if _, err := create(t, db, placement.Input{PersonID: w.students[2], Kind: "further_study", HostInstitutionID: w.hospital,
			StartOn: "2027-01-01", EndOn: "2027-06-30"}); err != nil {
			t.Errorf("further study: %v", err)
		}
	})
}

func TestTransitionsAndEvaluation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := setup(t, db)
		allowed := map[string]map[string]bool{
			"planned": {"active": true, "withdrawn": true},
			"active":  {"completed": true, "withdrawn": true},
		}
		paths := map[string][]string{"planned": nil, "active": {"active"}, "completed": {"active", "completed"}, "withdrawn": {"withdrawn"}}
		n := 0
		for from, path := range paths {
			for _, to := range placement.Statuses {
				t.Run(from+"→"+to, func(t *testing.T) {
					n++
					start := []string{"2023", "2024", "2025", "2026"}[n%4] + "-0" + string(rune('1'+n/4)) + "-01"
					p, err := create(t, db, placement.Input{PersonID: w.students[n%4], Kind: "rotation", HostInstitutionID: w.hospital,
						StartOn: start, EndOn: start[:8] + "20"})
					if err != nil {
						t.Fatal(err)
					}
					err = db.InTx(ctx, func(tx *store.Tx) error {
						for _, s := range path {
							if _, err := placement.Transition(ctx, tx, sys, p.ID, s); err != nil {
								return err
							}
						}
						return nil
					})
					if err != nil {
						t.Fatal(err)
					}
					err = db.InTx(ctx, func(tx *store.Tx) error {
						_, err := placement.Transition(ctx, tx, sys, p.ID, to)
						return err
					})
					if allowed[from][to] != (err == nil) {
						t.Errorf("%s→%s: %v", from, to, err)
					}
					if err != nil && fieldKey(err, "status") != "placement.bad_transition" {
						t.Errorf("%s→%s: %v", from, to, err)
					}
				})
			}
		}
		p, err := create(t, db, placement.Input{PersonID: w.students[0], Kind: "internship", AgreementID: w.base, HostInstitutionID: w.hospital,
			Discipline: "bme", StartOn: "2027-03-01", EndOn: "2027-04-30"})
		if err != nil {
			t.Fatal(err)
		}
		evaluate := func(ev placement.Evaluation) (placement.Placement, error) {
			var out placement.Placement
			err := db.InTx(ctx, func(tx *store.Tx) error {
				var err error
				out, err = placement.Evaluate(ctx, tx, sys, p.ID, ev)
				return err
			})
			return out, err
		}
		if _, err := evaluate(placement.Evaluation{Score: 90}); fieldKey(err, "status") != "placement.not_evaluable" {
			t.Errorf("evaluating a planned placement: %v", err)
		}
		db.InTx(ctx, func(tx *store.Tx) error { _, err := placement.Transition(ctx, tx, sys, p.ID, "active"); return err })
		if _, err := evaluate(placement.Evaluation{Score: 101}); fieldKey(err, "score") != "error.out_of_range" {
			t.Errorf("score 101: %v", err)
		}
		got, err := evaluate(placement.Evaluation{Score: 92, Comment: "Good"})
		if err != nil || got.Status != "completed" || got.Score == nil || *got.Score != 92 || got.EvaluatedAt == nil {
			t.Errorf("evaluated %+v (%v)", got, err)
		}
	})
}
