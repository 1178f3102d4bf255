package demo_test

import (
	"context"
	"testing"

	"github.com/meded/meded/internal/furtherstudy"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/store"
)

// Page 004's 98 further-study trainees of 2019 come out of the demo's
// records, each complete from application to credits; this year's
// applications stand in every state; and removing one record moves the figure.
// It removes a record, so TestDemo runs it last.
func checkFurtherStudy(t *testing.T, db *store.DB) {
	ctx := context.Background()
	hosts, _, err := institution.List(ctx, db, institution.ListFilter{Query: "The First Affiliated Hospital, Zhejiang University"})
	if err != nil || len(hosts) != 1 {
		t.Fatalf("Hangzhou hospital: %v, %v", hosts, err)
	}
	scope := furtherstudy.Scope{HostInstitutionIDs: []int64{hosts[0].ID}}
	r, err := furtherstudy.YearReport(ctx, db, 2019, scope)
	if err != nil {
		t.Fatal(err)
	}
	if r.Trainees != 98 || r.Completed != 96 || r.Withdrawn != 2 || r.InProgress != 0 {
		t.Errorf("2019: got %d trainees (%d completed, %d withdrawn, %d in progress), want 98 (96, 2, 0)", r.Trainees, r.Completed, r.Withdrawn, r.InProgress)
	}
	if len(r.ByDepartment) != 7 || r.ByDepartment[0].NameEN != "Hepatobiliary and Pancreatic Surgery" || r.ByDepartment[0].Trainees != 38 {
		t.Errorf("2019 by department: got %+v", r.ByDepartment)
	}
	if len(r.ByProvince) < 8 || len(r.ByInstitution) < 10 || r.Credits == 0 || r.FullYear == 0 {
		t.Errorf("2019 spread: %d provinces, %d institutions, %d credits, %d full years", len(r.ByProvince), len(r.ByInstitution), r.Credits, r.FullYear)
	}
	// Every completed 2019 stay has its monthly evaluations, placement and ledger entry.
	list, _, err := furtherstudy.List(ctx, db, furtherstudy.ListFilter{AllScope: true, Year: 2019, Status: furtherstudy.Completed})
	if err != nil || len(list) != 96 {
		t.Fatalf("completed 2019: %d, %v", len(list), err)
	}
	for _, a := range list {
		evs, err := furtherstudy.Evaluations(ctx, db, a.ID)
		if err != nil || len(evs) != a.MonthsCompleted || a.PlacementID == 0 || a.SupervisorID == 0 {
			t.Fatalf("application %d: %d evaluations for %d months, placement %d: %v", a.ID, len(evs), a.MonthsCompleted, a.PlacementID, err)
		}
		nets, err := ledger.NetOf(ctx, db, furtherstudy.SourceRef(a.ID))
		if err != nil || len(nets) != 1 || nets[0].Amount != a.Credits || nets[0].PersonID != a.PersonID {
			t.Fatalf("application %d: ledger %+v, want %d: %v", a.ID, nets, a.Credits, err)
		}
	}
	for _, status := range furtherstudy.Statuses {
		all, _, err := furtherstudy.List(ctx, db, furtherstudy.ListFilter{AllScope: true, Status: status})
		current := 0
		for _, a := range all {
			if a.WishStartOn >= "2026" {
				current++
			}
		}
		if err != nil || current == 0 {
			t.Errorf("no current application %s (%v)", status, err)
		}
	}
	for _, table := range []string{"further_study_evaluations WHERE application_id = ?", "further_study_applications WHERE id = ?"} {
		if _, err := db.Exec(ctx, `DELETE FROM `+table, list[0].ID); err != nil {
			t.Fatal(err)
		}
	}
	if r, _ := furtherstudy.YearReport(ctx, db, 2019, scope); r.Trainees != 97 || r.Completed != 95 {
		t.Errorf("after removing one: %d trainees, %d completed", r.Trainees, r.Completed)
	}
}
