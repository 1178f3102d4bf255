package ledger_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

var office = audit.Actor{AccountID: 7, Label: "CME office"}

// people makes n people to hold chains.
func people(t *testing.T, db *store.DB, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	err := db.InTx(ctx, func(tx *store.Tx) error {
		inst, err := institution.Create(ctx, tx, office, institution.Input{Kind: "hospital", NameZH: "医院", Country: "CN"})
		if err != nil {
			return err
		}
		for i := range n {
			p, err := person.Create(ctx, tx, office, person.Input{NameZH: fmt.Sprintf("学员%d", i), InstitutionID: inst.ID})
			if err != nil {
				return err
			}
			ids = append(ids, p.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func post(t *testing.T, db *store.DB, p ledger.Posting) ledger.Entry {
	t.Helper()
	var e ledger.Entry
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		e, err = ledger.Post(context.Background(), tx, office, p)
		return err
	})
	if err != nil {
		t.Fatalf("post %+v: %v", p, err)
	}
	return e
}

func credit(person int64, year int, class string, amount int64) ledger.Posting {
	return ledger.Posting{PersonID: person, CreditYear: year, Class: class, Category: "national_project", Amount: amount,
		Hours: amount * 3, Source: "activity", SourceRef: "activity:1", Role: "participant", Evidence: "6 h ÷ 3 = 2.0, Class I"}
}

func verify(t *testing.T, db *store.DB) ledger.Report {
	t.Helper()
	r, err := ledger.Verify(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestChainsLinkAndSummariesFollow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids := people(t, db, 2)
		a := post(t, db, credit(ids[0], 2019, ledger.ClassI, 200))
		b := post(t, db, credit(ids[0], 2019, ledger.ClassI, 150))
		c := post(t, db, credit(ids[0], 2020, ledger.ClassII, 50))
		post(t, db, credit(ids[1], 2019, ledger.ClassI, 100))
		if a.Seq != 1 || a.PrevHash != ledger.GenesisHash || b.Seq != 2 || b.PrevHash != a.Hash || c.PrevHash != b.Hash {
			t.Errorf("chain links: %+v %+v %+v", a, b, c)
		}
		if r := verify(t, db); !r.OK() || r.Entries != 4 || r.People != 2 {
			t.Errorf("verify: %+v", r)
		}
		sums, err := ledger.Summaries(ctx, db, ids[0], 2019, 2020)
		if err != nil {
			t.Fatal(err)
		}
		want := []ledger.Summary{
			{PersonID: ids[0], CreditYear: 2019, Class: "I", Category: "national_project", Role: "participant", Amount: 350, Hours: 1050, Entries: 2},
			{PersonID: ids[0], CreditYear: 2020, Class: "II", Category: "national_project", Role: "participant", Amount: 50, Hours: 150, Entries: 1},
		}
		if fmt.Sprint(sums) != fmt.Sprint(want) {
			t.Errorf("summaries: got %+v, want %+v", sums, want)
		}
		// A reversal cancels; a second one is refused; the summary follows.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := ledger.Reverse(ctx, tx, office, b.ID, "attendance entered twice")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := ledger.Reverse(ctx, tx, office, b.ID, "again")
			return err
		})
		if !errors.Is(err, ledger.ErrConflict) {
			t.Errorf("second reversal: %v, want ErrConflict", err)
		}
		sums, _ = ledger.Summaries(ctx, db, ids[0], 2019, 2019)
		if len(sums) != 1 || sums[0].Amount != 200 || sums[0].Entries != 3 {
			t.Errorf("after the reversal: %+v, want 2.00 credits from 3 entries", sums)
		}
		if r := verify(t, db); !r.OK() {
			t.Errorf("verify after reversal: %+v", r)
		}
	})
}

func TestPostingsAreValidated(t *testing.T) {
	db := storetest.SQLite(t)
	ids := people(t, db, 1)
	tests := []struct {
		name  string
		edit  func(p *ledger.Posting)
		field string
	}{
		{"class", func(p *ledger.Posting) { p.Class = "III" }, "class"},
		{"source", func(p *ledger.Posting) { p.Source = "gift" }, "source"},
		{"year", func(p *ledger.Posting) { p.CreditYear = 19 }, "credit_year"},
		{"zero", func(p *ledger.Posting) { p.Amount, p.Hours = 0, 0 }, "amount"},
		{"category", func(p *ledger.Posting) { p.Category = " " }, "category"},
		{"person", func(p *ledger.Posting) { p.PersonID = 999999 }, "person_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := credit(ids[0], 2019, "I", 100)
			tt.edit(&p)
			err := db.InTx(context.Background(), func(tx *store.Tx) error {
				_, err := ledger.Post(context.Background(), tx, office, p)
				return err
			})
			if err == nil || !strings.Contains(err.Error(), tt.field) {
				t.Errorf("got %v, want an error naming %s", err, tt.field)
			}
		})
	}
	if r := verify(t, db); r.Entries != 0 || !r.OK() {
		t.Errorf("refused postings left %+v", r)
	}
}

