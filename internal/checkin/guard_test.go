package checkin_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/meded/meded/internal/checkin"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

// TestCodeAttempts: a person gets CodeAttempts wrong codes per window, even
// when thirty guesses arrive at once; right codes do not count; the window
// passes.
func TestCodeAttempts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		now := time.Now()
		// A right code (released) leaves no trace.
		release, err := checkin.ReserveCodeAttempt(ctx, db, w.enrolled, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := release(ctx); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		passed, refused := 0, 0
		for range 30 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := checkin.ReserveCodeAttempt(ctx, db, w.enrolled, now)
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					passed++
				} else {
					wantField(t, err, "error.checkin_too_many_codes")
					refused++
				}
			}()
		}
		wg.Wait()
		if passed != checkin.CodeAttempts || refused != 30-checkin.CodeAttempts {
			t.Errorf("got %d passed and %d refused, want %d and %d", passed, refused, checkin.CodeAttempts, 30-checkin.CodeAttempts)
		}
		// Another person is not held back; the same one is after the window.
		if _, err := checkin.ReserveCodeAttempt(ctx, db, w.walk, now); err != nil {
			t.Errorf("another person: %v", err)
		}
		if _, err := checkin.ReserveCodeAttempt(ctx, db, w.enrolled, now.Add(checkin.CodeAttemptWindow+time.Second)); err != nil {
			t.Errorf("after the window: %v", err)
		}
	})
}
