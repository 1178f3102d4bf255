package institution

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/namekey"
	"github.com/meded/meded/internal/store"
)

// Create adds an institution.
func Create(ctx context.Context, tx *store.Tx, actor audit.Actor, in Input) (Institution, error) {
	in.normalize()
	es, err := in.check(ctx, tx, 0)
	if err != nil {
		return Institution{}, fmt.Errorf("institution: create: %w", err)
	}
	if len(es) > 0 {
		return Institution{}, es
	}
	now := store.Now()
	inst := apply(Institution{CreatedAt: now, UpdatedAt: now}, in)
	err = tx.QueryRow(ctx, `INSERT INTO institutions
		(kind, name_zh, name_en, sort_key, search_text, parent_id, country, region, city, founded, time_zone, grade, provincial_level, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		inst.Kind, inst.NameZH, inst.NameEN, sortKey(inst), searchText(inst), nullInt(inst.ParentID),
		inst.Country, inst.Region, inst.City, nullInt(int64(inst.Founded)), inst.TimeZone, inst.Grade, inst.ProvincialLevel, inst.CreatedAt, inst.UpdatedAt,
	).Scan(&inst.ID)
	if err != nil {
		return Institution{}, fmt.Errorf("institution: create: %w", err)
	}
	err = audit.Record(ctx, tx, actor, audit.Change{
		Action: "create", Entity: "institution", EntityID: inst.ID, InstitutionID: inst.ID, After: inst,
	})
	return inst, err
}

// Update changes an institution. It refuses a parent that is the
// institution itself or one of its descendants.
func Update(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, in Input) (Institution, error) {
	in.normalize()
	before, err := get(ctx, tx, id, true)
	if err != nil {
		return Institution{}, fmt.Errorf("institution %d: update: %w", id, err)
	}
	if in.ParentID != before.ParentID {
		if err := lockTree(ctx, tx); err != nil {
			return Institution{}, err
		}
	}
	es, err := in.check(ctx, tx, id)
	if err != nil {
		return Institution{}, fmt.Errorf("institution %d: update: %w", id, err)
	}
	if len(es) > 0 {
		return Institution{}, es
	}
	after := apply(before, in)
	if after == before {
		return before, nil // nothing to write or to audit
	}
	after.UpdatedAt = store.Now()
	_, err = tx.Exec(ctx, `UPDATE institutions SET kind = ?, name_zh = ?, name_en = ?, sort_key = ?, search_text = ?,
		parent_id = ?, country = ?, region = ?, city = ?, founded = ?, time_zone = ?, grade = ?, provincial_level = ?, updated_at = ? WHERE id = ?`,
		after.Kind, after.NameZH, after.NameEN, sortKey(after), searchText(after), nullInt(after.ParentID),
		after.Country, after.Region, after.City, nullInt(int64(after.Founded)), after.TimeZone, after.Grade, after.ProvincialLevel, after.UpdatedAt, id)
	if err != nil {
		return Institution{}, fmt.Errorf("institution %d: update: %w", id, err)
	}
	err = audit.Record(ctx, tx, actor, audit.Change{
		Action: "update", Entity: "institution", EntityID: id, InstitutionID: id, Before: before, After: after,
	})
	return after, err
}

func apply(i Institution, in Input) Institution {
	i.Kind, i.NameZH, i.NameEN, i.ParentID = in.Kind, in.NameZH, in.NameEN, in.ParentID
	i.Country, i.Region, i.City = in.Country, in.Region, in.City
	i.Founded, i.TimeZone = in.Founded, in.TimeZone
	i.Grade, i.ProvincialLevel = in.Grade, in.ProvincialLevel
	return i
}

func sortKey(i Institution) string { return namekey.Sort(i.NameZH, i.NameEN) }

// searchText lets an institution be found by its names and by its place.
func searchText(i Institution) string { return namekey.Search(i.NameZH, i.NameEN, i.City, i.Region) }

// nullInt stores 0 as NULL: nullable foreign keys and optional numbers.
func nullInt(n int64) sql.NullInt64 { return sql.NullInt64{Int64: n, Valid: n != 0} }