func TestTheDatabaseRefusesUpdateAndDelete(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ids := people(t, db, 1)
		e := post(t, db, credit(ids[0], 2019, "I", 200))
		ctx := context.Background()
		if _, err := db.Exec(ctx, "UPDATE ledger_entries SET amount = 1000 WHERE id = ?", e.ID); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("UPDATE: %v, want the trigger's refusal", err)
		}
		if _, err := db.Exec(ctx, "DELETE FROM ledger_entries WHERE id = ?", e.ID); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("DELETE: %v, want the trigger's refusal", err)
		}
		got, err := ledger.Get(ctx, db, e.ID)
		if err != nil || got.Amount != 200 {
			t.Errorf("entry after refused changes: %+v %v", got, err)
		}
	})
}

// tamper changes the database as someone with direct access would,
// switching the append-only triggers off for the statement.
func tamper(t *testing.T, db *store.DB, stmt string, args ...any) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if db.Dialect() == store.Postgres {
			if _, err := tx.Exec(ctx, "SET LOCAL session_replication_role = replica"); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, stmt, args...)
			return err
		}
		for _, s := range []string{"DROP TRIGGER ledger_entries_no_update", "DROP TRIGGER ledger_entries_no_delete"} {
			if _, err := tx.Exec(ctx, s); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, stmt, args...); err != nil {
			return err
		}
		for _, s := range []string{
			"CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries BEGIN SELECT RAISE(ABORT, 'append-only'); END",
			"CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries BEGIN SELECT RAISE(ABORT, 'append-only'); END",
		} {
			if _, err := tx.Exec(ctx, s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("tamper: %v", err)
	}
}

func TestVerifyFindsAlteredRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ids := people(t, db, 3)
		var second ledger.Entry
		for i := range 4 {
			e := post(t, db, credit(ids[0], 2019, "I", int64(100+i)))
			if i == 1 {
				second = e
			}
			post(t, db, credit(ids[1], 2019, "II", int64(100+i)))
			post(t, db, credit(ids[2], 2020, "I", int64(100+i)))
		}
		// Someone raises an amount directly in the database.
		tamper(t, db, "UPDATE ledger_entries SET amount = 5000 WHERE id = ?", second.ID)
		// And deletes the first entry of another chain.
		first, _ := ledger.Entries(context.Background(), db, ids[1], 0, 0)
		tamper(t, db, "DELETE FROM ledger_entries WHERE id = ?", first[0].ID)
		// And edits a summary row of the third person.
		if _, err := db.Exec(context.Background(), "UPDATE ledger_summaries SET amount = amount + 100 WHERE person_id = ?", ids[2]); err != nil {
			t.Fatal(err)
		}
		r := verify(t, db)
		if len(r.Breaks) != 2 {
			t.Fatalf("breaks: %+v, want one per altered chain", r.Breaks)
		}
		if b := r.Breaks[0]; b.PersonID != ids[0] || b.EntryID != second.ID || !strings.Contains(b.Reason, "altered") {
			t.Errorf("first break %+v, want person %d entry %d altered", b, ids[0], second.ID)
		}
		if b := r.Breaks[1]; b.PersonID != ids[1] || b.Seq != 2 {
			t.Errorf("second break %+v, want person %d at seq 2 (seq 1 is gone)", b, ids[1])
		}
		var names []int64
		for _, m := range r.Summaries {
			names = append(names, m.Stored.PersonID)
		}
		if !containsAll(names, ids[0], ids[1], ids[2]) {
			t.Errorf("summary mismatches name people %v, want all three (two chains changed, one summary edited)", names)
		}
		var out strings.Builder
		r.Write(&out)
		if !strings.Contains(out.String(), fmt.Sprintf("BROKEN person %d: entry %d", ids[0], second.ID)) {
			t.Errorf("report text:\n%s", out.String())
		}
	})
}

