package series_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/series"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

// BenchmarkSweepUnchanged measures what `meded serve` pays every minute
// once a year of a weekly lecture (52 sessions, 80 attendances each) has
// been credited: finding that nothing changed.
func BenchmarkSweepUnchanged(b *testing.B) {
	db := storetest.SQLite(b)
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *store.Tx) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("%v", r)
			}
		}()
		h := must(institution.Create(ctx, tx, sys, institution.Input{Kind: "hospital", NameZH: "医院", Country: "CN"}))
		var people []int64
		for i := range 120 {
			people = append(people, must(person.Create(ctx, tx, sys, person.Input{NameZH: fmt.Sprintf("住院医师%d", i), Category: "resident",
				InstitutionID: h.ID})).ID)
		}
		a := newSeries(b, ctx, tx, h.ID, people[0], "周四临床讲座")
		must(series.Save(ctx, tx, sys, thursdays(a.ID)))
		must(series.Generate(ctx, tx, sys, a.ID, "2019-01-01", "2019-12-31"))
		for i, s := range must(session.List(ctx, tx, a.ID)) {
			for k := range 80 {
				must(tx.Exec(ctx, `INSERT INTO attendance (session_id, person_id, method, recorded_at) VALUES (?, ?, 'import', ?)`,
					s.ID, people[(i+k)%len(people)], s.StartsAt))
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	later := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	if res, err := series.Sweep(ctx, db, sys, later); err != nil || res.Entries != 52*80 {
		b.Fatalf("first sweep: %+v %v", res, err)
	}
	b.ResetTimer()
	for b.Loop() {
		if res, err := series.Sweep(ctx, db, sys, later); err != nil || res.Sessions != 0 {
			b.Fatalf("sweep: %+v %v", res, err)
		}
	}
}
