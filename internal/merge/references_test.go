package merge

import (
	"context"
	"slices"
	"testing"

	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

// handledElsewhere are the columns naming a person that a merge treats on
// purpose other than by re-pointing: the ledger stays where it was
// recorded, the alias link itself, the login (moveAccount) and lectures
// keyed by person (moveLectures).
var handledElsewhere = []string{
	"ledger_entries.person_id", "ledger_heads.person_id", "ledger_heads.closed_into", "ledger_summaries.person_id",
	"people.merged_into", "accounts.person_id",
	"cme_session_lecturers.person_id", "cme_declarations.person_id",
}

// TestEveryPersonColumnIsMerged reads the schema's foreign keys to people,
// so a table added later that names a person cannot be forgotten by merges.
func TestEveryPersonColumnIsMerged(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	type fk struct{ table, column string }
	fks, err := store.QueryAll(ctx, db, func(s store.Scanner) (fk, error) {
		var f fk
		return f, s.Scan(&f.table, &f.column)
	}, `SELECT m.name, f."from" FROM sqlite_master m, pragma_foreign_key_list(m.name) f
		WHERE m.type = 'table' AND f."table" = 'people' ORDER BY m.name, f."from"`)
	if err != nil {
		t.Fatal(err)
	}
	if len(fks) < 10 {
		t.Fatalf("found only %d foreign keys to people: the query is wrong", len(fks))
	}
	for _, f := range fks {
		name := f.table + "." + f.column
		covered := slices.Contains(handledElsewhere, name) || slices.ContainsFunc(references, func(r reference) bool {
			return r.table == f.table && r.column == f.column
		})
		if !covered {
			t.Errorf("%s names a person but merge.People neither re-points it nor says why not", name)
		}
	}
}
