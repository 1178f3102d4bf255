package ledger

import (
	"context"
	"fmt"
	"io"
	"sort"

	"github.com/meded/meded/internal/store"
)

// Break is the first broken entry of one person's chain.
type Break struct {
	PersonID int64  `json:"person_id"`
	Seq      int64  `json:"seq"`
	EntryID  int64  `json:"entry_id"`
	Reason   string `json:"reason"`
}

// SummaryMismatch is a stored summary row that disagrees with its chain.
type SummaryMismatch struct {
	Stored   Summary `json:"stored"`
	Computed Summary `json:"computed"`
}

// Report is what Verify found.
type Report struct {
	People     int               `json:"people"`
	Entries    int               `json:"entries"`
	Breaks     []Break           `json:"breaks"`
	Summaries  []SummaryMismatch `json:"summaries"`
	HeadErrors []Break           `json:"head_errors"`
}

// OK reports whether every chain, head and summary is intact.
func (r Report) OK() bool {
	return len(r.Breaks) == 0 && len(r.Summaries) == 0 && len(r.HeadErrors) == 0
}

// Write prints the report for people.
func (r Report) Write(w io.Writer) {
	fmt.Fprintf(w, "checked %d entries in %d chains\n", r.Entries, r.People)
	for _, b := range r.Breaks {
		fmt.Fprintf(w, "BROKEN person %d: entry %d (seq %d): %s\n", b.PersonID, b.EntryID, b.Seq, b.Reason)
	}
	for _, b := range r.HeadErrors {
		fmt.Fprintf(w, "HEAD person %d: %s\n", b.PersonID, b.Reason)
	}
	for _, m := range r.Summaries {
		s, c := m.Stored, m.Computed
		fmt.Fprintf(w, "SUMMARY person %d, %d, class %s, %s as %s: stored %d credits/100, %d hours/100, %d entries; the chain gives %d, %d, %d\n",
			s.PersonID, s.CreditYear, s.Class, s.Category, s.Role, s.Amount, s.Hours, s.Entries, c.Amount, c.Hours, c.Entries)
	}
	if r.OK() {
		fmt.Fprintln(w, "ledger intact")
	}
}

type summaryKey struct {
	person int64
	year   int
	class  string
	cat    string
	role   string
}

// Verify walks every chain in order, recomputing each hash and link, checks
// each chain's head, and recomputes the summaries. It reads everything; run
// it against a read replica on a large ledger.
func Verify(ctx context.Context, q store.Querier) (Report, error) {
	var r Report
	rows, err := q.Query(ctx, "SELECT "+entryColumns+" FROM ledger_entries ORDER BY person_id, seq")
	if err != nil {
		return r, fmt.Errorf("ledger: verify: %w", err)
	}
	defer rows.Close()
	computed := map[summaryKey]*Summary{}
	last := map[int64]Entry{}
	broken := map[int64]bool{}
	var prev Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return r, fmt.Errorf("ledger: verify: %w", err)
		}
		r.Entries++
		first := prev.PersonID != e.PersonID
		if first {
			r.People++
		}
		k := summaryKey{e.PersonID, e.CreditYear, e.Class, e.Category, e.Role}
		s := computed[k]
		if s == nil {
			s = &Summary{PersonID: e.PersonID, CreditYear: e.CreditYear, Class: e.Class, Category: e.Category, Role: e.Role}
			computed[k] = s
		}
		s.Amount += e.Amount
		s.Hours += e.Hours
		s.Entries++
		if !broken[e.PersonID] {
			if reason := checkLink(e, prev, first); reason != "" {
				broken[e.PersonID] = true
				r.Breaks = append(r.Breaks, Break{PersonID: e.PersonID, Seq: e.Seq, EntryID: e.ID, Reason: reason})
			}
		}
		last[e.PersonID] = e
		prev = e
	}
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("ledger: verify: %w", err)
	}
	rows.Close()
	if err := checkHeads(ctx, q, last, &r); err != nil {
		return r, err
	}
	return r, checkSummaries(ctx, q, computed, &r)
}

