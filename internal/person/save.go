package person

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/namekey"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Create adds a person.
func Create(ctx context.Context, tx *store.Tx, actor audit.Actor, in Input) (Person, error) {
	in.normalize()
	es, err := in.check(ctx, tx, 0)
	if err != nil {
		return Person{}, fmt.Errorf("person: create: %w", err)
	}
	if len(es) > 0 {
		return Person{}, es
	}
	now := store.Now()
	p := apply(Person{CreatedAt: now, UpdatedAt: now}, in)
	err = tx.QueryRow(ctx, `INSERT INTO people
		(name_zh, name_en, sort_key, search_text, gender, title, category, institution_id, department_id,
		 staff_number, phone, email, national_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		p.NameZH, p.NameEN, sortKey(p), searchText(p), p.Gender, p.Title, p.Category, p.InstitutionID,
		nullInt(p.DepartmentID), nullString(p.StaffNumber), nullString(p.Phone), nullString(p.Email),
		nullString(p.NationalID), p.CreatedAt, p.UpdatedAt,
	).Scan(&p.ID)
	if err != nil {
		return Person{}, writeError(err, "person: create")
	}
	err = audit.Record(ctx, tx, actor, audit.Change{
		Action: "create", Entity: "person", EntityID: p.ID, InstitutionID: p.InstitutionID, After: p,
	})
	return p, err
}

// Update changes a person.
func Update(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, in Input) (Person, error) {
	in.normalize()
	before, err := get(ctx, tx, id, true)
	if err != nil {
		return Person{}, fmt.Errorf("person %d: update: %w", id, err)
	}
	if before.MergedInto != 0 {
		// An alias keeps the data it had when merged, for the record.
		return Person{}, validate.Field("id", "error.merge_already", before.MergedInto)
	}
	es, err := in.check(ctx, tx, id)
	if err != nil {
		return Person{}, fmt.Errorf("person %d: update: %w", id, err)
	}
	if len(es) > 0 {
		return Person{}, es
	}
	after := apply(before, in)
	if after == before {
		return before, nil // nothing to write or to audit
	}
	after.UpdatedAt = store.Now()
	_, err = tx.Exec(ctx, `UPDATE people SET name_zh = ?, name_en = ?, sort_key = ?, search_text = ?,
		gender = ?, title = ?, category = ?, institution_id = ?, department_id = ?,
		staff_number = ?, phone = ?, email = ?, national_id = ?, updated_at = ? WHERE id = ?`,
		after.NameZH, after.NameEN, sortKey(after), searchText(after), after.Gender, after.Title, after.Category,
		after.InstitutionID, nullInt(after.DepartmentID), nullString(after.StaffNumber), nullString(after.Phone),
		nullString(after.Email), nullString(after.NationalID), after.UpdatedAt, id)
	if err != nil {
		return Person{}, writeError(err, fmt.Sprintf("person %d: update", id))
	}
	err = audit.Record(ctx, tx, actor, audit.Change{
		Action: "update", Entity: "person", EntityID: id, InstitutionID: after.InstitutionID, Before: before, After: after,
	})
	return after, err
}

// writeError turns the unique violation of a staff number taken by a
// concurrent transaction after check ran into the same field error check
// gives; the transaction is then spent and the caller rolls it back.
func writeError(err error, doing string) error {
	if store.IsUniqueViolation(err) {
		return validate.Field("staff_number", "error.duplicate")
	}
	return fmt.Errorf("%s: %w", doing, err)
}

func apply(p Person, in Input) Person {
	p.NameZH, p.NameEN = in.NameZH, in.NameEN
	p.Gender, p.Title, p.Category = in.Gender, in.Title, in.Category
	p.InstitutionID, p.DepartmentID = in.InstitutionID, in.DepartmentID
	p.StaffNumber, p.Phone, p.Email, p.NationalID = in.StaffNumber, in.Phone, in.Email, in.NationalID
	return p
}

func sortKey(p Person) string { return namekey.SortPerson(p.NameZH, p.NameEN) }

func searchText(p Person) string {
	return namekey.SearchPerson(p.NameZH, p.NameEN, p.StaffNumber, p.Phone, p.Email)
}

// nullInt stores 0 as NULL, as nullable foreign keys must be.
func nullInt(n int64) sql.NullInt64 { return sql.NullInt64{Int64: n, Valid: n != 0} }

// nullString stores "" as NULL, so that many people without a staff number
// do not collide on the unique (institution_id, staff_number).
func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
