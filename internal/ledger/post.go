package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

var (
	// ErrNotFound: no such entry.
	ErrNotFound = errors.New("ledger: not found")
	// ErrConflict: another writer appended to the same chain first, or the
	// entry was already reversed.
	ErrConflict = errors.New("ledger: conflicting change")
)

// ClosedError refuses an entry for a person whose record was merged into
// another: their chain ended with the "merged into" entry, and credits go
// to Into's chain.
type ClosedError struct{ PersonID, Into int64 }

func (e ClosedError) Error() string {
	return fmt.Sprintf("ledger: person %d was merged into person %d; post to person %d", e.PersonID, e.Into, e.Into)
}

// Posting is what a caller asks to add to a person's file.
type Posting struct {
	PersonID   int64  `json:"person_id"`
	CreditYear int    `json:"credit_year"`
	Class      string `json:"class"`
	Category   string `json:"category"`
	Amount     int64  `json:"amount"` // hundredths of a credit
	Hours      int64  `json:"hours"`  // hundredths of a study hour
	Source     string `json:"source"`
	SourceRef  string `json:"source_ref"` // what it came from, e.g. "activity:12"
	Role       string `json:"role"`
	Evidence   string `json:"evidence"` // the computation or the document, for people to read
}

func (p Posting) validate() validate.Errors {
	var es validate.Errors
	if p.PersonID <= 0 {
		es.Add("person_id", "error.required")
	}
	if p.CreditYear < 1950 || p.CreditYear > 2200 {
		es.Add("credit_year", "error.out_of_range", 1950, 2200)
	}
	es.OneOf("class", p.Class, Classes)
	es.OneOf("source", p.Source, Sources)
	if strings.TrimSpace(p.Category) == "" {
		es.Add("category", "error.required")
	}
	es.MaxLen("category", p.Category, 64)
	es.MaxLen("source_ref", p.SourceRef, 200)
	es.MaxLen("role", p.Role, 64)
	es.MaxLen("evidence", p.Evidence, 2000)
	if p.Amount == 0 && p.Hours == 0 {
		es.Add("amount", "error.ledger_zero")
	}
	const limit = 100000 * 100 // a hundred thousand credits or hours: a typo, not a record
	if p.Amount > limit || p.Amount < -limit || p.Hours > limit || p.Hours < -limit {
		es.Add("amount", "error.out_of_range", -limit/100, limit/100)
	}
	if !utf8.ValidString(p.Evidence + p.Category + p.SourceRef + p.Role) {
		es.Add("evidence", "error.invalid_text")
	}
	return es
}

// Post appends p to its person's chain in tx, with the chain head and the
// year summary updated in the same transaction. It returns ErrConflict when
// another writer appended to the chain meanwhile; the caller's transaction
// then rolls back and may be retried.
func Post(ctx context.Context, tx *store.Tx, actor audit.Actor, p Posting) (Entry, error) {
	if es := p.validate(); len(es) > 0 {
		return Entry{}, es
	}
	return appendEntry(ctx, tx, actor, p, 0, 0)
}

func recorder(actor audit.Actor) string {
	if actor.AccountID != 0 {
		return fmt.Sprintf("%s (account %d)", actor.Label, actor.AccountID)
	}
	return actor.Label
}

