package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/meded/meded/internal/store"
)

const entryColumns = `id, person_id, seq, credit_year, class, category, amount, hours, source, source_ref, role,
	evidence, reverses, recorded_by, recorded_at, prev_hash, hash`

type scanner interface{ Scan(...any) error }

func scanEntry(s scanner) (Entry, error) {
	var e Entry
	var reverses sql.NullInt64
	err := s.Scan(&e.ID, &e.PersonID, &e.Seq, &e.CreditYear, &e.Class, &e.Category, &e.Amount, &e.Hours, &e.Source,
		&e.SourceRef, &e.Role, &e.Evidence, &reverses, &e.RecordedBy, &e.RecordedAt, &e.PrevHash, &e.Hash)
	e.Reverses = reverses.Int64
	e.RecordedAt = e.RecordedAt.UTC()
	return e, err
}

// Get returns one entry.
func Get(ctx context.Context, q store.Querier, id int64) (Entry, error) {
	e, err := scanEntry(q.QueryRow(ctx, "SELECT "+entryColumns+" FROM ledger_entries WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, ErrNotFound
	}
	if err != nil {
		return Entry{}, fmt.Errorf("ledger: entry %d: %w", id, err)
	}
	return e, nil
}

// Entries returns a person's credit file in the order it was recorded: their
// chain and the chains of records merged into them, optionally only the
// credit years from..to (0 for no bound).
func Entries(ctx context.Context, q store.Querier, personID int64, from, to int) ([]Entry, error) {
	query := "SELECT " + entryColumns + " FROM ledger_entries WHERE " + chainsOf
	args := []any{personID, personID}
	if from != 0 {
		query += " AND credit_year >= ?"
		args = append(args, from)
	}
	if to != 0 {
		query += " AND credit_year <= ?"
		args = append(args, to)
	}
	rows, err := q.Query(ctx, query+" ORDER BY recorded_at, id", args...)
	if err != nil {
		return nil, fmt.Errorf("ledger: entries of person %d: %w", personID, err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("ledger: entries of person %d: %w", personID, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Summary is a person's total for one year, class, category and role.
type Summary struct {
	PersonID   int64  `json:"person_id"`
	CreditYear int    `json:"credit_year"`
	Class      string `json:"class"`
	Category   string `json:"category"`
	Role       string `json:"role"`
	Amount     int64  `json:"amount"`
	Hours      int64  `json:"hours"`
	Entries    int64  `json:"entries"`
}

// Summaries returns a person's stored totals for the years from..to, with
// those of records merged into them added in.
func Summaries(ctx context.Context, q store.Querier, personID int64, from, to int) ([]Summary, error) {
	rows, err := q.Query(ctx, `SELECT CAST(? AS BIGINT), credit_year, class, category, role, SUM(amount), SUM(hours), SUM(entries) FROM ledger_summaries
		WHERE `+chainsOf+` AND credit_year >= ? AND credit_year <= ?
		GROUP BY credit_year, class, category, role ORDER BY credit_year, class, category, role`, personID, personID, personID, from, to)
	if err != nil {
		return nil, fmt.Errorf("ledger: summaries of person %d: %w", personID, err)
	}
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		var s Summary
		if err := rows.Scan(&s.PersonID, &s.CreditYear, &s.Class, &s.Category, &s.Role, &s.Amount, &s.Hours, &s.Entries); err != nil {
			return nil, fmt.Errorf("ledger: summaries of person %d: %w", personID, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SummariesOfInstitutions returns the stored totals of every person of the
// given institutions (optionally only some departments) for the years
// from..to, in one query, for dashboards over many people. Totals of a
// merged record count for the person it was merged into.
func SummariesOfInstitutions(ctx context.Context, q store.Querier, institutionIDs, departmentIDs []int64, from, to int) ([]Summary, error) {
	if len(institutionIDs) == 0 {
		return nil, nil
	}
	query := `SELECT p.id, s.credit_year, s.class, s.category, s.role, s.amount, s.hours, s.entries
		FROM ledger_summaries s JOIN people a ON a.id = s.person_id JOIN people p ON p.id = COALESCE(a.merged_into, a.id)
		WHERE p.merged_into IS NULL AND s.credit_year >= ? AND s.credit_year <= ? AND p.institution_id IN (` + store.Marks(len(institutionIDs)) + `)`
	args := []any{from, to}
	for _, id := range institutionIDs {
		args = append(args, id)
	}
	if departmentIDs != nil {
		if len(departmentIDs) == 0 {
			return nil, nil
		}
		query += ` AND p.department_id IN (` + store.Marks(len(departmentIDs)) + `)`
		for _, id := range departmentIDs {
			args = append(args, id)
		}
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("ledger: summaries of institutions: %w", err)
	}
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		var s Summary
		if err := rows.Scan(&s.PersonID, &s.CreditYear, &s.Class, &s.Category, &s.Role, &s.Amount, &s.Hours, &s.Entries); err != nil {
			return nil, fmt.Errorf("ledger: summaries of institutions: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Net is what the ledger holds for one source, person, role, class and
// category, after every correction.
type Net struct {
	PersonID int64
	Role     string
	Class    string
	Category string
	Amount   int64
	Hours    int64
}

// NetOf sums the entries that came from sourceRef (and their corrections),
// per person: a merged record's entries count for the person it was merged
// into.
func NetOf(ctx context.Context, q store.Querier, sourceRef string) ([]Net, error) {
	rows, err := q.Query(ctx, `SELECT COALESCE(p.merged_into, p.id), e.role, e.class, e.category, SUM(e.amount), SUM(e.hours)
		FROM ledger_entries e JOIN people p ON p.id = e.person_id
		WHERE e.source_ref = ? GROUP BY COALESCE(p.merged_into, p.id), e.role, e.class, e.category`, sourceRef)
	if err != nil {
		return nil, fmt.Errorf("ledger: net of %s: %w", sourceRef, err)
	}
	defer rows.Close()
	var out []Net
	for rows.Next() {
		var n Net
		if err := rows.Scan(&n.PersonID, &n.Role, &n.Class, &n.Category, &n.Amount, &n.Hours); err != nil {
			return nil, fmt.Errorf("ledger: net of %s: %w", sourceRef, err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
