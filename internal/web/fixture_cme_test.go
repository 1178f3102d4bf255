package web_test

import (
	"context"

	"github.com/meded/meded/internal/store"
)

// addCME adds the CME records the CME rows of the authorization table use.
func (f *fixture) addCME(ctx context.Context, tx *store.Tx) error { return nil }
