package web_test

import (
	"context"

	"github.com/meded/meded/internal/store"
)

// addFurtherStudy adds the fixture records of further-study trainees: applications, review, placement and evaluations.
func (f *fixture) addFurtherStudy(ctx context.Context, tx *store.Tx) error {
	return nil
}