// appendEntry adds p to its person's chain; reverses names the entry a
// reversal cancels, and closes (for the "merged into" entry only) the
// person whose chain takes over, after which the chain accepts nothing.
func appendEntry(ctx context.Context, tx *store.Tx, actor audit.Actor, p Posting, reverses, closes int64) (Entry, error) {
	e := Entry{PersonID: p.PersonID, CreditYear: p.CreditYear, Class: p.Class, Category: p.Category, Amount: p.Amount,
		Hours: p.Hours, Source: p.Source, SourceRef: p.SourceRef, Role: p.Role, Evidence: p.Evidence, Reverses: reverses,
		RecordedBy: recorder(actor), RecordedAt: store.Now(), Seq: 1, PrevHash: GenesisHash}
	var headSeq int64
	var headHash string
	var closedInto sql.NullInt64
	err := tx.QueryRow(ctx, "SELECT seq, hash, closed_into FROM ledger_heads WHERE person_id = ?", p.PersonID).Scan(&headSeq, &headHash, &closedInto)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		res, err := tx.Exec(ctx, "INSERT INTO ledger_heads (person_id, seq, hash) VALUES (?, 0, ?) ON CONFLICT (person_id) DO NOTHING", p.PersonID, GenesisHash)
		if err != nil {
			if store.IsForeignKeyViolation(err) {
				return Entry{}, validate.Field("person_id", "error.no_such_record")
			}
			return Entry{}, fmt.Errorf("ledger: start chain of person %d: %w", p.PersonID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Entry{}, ErrConflict
		}
	case err != nil:
		return Entry{}, fmt.Errorf("ledger: read head of person %d: %w", p.PersonID, err)
	case closedInto.Valid:
		return Entry{}, ClosedError{PersonID: p.PersonID, Into: closedInto.Int64}
	default:
		e.Seq, e.PrevHash = headSeq+1, headHash
	}
	e.Hash = e.ComputeHash()
	// Move the head only if it is still where we read it: a concurrent
	// writer makes this touch no row, and we refuse rather than fork.
	res, err := tx.Exec(ctx, "UPDATE ledger_heads SET seq = ?, hash = ?, closed_into = ? WHERE person_id = ? AND seq = ? AND hash = ? AND closed_into IS NULL",
		e.Seq, e.Hash, nullID(closes), e.PersonID, e.Seq-1, e.PrevHash)
	if err != nil {
		return Entry{}, fmt.Errorf("ledger: move head of person %d: %w", p.PersonID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return Entry{}, ErrConflict
	}
	err = tx.QueryRow(ctx, `INSERT INTO ledger_entries (person_id, seq, credit_year, class, category, amount, hours, source,
		source_ref, role, evidence, reverses, recorded_by, recorded_at, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		e.PersonID, e.Seq, e.CreditYear, e.Class, e.Category, e.Amount, e.Hours, e.Source, e.SourceRef, e.Role, e.Evidence,
		nullID(e.Reverses), e.RecordedBy, e.RecordedAt, e.PrevHash, e.Hash).Scan(&e.ID)
	if err != nil {
		if store.IsUniqueViolation(err) {
			return Entry{}, ErrConflict
		}
		return Entry{}, fmt.Errorf("ledger: insert entry of person %d: %w", p.PersonID, err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO ledger_summaries (person_id, credit_year, class, category, role, amount, hours, entries)
		VALUES (?, ?, ?, ?, ?, ?, ?, 1)
		ON CONFLICT (person_id, credit_year, class, category, role) DO UPDATE SET
			amount = ledger_summaries.amount + excluded.amount,
			hours = ledger_summaries.hours + excluded.hours,
			entries = ledger_summaries.entries + 1`,
		e.PersonID, e.CreditYear, e.Class, e.Category, e.Role, e.Amount, e.Hours)
	if err != nil {
		return Entry{}, fmt.Errorf("ledger: update summary of person %d: %w", p.PersonID, err)
	}
	return e, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Reverse appends an entry that cancels entry id (same year, class and
// category; negated amounts), with the reason as its evidence. An entry is
// reversed at most once, and a reversal is never itself reversed: post a
// new entry instead.
func Reverse(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, reason string) (Entry, error) {
	if strings.TrimSpace(reason) == "" {
		return Entry{}, validate.Field("reason", "error.required")
	}
	orig, err := Get(ctx, tx, id)
	if err != nil {
		return Entry{}, err
	}
	if orig.Reverses != 0 {
		return Entry{}, validate.Field("entry_id", "error.ledger_reverse_reversal")
	}
	var n int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM ledger_entries WHERE reverses = ?", id).Scan(&n); err != nil {
		return Entry{}, fmt.Errorf("ledger: entry %d: %w", id, err)
	}
	if n > 0 {
		return Entry{}, ErrConflict
	}
	p := Posting{PersonID: orig.PersonID, CreditYear: orig.CreditYear, Class: orig.Class, Category: orig.Category,
		Amount: -orig.Amount, Hours: -orig.Hours, Source: "correction", SourceRef: orig.SourceRef, Role: orig.Role,
		Evidence: fmt.Sprintf("reverses entry %d (seq %d): %s", orig.ID, orig.Seq, reason)}
	return appendEntry(ctx, tx, actor, p, orig.ID, 0)
}

// Correct reverses entry id and posts p in its place, in one transaction.
func Correct(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, p Posting, reason string) (reversal, replacement Entry, err error) {
	if es := p.validate(); len(es) > 0 {
		return Entry{}, Entry{}, es
	}
	if reversal, err = Reverse(ctx, tx, actor, id, reason); err != nil {
		return Entry{}, Entry{}, err
	}
	if reversal.PersonID != p.PersonID {
		return Entry{}, Entry{}, validate.Field("person_id", "error.ledger_other_person")
	}
	replacement, err = appendEntry(ctx, tx, actor, p, 0, 0)
	return reversal, replacement, err
}

// Check validates a posting without writing it, for importers that report
// every bad row before posting any.
func Check(p Posting) validate.Errors { return p.validate() }