func containsAll(list []int64, want ...int64) bool {
	for _, w := range want {
		found := false
		for _, x := range list {
			found = found || x == w
		}
		if !found {
			return false
		}
	}
	return true
}

func TestCheckpointCatchesARewrittenHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids := people(t, db, 2)
		for i := range 3 {
			post(t, db, credit(ids[0], 2019, "I", int64(100+i)))
			post(t, db, credit(ids[1], 2019, "I", int64(200+i)))
		}
		key, created, err := ledger.LoadOrCreateKey(filepath.Join(t.TempDir(), "keys", "ledger-signing.key"))
		if err != nil || !created {
			t.Fatalf("key: %v created %v", err, created)
		}
		cp, err := ledger.MakeCheckpoint(ctx, db, key)
		if err != nil {
			t.Fatal(err)
		}
		if problems, err := ledger.VerifyCheckpoint(ctx, db, cp, nil); err != nil || len(problems) != 0 {
			t.Fatalf("fresh checkpoint: %v %v", problems, err)
		}
		post(t, db, credit(ids[0], 2020, "II", 50)) // later entries are fine
		if problems, _ := ledger.VerifyCheckpoint(ctx, db, cp, nil); len(problems) != 0 {
			t.Errorf("after a new entry: %v", problems)
		}
		// Rewrite person 0's chain consistently from seq 2 on: Verify alone
		// cannot tell, the checkpoint can.
		chain, _ := ledger.Entries(ctx, db, ids[0], 0, 0)
		prev := chain[0].Hash
		for _, e := range chain[1:] {
			e.Amount += 1000
			e.PrevHash = prev
			e.Hash = e.ComputeHash()
			tamper(t, db, "UPDATE ledger_entries SET amount = ?, prev_hash = ?, hash = ? WHERE id = ?", e.Amount, e.PrevHash, e.Hash, e.ID)
			prev = e.Hash
		}
		if _, err := db.Exec(ctx, "UPDATE ledger_heads SET hash = ? WHERE person_id = ?", prev, ids[0]); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, "UPDATE ledger_summaries SET amount = amount + 2000 WHERE person_id = ? AND credit_year = 2019", ids[0]); err != nil {
			t.Fatal(err)
		}
		if r := verify(t, db); !r.OK() {
			t.Logf("a careful rewrite still shows: %+v", r)
		}
		problems, err := ledger.VerifyCheckpoint(ctx, db, cp, nil)
		if err != nil || len(problems) != 1 || !strings.Contains(problems[0], fmt.Sprintf("person %d", ids[0])) {
			t.Errorf("checkpoint after a rewrite: %v %v, want person %d named", problems, err, ids[0])
		}
		// A forged checkpoint file is refused.
		forged := cp
		forged.Heads = append([]ledger.Head(nil), cp.Heads...)
		forged.Heads[0].Hash = strings.Repeat("0", 64)
		if problems, _ := ledger.VerifyCheckpoint(ctx, db, forged, nil); len(problems) == 0 {
			t.Error("a checkpoint with edited heads verified")
		}
		other, _, _ := ledger.LoadOrCreateKey(filepath.Join(t.TempDir(), "other.key"))
		trusted := []ed25519.PublicKey{other.Public().(ed25519.PublicKey)}
		if problems, _ := ledger.VerifyCheckpoint(ctx, db, cp, trusted); len(problems) == 0 {
			t.Error("a checkpoint signed by an untrusted key verified")
		}
	})
}

// Two writers appending to one chain at once never fork it: one waits or
// is refused and retries.
func TestConcurrentPostsKeepTheChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ids := people(t, db, 1)
		const writers, each = 4, 10
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					for attempt := 0; ; attempt++ {
						err := db.InTx(context.Background(), func(tx *store.Tx) error {
							_, err := ledger.Post(context.Background(), tx, office, credit(ids[0], 2019, "I", int64(w*100+i+1)))
							return err
						})
						if err == nil {
							break
						}
						if !errors.Is(err, ledger.ErrConflict) || attempt > 50 {
							t.Errorf("writer %d post %d: %v", w, i, err)
							return
						}
					}
				}
			})
		}
		wg.Wait()
		r := verify(t, db)
		if !r.OK() || r.Entries != writers*each {
			t.Errorf("after concurrent posts: %+v, want %d entries in one intact chain", r, writers*each)
		}
	})
}
