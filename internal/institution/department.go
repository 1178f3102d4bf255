package institution

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/namekey"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Department is a department (科室) of an institution.
type Department struct {
	ID            int64     `json:"id"`
	InstitutionID int64     `json:"institution_id"`
	NameZH        string    `json:"name_zh"`
	NameEN        string    `json:"name_en"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Name returns the name to show in lang, as Institution.Name does.
func (d Department) Name(lang string) string { return pickName(lang, d.NameZH, d.NameEN) }

// DepartmentInput is what a form or API call sets on a department.
type DepartmentInput struct {
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
}

// CreateDepartment adds a department to an institution. It returns
// ErrNotFound when the institution does not exist.
func CreateDepartment(ctx context.Context, tx *store.Tx, actor audit.Actor, institutionID int64, in DepartmentInput) (Department, error) {
	in.NameZH, in.NameEN = strings.TrimSpace(in.NameZH), strings.TrimSpace(in.NameEN)
	if err := checkDepartment(ctx, tx, institutionID, 0, in); err != nil {
		return Department{}, err
	}
	now := store.Now()
	d := Department{InstitutionID: institutionID, NameZH: in.NameZH, NameEN: in.NameEN, CreatedAt: now, UpdatedAt: now}
	err := tx.QueryRow(ctx, `INSERT INTO departments (institution_id, name_zh, name_en, sort_key, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		d.InstitutionID, d.NameZH, d.NameEN, namekey.Sort(d.NameZH, d.NameEN), d.CreatedAt, d.UpdatedAt).Scan(&d.ID)
	if err != nil {
		return Department{}, fmt.Errorf("institution %d: create department: %w", institutionID, err)
	}
	err = audit.Record(ctx, tx, actor, audit.Change{
		Action: "create", Entity: "department", EntityID: d.ID, InstitutionID: institutionID, After: d,
	})
	return d, err
}

// UpdateDepartment renames a department.
func UpdateDepartment(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, in DepartmentInput) (Department, error) {
	in.NameZH, in.NameEN = strings.TrimSpace(in.NameZH), strings.TrimSpace(in.NameEN)
	before, err := GetDepartment(ctx, tx, id)
	if err != nil {
		return Department{}, fmt.Errorf("department %d: update: %w", id, err)
	}
	if err := checkDepartment(ctx, tx, before.InstitutionID, id, in); err != nil {
		return Department{}, err
	}
	after := before
	after.NameZH, after.NameEN = in.NameZH, in.NameEN
	if after == before {
		return before, nil
	}
	after.UpdatedAt = store.Now()
	_, err = tx.Exec(ctx, `UPDATE departments SET name_zh = ?, name_en = ?, sort_key = ?, updated_at = ? WHERE id = ?`,
		after.NameZH, after.NameEN, namekey.Sort(after.NameZH, after.NameEN), after.UpdatedAt, id)
	if err != nil {
		return Department{}, fmt.Errorf("department %d: update: %w", id, err)
	}
	err = audit.Record(ctx, tx, actor, audit.Change{
		Action: "update", Entity: "department", EntityID: id, InstitutionID: after.InstitutionID, Before: before, After: after,
	})
	return after, err
}

// checkDepartment validates in for a department of institutionID (id 0 for
// a new one). The schema has no unique index on department names, so the
// institution's row is locked on PostgreSQL while its names are compared:
// two offices adding the same department at once cannot both succeed.
func checkDepartment(ctx context.Context, tx *store.Tx, institutionID, id int64, in DepartmentInput) error {
	if _, err := get(ctx, tx, institutionID, true); err != nil {
		return fmt.Errorf("institution %d: department: %w", institutionID, err)
	}
	var es validate.Errors
	checkNames(&es, in.NameZH, in.NameEN)
	if len(es) > 0 {
		return es
	}
	existing, err := Departments(ctx, tx, institutionID)
	if err != nil {
		return err
	}
	for _, d := range existing {
		if d.ID == id {
			continue
		}
		if in.NameZH != "" && d.NameZH == in.NameZH && !es.Has("name_zh") {
			es.Add("name_zh", "error.duplicate")
		}
		// English names differ only in case as often as not ("ICU", "Icu").
		if in.NameEN != "" && strings.EqualFold(d.NameEN, in.NameEN) && !es.Has("name_en") {
			es.Add("name_en", "error.duplicate")
		}
	}
	return es.Err()
}

const departmentColumns = `id, institution_id, name_zh, name_en, created_at, updated_at`

// GetDepartment returns one department.
func GetDepartment(ctx context.Context, q store.Querier, id int64) (Department, error) {
	d, err := scanDepartment(q.QueryRow(ctx, `SELECT `+departmentColumns+` FROM departments WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Department{}, fmt.Errorf("department %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Department{}, fmt.Errorf("department %d: load: %w", id, err)
	}
	return d, nil
}

// Departments returns the departments of an institution, by name.
func Departments(ctx context.Context, q store.Querier, institutionID int64) ([]Department, error) {
	rows, err := q.Query(ctx, `SELECT `+departmentColumns+` FROM departments WHERE institution_id = ? ORDER BY sort_key, id`, institutionID)
	if err != nil {
		return nil, fmt.Errorf("institution %d: departments: %w", institutionID, err)
	}
	defer rows.Close()
	var out []Department
	for rows.Next() {
		d, err := scanDepartment(rows)
		if err != nil {
			return nil, fmt.Errorf("institution %d: departments: %w", institutionID, err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("institution %d: departments: %w", institutionID, err)
	}
	return out, nil
}

func scanDepartment(s store.Scanner) (Department, error) {
	var d Department
	err := s.Scan(&d.ID, &d.InstitutionID, &d.NameZH, &d.NameEN, &d.CreatedAt, &d.UpdatedAt)
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	return d, err
}
