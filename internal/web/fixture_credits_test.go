package web_test

import (
	"context"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/store"
)

// addCredits gives the doctor ({person}) and the outside person two ledger
// entries each: {entry} and {entry2} for the doctor (so two rows may reverse
// without meeting), {otherentry} outside every office's scope.
func (f *fixture) addCredits(ctx context.Context, tx *store.Tx) error {
	sys := audit.System("fixture")
	for _, e := range []struct {
		handle, person string
		amount         int64
	}{{"entry", "person", 200}, {"entry2", "person", 100}, {"otherentry", "otherperson", 300}} {
		posted, err := ledger.Post(ctx, tx, sys, ledger.Posting{PersonID: f.ids[e.person], CreditYear: 2026, Class: "I",
			Category: "national_project", Amount: e.amount, Hours: e.amount * 3, Source: "activity", Role: "participant",
			Evidence: "fixture"})
		if err != nil {
			return err
		}
		f.ids[e.handle] = posted.ID
	}
	return nil
}
