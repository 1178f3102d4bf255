package web_test

import (
	"context"

	"github.com/meded/meded/internal/store"
)

// addCheckIn adds the fixture records of live check-in: projector codes, the learner check-in page and the kiosk.
func (f *fixture) addCheckIn(ctx context.Context, tx *store.Tx) error {
	return nil
}
