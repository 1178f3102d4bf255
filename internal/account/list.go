package account

import (
	"context"
	"fmt"
	"strings"

	"github.com/meded/meded/internal/store"
)

// ListFilter narrows List. Zero fields do not filter.
type ListFilter struct {
	// Query matches part of a username, email, phone, display name, or the
	// person's name or staff number, ignoring case.
	Query string
	Role  Role
	// InstitutionIDs, when non-nil, keeps the accounts whose person belongs
	// to one of these institutions or that hold a grant scoped to one; an
	// empty non-nil slice keeps nothing.
	InstitutionIDs []int64
	Limit, Offset  int
}

const (
	defaultListLimit = 50
	maxListLimit     = 500
)

// List returns one page of accounts with their grants, ordered by the
// person's sort key then display name, and the number of accounts matching f.
func List(ctx context.Context, q store.Querier, f ListFilter) ([]Account, int, error) {
	var where []string
	var args []any
	if s := strings.ToLower(strings.TrimSpace(f.Query)); s != "" {
		like := "%" + escapeLike(s) + "%"
		var ors []string
		for _, col := range []string{"a.username", "a.email", "a.phone", "a.display_name", "p.search_text", "p.name_zh", "p.name_en", "p.staff_number"} {
			ors = append(ors, "LOWER("+col+") LIKE ? ESCAPE '!'")
			args = append(args, like)
		}
		where = append(where, "("+strings.Join(ors, " OR ")+")")
	}
	if f.Role != "" {
		where = append(where, "EXISTS (SELECT 1 FROM account_roles r WHERE r.account_id = a.id AND r.role = ?)")
		args = append(args, f.Role)
	}
	if f.InstitutionIDs != nil {
		if len(f.InstitutionIDs) == 0 {
			return []Account{}, 0, nil
		}
		in := store.Marks(len(f.InstitutionIDs))
		where = append(where, "(p.institution_id IN ("+in+") OR EXISTS (SELECT 1 FROM account_roles r WHERE r.account_id = a.id AND r.institution_id IN ("+in+")))")
		args = append(args, store.Args(f.InstitutionIDs)...)
		args = append(args, store.Args(f.InstitutionIDs)...)
	}
	from := " FROM accounts a LEFT JOIN people p ON p.id = a.person_id"
	if len(where) > 0 {
		from += " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := q.QueryRow(ctx, "SELECT COUNT(*)"+from, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("account: count: %w", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultListLimit
	}
	limit = min(limit, maxListLimit)
	rows, err := q.Query(ctx, "SELECT "+accountColumns+from+
		" ORDER BY CASE WHEN p.sort_key IS NULL THEN 1 ELSE 0 END, p.sort_key, a.display_name, a.id LIMIT ? OFFSET ?",
		append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("account: list: %w", err)
	}
	defer rows.Close()
	out := []Account{}
	var ids []int64
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("account: scan: %w", err)
		}
		out = append(out, a)
		ids = append(ids, a.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("account: list: %w", err)
	}
	rows.Close()
	grants, err := loadGrants(ctx, q, ids...)
	if err != nil {
		return nil, 0, err
	}
	for i := range out {
		out[i].Grants = grants[out[i].ID]
		if out[i].Grants == nil {
			out[i].Grants = []Grant{}
		}
	}
	return out, total, nil
}

// escapeLike escapes LIKE wildcards with '!', the ESCAPE character List uses.
func escapeLike(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}
