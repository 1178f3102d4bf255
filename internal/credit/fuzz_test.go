package credit_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/meded/meded/internal/credit"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

// FuzzImport: whatever rows arrive, Import posts all of them or none, and
// never fails with anything but field errors or a database error.
func FuzzImport(f *testing.F) {
	f.Add(`[{"person_id":1,"credit_year":2012,"class":"I","category":"x","amount":"2"}]`)
	f.Add(`[{"person_id":-1,"credit_year":0,"class":"","amount":"1e9","hours":"-"}]`)
	db := storetest.SQLite(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, doc string) {
		var rows []credit.ImportRow
		if json.Unmarshal([]byte(doc), &rows) != nil {
			return
		}
		var before, after int
		db.QueryRow(ctx, "SELECT COUNT(*) FROM ledger_entries").Scan(&before)
		err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := credit.Import(ctx, tx, office, rows, func(person.Person) bool { return true })
			return err
		})
		db.QueryRow(ctx, "SELECT COUNT(*) FROM ledger_entries").Scan(&after)
		if err != nil && after != before {
			t.Fatalf("a refused import changed the ledger: %d → %d (%v)", before, after, err)
		}
	})
}
