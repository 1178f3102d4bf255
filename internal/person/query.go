package person

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/meded/meded/internal/namekey"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

const columns = `id, name_zh, name_en, gender, title, category, institution_id, department_id,
	staff_number, phone, email, national_id, merged_into, created_at, updated_at`

// Get returns one person.
func Get(ctx context.Context, q store.Querier, id int64) (Person, error) {
	p, err := get(ctx, q, id, false)
	if err != nil {
		return Person{}, fmt.Errorf("person %d: load: %w", id, err)
	}
	return p, nil
}

// get loads a person, locking the row on PostgreSQL when forUpdate is set
// so that a concurrent update cannot slip between the read and the write.
// GetForUpdate returns one person and, on PostgreSQL, locks the row until
// tx ends, for changes that must see it unchanged (a merge).
func GetForUpdate(ctx context.Context, tx *store.Tx, id int64) (Person, error) {
	return get(ctx, tx, id, true)
}

func get(ctx context.Context, q store.Querier, id int64, forUpdate bool) (Person, error) {
	query := `SELECT ` + columns + ` FROM people WHERE id = ?`
	query += store.LockRow(q, forUpdate)
	p, err := scan(q.QueryRow(ctx, query, id))
	if isNoRows(err) {
		return Person{}, ErrNotFound
	}
	return p, err
}

func scan(s store.Scanner) (Person, error) {
	var p Person
	var department, mergedInto sql.NullInt64
	var staff, phone, email, nationalID sql.NullString
	err := s.Scan(&p.ID, &p.NameZH, &p.NameEN, &p.Gender, &p.Title, &p.Category, &p.InstitutionID, &department,
		&staff, &phone, &email, &nationalID, &mergedInto, &p.CreatedAt, &p.UpdatedAt)
	p.DepartmentID, p.MergedInto = department.Int64, mergedInto.Int64
	p.StaffNumber, p.Phone, p.Email, p.NationalID = staff.String, phone.String, email.String, nationalID.String
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, err
}

func query(ctx context.Context, q store.Querier, sql string, args ...any) ([]Person, error) {
	return store.QueryAll(ctx, q, scan, sql, args...)
}

// ListFilter narrows and orders List. Zero fields do not filter.
type ListFilter struct {
	Query string // matched against names (and their pinyin), staff number, phone and email
	// InstitutionIDs limits the list to people of these institutions (a
	// user's scope): nil means all, an empty non-nil slice none.
	InstitutionIDs []int64
	// DepartmentIDs, when non-nil, further limits the list to these
	// departments (a department reviewer's scope); empty non-nil means none.
	DepartmentIDs []int64
	InstitutionID int64
	DepartmentID  int64
	Category      string
	Title         string
	// Sort is "name" (the default), "-name", "staff_number", "created" or "-created".
	Sort string
	// Limit caps the page (0 or less: no cap); Offset skips rows before it.
	Limit, Offset int
}

// SortChoices are the accepted values of ListFilter.Sort.
var SortChoices = []string{"name", "-name", "staff_number", "created", "-created"}

func sortOrder(sort string, d store.Dialect) (string, bool) {
	switch sort {
	case "", "name":
		return "sort_key, id", true
	case "-name":
		return "sort_key DESC, id DESC", true
	case "staff_number":
		// Byte order on both dialects (PostgreSQL would otherwise use the
		// database's collation), and people without a number last on both.
		collate := ""
		if d == store.Postgres {
			collate = ` COLLATE "C"`
		}
		return "CASE WHEN staff_number IS NULL THEN 1 ELSE 0 END, staff_number" + collate + ", sort_key, id", true
	case "created":
		return "created_at, id", true
	case "-created":
		return "created_at DESC, id DESC", true
	}
	return "", false
}

// List returns one page of people and how many match in all. An unknown
// Sort is refused with a field error on "sort".
func List(ctx context.Context, q store.Querier, f ListFilter) ([]Person, int, error) {
	order, ok := sortOrder(f.Sort, q.Dialect())
	if !ok {
		return nil, 0, validate.Field("sort", "error.invalid_choice", strings.Join(SortChoices, ", "))
	}
	// A merged record is an alias of the one kept: it is listed no more.
	where := []string{"merged_into IS NULL"}
	var args []any
	add := func(cond string, vs ...any) { where = append(where, cond); args = append(args, vs...) }
	if strings.TrimSpace(f.Query) != "" {
		add(`search_text LIKE ? ESCAPE '\'`, namekey.LikePattern(f.Query))
	}
	if f.InstitutionIDs != nil {
		if len(f.InstitutionIDs) == 0 {
			return nil, 0, nil
		}
		add("institution_id IN ("+store.Marks(len(f.InstitutionIDs))+")", store.Args(f.InstitutionIDs)...)
	}
	if f.DepartmentIDs != nil {
		if len(f.DepartmentIDs) == 0 {
			return nil, 0, nil
		}
		add("department_id IN ("+store.Marks(len(f.DepartmentIDs))+")", store.Args(f.DepartmentIDs)...)
	}
	if f.InstitutionID != 0 {
		add("institution_id = ?", f.InstitutionID)
	}
	if f.DepartmentID != 0 {
		add("department_id = ?", f.DepartmentID)
	}
	if f.Category != "" {
		add("category = ?", f.Category)
	}
	if f.Title != "" {
		add("title = ?", f.Title)
	}
	cond := " WHERE " + strings.Join(where, " AND ")
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM people`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("person: count: %w", err)
	}
	page, pageArgs := store.PageClause(f.Limit, f.Offset)
	list, err := query(ctx, q, `SELECT `+columns+` FROM people`+cond+` ORDER BY `+order+page, append(args, pageArgs...)...)
	if err != nil {
		return nil, 0, fmt.Errorf("person: list: %w", err)
	}
	return list, total, nil
}

// TimeZone returns the time zone of the person's institution, in which
// their pages show times.
func TimeZone(ctx context.Context, q store.Querier, personID int64) (string, error) {
	var zone string
	err := q.QueryRow(ctx, `SELECT i.time_zone FROM people p JOIN institutions i ON i.id = p.institution_id WHERE p.id = ?`, personID).Scan(&zone)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("person %d: time zone: %w", personID, err)
	}
	return zone, nil
}
