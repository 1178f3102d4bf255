package selfreport

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/meded/meded/internal/document"
	"github.com/meded/meded/internal/store"
)

const columns = `r.id, r.person_id, COALESCE(NULLIF(p.name_zh, ''), p.name_en), p.institution_id, r.category, r.credit_year, r.title,
	r.details, r.profile_id, r.class, r.ledger_category, r.claimed_amount, r.hours, r.suggested_amount, r.cap_amount,
	r.computation, r.status, r.approved_amount, r.review_reason, r.reviewed_by, r.reviewed_at, r.ledger_entry_id,
	r.submitted_by, r.submitted_at, r.withdrawn_at`

const from = " FROM self_reports r JOIN people p ON p.id = r.person_id"

func scan(s store.Scanner) (Report, error) {
	var r Report
	var details string
	var approved, entry sql.NullInt64
	var reviewedAt, withdrawnAt sql.NullTime
	err := s.Scan(&r.ID, &r.PersonID, &r.PersonName, &r.InstitutionID, &r.Category, &r.CreditYear, &r.Title, &details,
		&r.ProfileID, &r.Class, &r.LedgerCategory, &r.Claimed, &r.Hours, &r.Suggested, &r.Cap, &r.Computation, &r.Status,
		&approved, &r.ReviewReason, &r.ReviewedBy, &reviewedAt, &entry, &r.SubmittedBy, &r.SubmittedAt, &withdrawnAt)
	if err != nil {
		return r, err
	}
	r.ApprovedAmount, r.LedgerEntryID = approved.Int64, entry.Int64
	r.SubmittedAt = r.SubmittedAt.UTC()
	if reviewedAt.Valid {
		t := reviewedAt.Time.UTC()
		r.ReviewedAt = &t
	}
	if withdrawnAt.Valid {
		t := withdrawnAt.Time.UTC()
		r.WithdrawnAt = &t
	}
	if err := json.Unmarshal([]byte(details), &r.Details); err != nil {
		return r, fmt.Errorf("details: %w", err)
	}
	return r, nil
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

func get(ctx context.Context, q store.Querier, id int64, lock bool) (Report, error) {
	r, err := scan(q.QueryRow(ctx, "SELECT "+columns+from+" WHERE r.id = ?"+lockOf(q, lock), id))
	if isNoRows(err) {
		return Report{}, ErrNotFound
	}
	if err != nil {
		return Report{}, fmt.Errorf("selfreport %d: %w", id, err)
	}
	if r.Documents, err = document.Linked(ctx, q, "self_report_documents", "self_report_id", id); err != nil {
		return Report{}, err
	}
	return r, nil
}

// lockOf locks only the report row: PostgreSQL refuses FOR UPDATE on the
// nullable side of a join, and the person is locked separately.
func lockOf(q store.Querier, lock bool) string {
	if c := store.LockRow(q, lock); c != "" {
		return " FOR UPDATE OF r"
	}
	return ""
}

// Get returns one report with its documents (without their content).
func Get(ctx context.Context, q store.Querier, id int64) (Report, error) {
	return get(ctx, q, id, false)
}

// Filter selects reports for a list. InstitutionIDs nil means every
// institution; an empty, non-nil slice means none.
type Filter struct {
	PersonID       int64
	InstitutionIDs []int64
	Status         string
	Category       string
	Year           int
	Limit, Offset  int
}

// List returns the reports f selects, newest first, and how many there are.
func List(ctx context.Context, q store.Querier, f Filter) ([]Report, int, error) {
	if f.InstitutionIDs != nil && len(f.InstitutionIDs) == 0 {
		return []Report{}, 0, nil
	}
	var where []string
	var args []any
	if f.PersonID != 0 {
		where, args = append(where, "r.person_id = ?"), append(args, f.PersonID)
	}
	if f.InstitutionIDs != nil {
		where = append(where, "p.institution_id IN ("+store.Marks(len(f.InstitutionIDs))+")")
		args = append(args, store.Args(f.InstitutionIDs)...)
	}
	if f.Status != "" {
		where, args = append(where, "r.status = ?"), append(args, f.Status)
	}
	if f.Category != "" {
		where, args = append(where, "r.category = ?"), append(args, f.Category)
	}
	if f.Year != 0 {
		where, args = append(where, "r.credit_year = ?"), append(args, f.Year)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := q.QueryRow(ctx, "SELECT COUNT(*)"+from+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("selfreport: count: %w", err)
	}
	page, pargs := store.PageClause(f.Limit, f.Offset)
	out, err := store.QueryAll(ctx, q, scan, "SELECT "+columns+from+cond+" ORDER BY r.submitted_at DESC, r.id DESC"+page, append(args, pargs...)...)
	if err != nil {
		return nil, 0, fmt.Errorf("selfreport: list: %w", err)
	}
	if out == nil {
		out = []Report{}
	}
	return out, total, nil
}

// DocumentOf returns a report's evidence file with its content, only if it
// belongs to that report.
func DocumentOf(ctx context.Context, q store.Querier, reportID, documentID int64) (document.Document, error) {
	var n int
	err := q.QueryRow(ctx, "SELECT COUNT(*) FROM self_report_documents WHERE self_report_id = ? AND document_id = ?", reportID, documentID).Scan(&n)
	if err != nil {
		return document.Document{}, fmt.Errorf("selfreport %d: document %d: %w", reportID, documentID, err)
	}
	if n == 0 {
		return document.Document{}, document.ErrNotFound
	}
	return document.Get(ctx, q, documentID)
}
