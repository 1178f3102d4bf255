package demo_test

import (
	"context"
	"testing"

	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/selfreport"
	"github.com/meded/meded/internal/store"
)

// checkSelfReports: the demo holds reports of every outcome, each
// approved one is exactly one ledger entry, and the ledger still verifies.
func checkSelfReports(t *testing.T, db *store.DB) {
	ctx := context.Background()
	for _, status := range selfreport.Statuses {
		_, n, err := selfreport.List(ctx, db, selfreport.Filter{Status: status})
		if err != nil || n == 0 {
			t.Errorf("%s: %d reports (%v)", status, n, err)
		}
	}
	approved, _, _ := selfreport.List(ctx, db, selfreport.Filter{Status: selfreport.Approved})
	for _, r := range approved {
		var n int
		var sum int64
		if err := db.QueryRow(ctx, "SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM ledger_entries WHERE source_ref = ? AND source = 'self_report'", r.SourceRef()).Scan(&n, &sum); err != nil {
			t.Fatal(err)
		}
		if n != 1 || sum != r.ApprovedAmount {
			t.Errorf("report %d: %d entries of %d, want 1 of %d", r.ID, n, sum, r.ApprovedAmount)
		}
	}
	var others int
	_ = db.QueryRow(ctx, "SELECT COUNT(*) FROM ledger_entries e JOIN self_reports r ON e.source_ref = 'self_report:' || r.id WHERE r.status <> 'approved'").Scan(&others)
	if others != 0 {
		t.Errorf("%d ledger entries of reports not approved", others)
	}
	// The demo learner has one of each outcome but withdrawn.
	var learner int64
	if err := db.QueryRow(ctx, "SELECT person_id FROM accounts WHERE email = ?", "learner@demo.meded.cn").Scan(&learner); err != nil {
		t.Fatal(err)
	}
	mine, _, _ := selfreport.List(ctx, db, selfreport.Filter{PersonID: learner})
	seen := map[string]bool{}
	for _, r := range mine {
		seen[r.Status] = true
		if len(r.Documents) != 0 {
			t.Errorf("lists carry no documents")
		}
		full, err := selfreport.Get(ctx, db, r.ID)
		if err != nil || len(full.Documents) == 0 {
			t.Errorf("report %d has no evidence (%v)", r.ID, err)
		}
	}
	if !seen["approved"] || !seen["submitted"] || !seen["rejected"] {
		t.Errorf("the demo learner's reports: %v", seen)
	}
	rep, err := ledger.Verify(ctx, db)
	if err != nil || !rep.OK() {
		t.Errorf("ledger verify: %+v %v", rep.Breaks, err)
	}
}
