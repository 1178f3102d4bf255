package institution

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/meded/meded/internal/geo"
	"github.com/meded/meded/internal/namekey"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

const columns = `id, kind, name_zh, name_en, parent_id, country, region, city, founded, time_zone, grade, provincial_level, created_at, updated_at`

// Get returns one institution.
func Get(ctx context.Context, q store.Querier, id int64) (Institution, error) {
	i, err := get(ctx, q, id, false)
	if err != nil {
		return Institution{}, fmt.Errorf("institution %d: load: %w", id, err)
	}
	return i, nil
}

// get loads an institution, locking its row on PostgreSQL when forUpdate is
// set so a concurrent update cannot slip between the read and the write.
func get(ctx context.Context, q store.Querier, id int64, forUpdate bool) (Institution, error) {
	query := `SELECT ` + columns + ` FROM institutions WHERE id = ?`
	query += store.LockRow(q, forUpdate)
	i, err := scan(q.QueryRow(ctx, query, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Institution{}, ErrNotFound
	}
	return i, err
}

func scan(s store.Scanner) (Institution, error) {
	var i Institution
	var parent, founded sql.NullInt64
	err := s.Scan(&i.ID, &i.Kind, &i.NameZH, &i.NameEN, &parent, &i.Country, &i.Region, &i.City,
		&founded, &i.TimeZone, &i.Grade, &i.ProvincialLevel, &i.CreatedAt, &i.UpdatedAt)
	i.ParentID, i.Founded = parent.Int64, int(founded.Int64)
	i.CreatedAt, i.UpdatedAt = i.CreatedAt.UTC(), i.UpdatedAt.UTC()
	return i, err
}

// ListFilter narrows and orders List. Zero fields do not filter.
type ListFilter struct {
	Query     string // matched against names (and their pinyin), city and region
	Kind      string
	Country   string
	Continent geo.Continent
	ParentID  int64 // direct children of this institution
	// IDs limits the list to these institutions (a user's scope): nil means
	// all, an empty non-nil slice none.
	IDs []int64
	// Sort is "name" (the default), "-name", "created", "-created" or "country".
	Sort string
	// Limit caps the page (0 or less: no cap); Offset skips rows before it.
	Limit, Offset int
}

var sortOrders = map[string]string{
	"":         "sort_key, id",
	"name":     "sort_key, id",
	"-name":    "sort_key DESC, id DESC",
	"created":  "created_at, id",
	"-created": "created_at DESC, id DESC",
	"country":  "country, sort_key, id",
}

// SortChoices are the accepted values of ListFilter.Sort.
var SortChoices = []string{"name", "-name", "created", "-created", "country"}

// List returns one page of institutions and how many match in all. An
// unknown Sort is refused with a field error on "sort".
func List(ctx context.Context, q store.Querier, f ListFilter) ([]Institution, int, error) {
	order, ok := sortOrders[f.Sort]
	if !ok {
		return nil, 0, validate.Field("sort", "error.invalid_choice", strings.Join(SortChoices, ", "))
	}
	var where []string
	var args []any
	add := func(cond string, vs ...any) { where = append(where, cond); args = append(args, vs...) }
	if strings.TrimSpace(f.Query) != "" {
		add(`search_text LIKE ? ESCAPE '\'`, namekey.LikePattern(f.Query))
	}
	if f.Kind != "" {
		add("kind = ?", f.Kind)
	}
	if f.Country != "" {
		add("country = ?", strings.ToUpper(strings.TrimSpace(f.Country)))
	}
	if f.Continent != "" {
		codes := geo.CodesOn(f.Continent)
		if len(codes) == 0 {
			return nil, 0, nil
		}
		add("country IN ("+store.Marks(len(codes))+")", store.Args(codes)...)
	}
	if f.ParentID != 0 {
		add("parent_id = ?", f.ParentID)
	}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return nil, 0, nil
		}
		add("id IN ("+store.Marks(len(f.IDs))+")", store.Args(f.IDs)...)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM institutions`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("institution: count: %w", err)
	}
	page, pageArgs := store.PageClause(f.Limit, f.Offset)
	list, err := query(ctx, q, `SELECT `+columns+` FROM institutions`+cond+` ORDER BY `+order+page, append(args, pageArgs...)...)
	if err != nil {
		return nil, 0, fmt.Errorf("institution: list: %w", err)
	}
	return list, total, nil
}

func query(ctx context.Context, q store.Querier, sql string, args ...any) ([]Institution, error) {
	return store.QueryAll(ctx, q, scan, sql, args...)
}
