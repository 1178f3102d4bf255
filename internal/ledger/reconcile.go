package ledger

import (
	"context"
	"fmt"
	"sort"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
)

// Key is what a source's credits are held under for one person: role,
// class and category.
type Key struct {
	PersonID        int64
	Role            string
	Class, Category string
}

// Want is what a person should hold from a source under one key: the rule
// set's amount and the computation people read.
type Want struct {
	Amount, Hours int64
	Evidence      string
}

// Target is everything a source (a closed activity, a swept session)
// should have posted.
type Target struct {
	SourceRef  string
	Source     string // of a first posting; a change is a "correction"
	CreditYear int
	Want       map[Key]Want
	// Recomputed words the evidence of a correction from the amounts now
	// and before, e.g. "re-closed: now 2 credits (was 1.5)".
	Recomputed func(now, was int64) string
}

// Reconcile brings the ledger in line with t: for each key it posts what t
// wants minus what is already posted under t.SourceRef (read through
// merged records, see NetOf), so running it again posts nothing and a
// change posts only the difference; a key no longer wanted is taken back.
// It returns the number of entries posted.
func Reconcile(ctx context.Context, tx *store.Tx, actor audit.Actor, t Target) (int, error) {
	posted, err := NetOf(ctx, tx, t.SourceRef)
	if err != nil {
		return 0, err
	}
	current := make(map[Key]Net, len(posted))
	keys := make([]Key, 0, len(t.Want)+len(posted))
	for k := range t.Want {
		keys = append(keys, k)
	}
	for _, n := range posted {
		k := Key{n.PersonID, n.Role, n.Class, n.Category}
		current[k] = n
		if _, ok := t.Want[k]; !ok {
			keys = append(keys, k)
		}
	}
	// A stable order keeps chains and tests reproducible.
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.PersonID != b.PersonID {
			return a.PersonID < b.PersonID
		}
		return a.Role+"\x00"+a.Class+"\x00"+a.Category < b.Role+"\x00"+b.Class+"\x00"+b.Category
	})
	n := 0
	for _, k := range keys {
		w, c := t.Want[k], current[k]
		dAmount, dHours := w.Amount-c.Amount, w.Hours-c.Hours
		if dAmount == 0 && dHours == 0 {
			continue
		}
		p := Posting{PersonID: k.PersonID, CreditYear: t.CreditYear, Class: k.Class, Category: k.Category, Amount: dAmount, Hours: dHours,
			Source: t.Source, SourceRef: t.SourceRef, Role: k.Role, Evidence: w.Evidence}
		if c.Amount != 0 || c.Hours != 0 {
			p.Source = "correction"
			p.Evidence = t.Recomputed(w.Amount, c.Amount)
			if w.Evidence != "" {
				p.Evidence += "; " + w.Evidence
			}
		}
		if _, err := Post(ctx, tx, actor, p); err != nil {
			return n, fmt.Errorf("ledger: %s, person %d: %w", t.SourceRef, k.PersonID, err)
		}
		n++
	}
	return n, nil
}
