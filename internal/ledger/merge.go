package ledger

import (
	"context"
	"fmt"
	"strings"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// MergeCategory is the category of the entry that closes a merged person's
// chain; it carries no credit.
const MergeCategory = "merge"

// CloseMerged ends the chain of person from, whose record is being merged
// into person into, in year (the year the merge happens). Credits that both
// chains hold for the same source and role (both records attended one
// session, say) would count twice once transcripts read both chains, so
// from's share of each is first offset by a "merge" entry; then the
// "merged into" entry closes the chain and any later posting to from is
// refused with ClosedError. Nothing is moved: both chains keep verifying.
func CloseMerged(ctx context.Context, tx *store.Tx, actor audit.Actor, from, into int64, year int, reason string) ([]Entry, error) {
	if strings.TrimSpace(reason) == "" {
		return nil, validate.Field("reason", "error.required")
	}
	rows, err := tx.Query(ctx, `SELECT a.source_ref, a.role, a.credit_year, a.class, a.category, SUM(a.amount), SUM(a.hours)
		FROM ledger_entries a
		WHERE a.person_id = ? AND a.source_ref <> ''
		AND EXISTS (SELECT 1 FROM ledger_entries b WHERE b.person_id = ? AND b.source_ref = a.source_ref AND b.role = a.role)
		GROUP BY a.source_ref, a.role, a.credit_year, a.class, a.category
		ORDER BY a.source_ref, a.role, a.credit_year, a.class, a.category`, from, into)
	if err != nil {
		return nil, fmt.Errorf("ledger: merge person %d: %w", from, err)
	}
	var offsets []Posting
	for rows.Next() {
		p := Posting{PersonID: from, Source: "merge"}
		if err := rows.Scan(&p.SourceRef, &p.Role, &p.CreditYear, &p.Class, &p.Category, &p.Amount, &p.Hours); err != nil {
			rows.Close()
			return nil, fmt.Errorf("ledger: merge person %d: %w", from, err)
		}
		if p.Amount == 0 && p.Hours == 0 {
			continue
		}
		p.Amount, p.Hours = -p.Amount, -p.Hours
		p.Evidence = fmt.Sprintf("counted once: person %d holds the same credit from %s", into, p.SourceRef)
		offsets = append(offsets, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: merge person %d: %w", from, err)
	}
	var out []Entry
	for _, p := range offsets {
		e, err := appendEntry(ctx, tx, actor, p, 0, 0)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	closing := Posting{PersonID: from, CreditYear: year, Class: ClassNone, Category: MergeCategory, Source: "merge",
		SourceRef: fmt.Sprintf("person:%d", into), Evidence: fmt.Sprintf("merged into person %d: %s", into, reason)}
	e, err := appendEntry(ctx, tx, actor, closing, 0, into)
	if err != nil {
		return nil, err
	}
	return append(out, e), nil
}

// ClosedInto re-points the closed chains that named person old as the one
// taking over to person now, when old is itself merged later, so every
// alias leads straight to the record kept.
func ClosedInto(ctx context.Context, tx *store.Tx, old, now int64) error {
	if _, err := tx.Exec(ctx, `UPDATE ledger_heads SET closed_into = ? WHERE closed_into = ?`, now, old); err != nil {
		return fmt.Errorf("ledger: re-point merged chains of person %d: %w", old, err)
	}
	return nil
}

// chainsOf is the condition selecting a person's own chain and the chains
// of every record merged into it; it takes the person's id twice.
const chainsOf = `person_id IN (SELECT id FROM people WHERE id = ? OR merged_into = ?)`
