package ledger_test

import (
	"context"
	"testing"

	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

// copyLedger copies every chain, head and summary row as plain values, the
// way an export and import between databases would.
func copyLedger(t *testing.T, from, to *store.DB) {
	t.Helper()
	ctx := context.Background()
	rows, err := from.Query(ctx, "SELECT id FROM ledger_entries ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	err = to.InTx(ctx, func(tx *store.Tx) error {
		for _, id := range ids {
			e, err := ledger.Get(ctx, from, id)
			if err != nil {
				return err
			}
			var reverses any
			if e.Reverses != 0 {
				reverses = e.Reverses
			}
			_, err = tx.Exec(ctx, `INSERT INTO ledger_entries (id, person_id, seq, credit_year, class, category, amount, hours, source,
				source_ref, role, evidence, reverses, recorded_by, recorded_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				e.ID, e.PersonID, e.Seq, e.CreditYear, e.Class, e.Category, e.Amount, e.Hours, e.Source, e.SourceRef, e.Role, e.Evidence,
				reverses, e.RecordedBy, e.RecordedAt, e.PrevHash, e.Hash)
			if err != nil {
				return err
			}
		}
		heads, err := from.Query(ctx, "SELECT person_id, seq, hash FROM ledger_heads")
		if err != nil {
			return err
		}
		defer heads.Close()
		for heads.Next() {
			var p, s int64
			var h string
			heads.Scan(&p, &s, &h)
			if _, err := tx.Exec(ctx, "INSERT INTO ledger_heads (person_id, seq, hash) VALUES (?, ?, ?)", p, s, h); err != nil {
				return err
			}
		}
		sums, err := from.Query(ctx, "SELECT person_id, credit_year, class, category, role, amount, hours, entries FROM ledger_summaries")
		if err != nil {
			return err
		}
		defer sums.Close()
		for sums.Next() {
			var s ledger.Summary
			sums.Scan(&s.PersonID, &s.CreditYear, &s.Class, &s.Category, &s.Role, &s.Amount, &s.Hours, &s.Entries)
			if _, err := tx.Exec(ctx, "INSERT INTO ledger_summaries (person_id, credit_year, class, category, role, amount, hours, entries) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
				s.PersonID, s.CreditYear, s.Class, s.Category, s.Role, s.Amount, s.Hours, s.Entries); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("copy ledger: %v", err)
	}
}

// TestChainsVerifyAcrossDialects: the canonical encoding (UTC microseconds,
// integer hundredths) makes a chain written on SQLite verify on PostgreSQL
// and back again.
func TestChainsVerifyAcrossDialects(t *testing.T) {
	lite := storetest.SQLite(t)
	pg := storetest.Postgres(t)
	if pg == nil {
		return
	}
	back := storetest.SQLite(t)
	for _, db := range []*store.DB{lite, pg, back} {
		people(t, db, 2) // the same people, with the same ids, in each database
	}
	ids := []int64{1, 2}
	e := post(t, lite, credit(ids[0], 2019, "I", 233))
	post(t, lite, credit(ids[1], 2019, "II", 50))
	post(t, lite, ledger.Posting{PersonID: ids[0], CreditYear: 2020, Class: "II", Category: "self_study", Amount: 100, Hours: 0,
		Source: "self_report", Evidence: "综述 2,000 字 = 1 学分 \"quoted\"\nsecond line"})
	err := lite.InTx(context.Background(), func(tx *store.Tx) error {
		_, err := ledger.Reverse(context.Background(), tx, office, e.ID, "wrong project")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	copyLedger(t, lite, pg)
	if r := verify(t, pg); !r.OK() || r.Entries != 4 {
		t.Fatalf("on PostgreSQL after copying from SQLite: %+v", r)
	}
	copyLedger(t, pg, back)
	if r := verify(t, back); !r.OK() || r.Entries != 4 {
		t.Fatalf("on SQLite after copying back: %+v", r)
	}
	a, _ := ledger.Entries(context.Background(), lite, ids[0], 0, 0)
	b, _ := ledger.Entries(context.Background(), back, ids[0], 0, 0)
	for i := range a {
		if a[i].Hash != b[i].Hash || !a[i].RecordedAt.Equal(b[i].RecordedAt) {
			t.Errorf("entry %d changed on the round trip: %+v vs %+v", i, a[i], b[i])
		}
	}
}