func checkLink(e, prev Entry, first bool) string {
	wantSeq, wantPrev := prev.Seq+1, prev.Hash
	if first {
		wantSeq, wantPrev = 1, GenesisHash
	}
	switch {
	case e.Seq != wantSeq:
		return fmt.Sprintf("sequence number %d where %d was expected (an entry is missing or was added outside MedEd)", e.Seq, wantSeq)
	case e.PrevHash != wantPrev:
		return "its previous-hash does not match the entry before it"
	case e.ComputeHash() != e.Hash:
		return "its content does not match its hash (the row was altered)"
	}
	return ""
}

func checkHeads(ctx context.Context, q store.Querier, last map[int64]Entry, r *Report) error {
	rows, err := q.Query(ctx, "SELECT person_id, seq, hash FROM ledger_heads")
	if err != nil {
		return fmt.Errorf("ledger: verify heads: %w", err)
	}
	defer rows.Close()
	seen := map[int64]bool{}
	for rows.Next() {
		var person, seq int64
		var hash string
		if err := rows.Scan(&person, &seq, &hash); err != nil {
			return fmt.Errorf("ledger: verify heads: %w", err)
		}
		seen[person] = true
		e, ok := last[person]
		if !ok && seq == 0 {
			continue // a chain started in a transaction that posted nothing
		}
		if !ok || e.Seq != seq || e.Hash != hash {
			r.HeadErrors = append(r.HeadErrors, Break{PersonID: person, Seq: seq,
				Reason: fmt.Sprintf("the head says seq %d but the chain ends at seq %d (entries were removed or added outside MedEd)", seq, e.Seq)})
		}
	}
	for person, e := range last {
		if !seen[person] {
			r.HeadErrors = append(r.HeadErrors, Break{PersonID: person, Seq: e.Seq, EntryID: e.ID, Reason: "the chain has no head row"})
		}
	}
	sort.Slice(r.HeadErrors, func(i, j int) bool { return r.HeadErrors[i].PersonID < r.HeadErrors[j].PersonID })
	return rows.Err()
}

func checkSummaries(ctx context.Context, q store.Querier, computed map[summaryKey]*Summary, r *Report) error {
	rows, err := q.Query(ctx, "SELECT person_id, credit_year, class, category, role, amount, hours, entries FROM ledger_summaries")
	if err != nil {
		return fmt.Errorf("ledger: verify summaries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s Summary
		if err := rows.Scan(&s.PersonID, &s.CreditYear, &s.Class, &s.Category, &s.Role, &s.Amount, &s.Hours, &s.Entries); err != nil {
			return fmt.Errorf("ledger: verify summaries: %w", err)
		}
		k := summaryKey{s.PersonID, s.CreditYear, s.Class, s.Category, s.Role}
		c, ok := computed[k]
		if !ok {
			c = &Summary{PersonID: s.PersonID, CreditYear: s.CreditYear, Class: s.Class, Category: s.Category, Role: s.Role}
		}
		delete(computed, k)
		if c.Amount != s.Amount || c.Hours != s.Hours || c.Entries != s.Entries {
			r.Summaries = append(r.Summaries, SummaryMismatch{Stored: s, Computed: *c})
		}
	}
	for _, c := range computed {
		r.Summaries = append(r.Summaries, SummaryMismatch{Stored: Summary{PersonID: c.PersonID, CreditYear: c.CreditYear, Class: c.Class, Category: c.Category, Role: c.Role}, Computed: *c})
	}
	sort.Slice(r.Summaries, func(i, j int) bool {
		a, b := r.Summaries[i].Stored, r.Summaries[j].Stored
		if a.PersonID != b.PersonID {
			return a.PersonID < b.PersonID
		}
		return a.CreditYear < b.CreditYear
	})
	return rows.Err()
}
