package audit

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/meded/meded/internal/store"
)

// Filter narrows the log. Zero fields do not filter. InstitutionIDs, when
// non-nil, limits the entries to those institutions (a scoped office or
// auditor); an empty non-nil slice shows nothing.
type Filter struct {
	Entity         string
	EntityID       int64
	AccountID      int64
	Action         string
	From, To       time.Time
	InstitutionIDs []int64
	Limit, Offset  int
}

// List returns entries newest first and the number of entries matching f.
func List(ctx context.Context, q store.Querier, f Filter) ([]Entry, int, error) {
	var where []string
	var args []any
	add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
	if f.Entity != "" {
		add("entity = ?", f.Entity)
	}
	if f.EntityID != 0 {
		add("entity_id = ?", f.EntityID)
	}
	if f.AccountID != 0 {
		add("account_id = ?", f.AccountID)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if !f.From.IsZero() {
		add("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		add("at < ?", f.To.UTC())
	}
	if f.InstitutionIDs != nil {
		if len(f.InstitutionIDs) == 0 {
			return nil, 0, nil
		}
		marks := store.Marks(len(f.InstitutionIDs))
		where = append(where, "institution_id IN ("+marks+")")
		for _, id := range f.InstitutionIDs {
			args = append(args, id)
		}
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log"+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("audit: count: %w", err)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := q.Query(ctx, `SELECT id, at, account_id, actor, ip, action, entity, entity_id, institution_id, before_json, after_json
		FROM audit_log`+cond+` ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`, append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("audit: list: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var account, entityID, inst sql.NullInt64
		if err := rows.Scan(&e.ID, &e.At, &account, &e.Actor, &e.IP, &e.Action, &e.Entity, &entityID, &inst, &e.Before, &e.After); err != nil {
			return nil, 0, fmt.Errorf("audit: scan: %w", err)
		}
		e.AccountID, e.EntityID, e.InstitutionID = account.Int64, entityID.Int64, inst.Int64
		out = append(out, e)
	}
	return out, total, rows.Err()
}
