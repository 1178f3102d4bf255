package store

import (
	"context"
	"math"
	"strings"
)

// Marks returns n placeholders for an IN list: "?,?,?".
func Marks(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// Args turns a slice of values into query arguments.
func Args[T any](vs []T) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

// PageClause returns LIMIT and OFFSET for a page (limit ≤ 0: no cap).
// SQLite accepts OFFSET only after a LIMIT, so an uncapped page with an
// offset gets the largest one.
func PageClause(limit, offset int) (string, []any) {
	offset = max(offset, 0)
	switch {
	case limit > 0:
		return " LIMIT ? OFFSET ?", []any{limit, offset}
	case offset > 0:
		return " LIMIT ? OFFSET ?", []any{int64(math.MaxInt64), offset}
	}
	return "", nil
}

// LockRow returns the clause that locks the rows a SELECT reads until the
// transaction ends, when lock is set: FOR UPDATE on PostgreSQL. SQLite has
// one writer at a time, so its transactions need none.
func LockRow(q Querier, lock bool) string {
	if lock && q.Dialect() == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// Scanner reads one row: *sql.Row and *sql.Rows both are.
type Scanner interface{ Scan(dest ...any) error }

// QueryAll runs a query and reads every row with scan.
func QueryAll[T any](ctx context.Context, q Querier, scan func(Scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
