package selfreport

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/rules"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Review is the office's decision. Amount (hundredths) is what to approve:
// 0 approves the amount claimed; a different amount needs a reason, as
// does a rejection.
type Review struct {
	Amount int64
	Reason string
}

const maxReason = 1000

// Approve accepts a submitted report and posts its one ledger entry in the
// same transaction. Approvals of one person's reports take turns (the
// person's row is locked first), so concurrent approvals keep the chain
// whole; a report approved, rejected or withdrawn meanwhile gives
// ErrConflict and posts nothing.
func Approve(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, rv Review) (Report, ledger.Entry, error) {
	before, err := lockForReview(ctx, tx, id)
	if err != nil {
		return Report{}, ledger.Entry{}, err
	}
	reason := strings.TrimSpace(rv.Reason)
	amount := rv.Amount
	if amount == 0 {
		amount = before.Claimed
	}
	var es validate.Errors
	switch {
	case amount < 0:
		es.Add("amount", "selfreport.amount_positive")
	case amount > before.Cap:
		es.Add("amount", "selfreport.above_cap", rules.Hundredths(before.Cap))
	}
	if amount != before.Claimed && reason == "" {
		es.Add("reason", "selfreport.adjust_reason_required")
	}
	checkReason(&es, reason)
	if len(es) > 0 {
		return Report{}, ledger.Entry{}, es
	}
	// A second post for the same report would count it twice; the status
	// check above already refuses, this guards data written by other paths.
	if net, err := ledger.NetOf(ctx, tx, before.SourceRef()); err != nil {
		return Report{}, ledger.Entry{}, err
	} else if len(net) > 0 {
		for _, n := range net {
			if n.Amount != 0 || n.Hours != 0 {
				return Report{}, ledger.Entry{}, ErrConflict
			}
		}
	}
	e, err := ledger.Post(ctx, tx, actor, ledger.Posting{PersonID: before.PersonID, CreditYear: before.CreditYear, Class: before.Class,
		Category: before.LedgerCategory, Amount: amount, Hours: before.Hours, Source: "self_report", SourceRef: before.SourceRef(),
		Evidence: evidence(before, amount, reason)})
	if err != nil {
		return Report{}, ledger.Entry{}, err
	}
	now := store.Now()
	_, err = tx.Exec(ctx, `UPDATE self_reports SET status = ?, approved_amount = ?, review_reason = ?, reviewed_by = ?, reviewed_at = ?,
		ledger_entry_id = ? WHERE id = ?`, Approved, amount, reason, recorder(actor), now, e.ID, id)
	if err != nil {
		return Report{}, ledger.Entry{}, fmt.Errorf("selfreport %d: approve: %w", id, err)
	}
	after := before
	after.Status, after.ApprovedAmount, after.ReviewReason, after.ReviewedBy, after.ReviewedAt, after.LedgerEntryID = Approved, amount, reason, recorder(actor), &now, e.ID
	err = audit.Record(ctx, tx, actor, audit.Change{Action: "approve", Entity: "self_report", EntityID: id, InstitutionID: before.InstitutionID, Before: before, After: after})
	return after, e, err
}

// evidence is the ledger entry's evidence: what was claimed, how it was
// computed, the files behind it (by SHA-256, so the entry names exactly
// the bytes reviewed) and any adjustment.
func evidence(r Report, amount int64, reason string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "self-report %d (%s %d): %s; %s", r.ID, r.Category, r.CreditYear, r.Title, r.Computation)
	if amount != r.Claimed {
		fmt.Fprintf(&b, "; claimed %s, approved %s: %s", rules.Hundredths(r.Claimed), rules.Hundredths(amount), reason)
	}
	for _, d := range r.Documents {
		fmt.Fprintf(&b, "; document %d sha256:%s", d.ID, d.SHA256[:16])
	}
	s := b.String()
	if utf8.RuneCountInString(s) > 1900 {
		s = string([]rune(s)[:1900]) + "…"
	}
	return s
}

// Reject refuses a submitted report with a reason; nothing reaches the ledger.
func Reject(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, reason string) (Report, error) {
	before, err := lockForReview(ctx, tx, id)
	if err != nil {
		return Report{}, err
	}
	reason = strings.TrimSpace(reason)
	var es validate.Errors
	es.Required("reason", reason)
	checkReason(&es, reason)
	if len(es) > 0 {
		return Report{}, es
	}
	now := store.Now()
	_, err = tx.Exec(ctx, "UPDATE self_reports SET status = ?, review_reason = ?, reviewed_by = ?, reviewed_at = ? WHERE id = ?",
		Rejected, reason, recorder(actor), now, id)
	if err != nil {
		return Report{}, fmt.Errorf("selfreport %d: reject: %w", id, err)
	}
	after := before
	after.Status, after.ReviewReason, after.ReviewedBy, after.ReviewedAt = Rejected, reason, recorder(actor), &now
	err = audit.Record(ctx, tx, actor, audit.Change{Action: "reject", Entity: "self_report", EntityID: id, InstitutionID: before.InstitutionID, Before: before, After: after})
	return after, err
}

func checkReason(es *validate.Errors, reason string) {
	if !utf8.ValidString(reason) {
		es.Add("reason", "selfreport.invalid_text")
	} else if utf8.RuneCountInString(reason) > maxReason {
		es.Add("reason", "error.too_long", maxReason)
	}
}

// lockForReview locks the report's person (so one person's approvals take
// turns on the ledger chain) and then the report, and returns it if it is
// still waiting for review.
func lockForReview(ctx context.Context, tx *store.Tx, id int64) (Report, error) {
	var personID int64
	if err := tx.QueryRow(ctx, "SELECT person_id FROM self_reports WHERE id = ?", id).Scan(&personID); err != nil {
		if isNoRows(err) {
			return Report{}, ErrNotFound
		}
		return Report{}, fmt.Errorf("selfreport %d: %w", id, err)
	}
	if err := tx.QueryRow(ctx, "SELECT id FROM people WHERE id = ?"+store.LockRow(tx, true), personID).Scan(&personID); err != nil {
		return Report{}, fmt.Errorf("selfreport %d: lock person %d: %w", id, personID, err)
	}
	r, err := get(ctx, tx, id, true)
	if err != nil {
		return Report{}, err
	}
	if r.Status != Submitted {
		return Report{}, ErrConflict
	}
	return r, nil
}
