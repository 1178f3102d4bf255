package agreement

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/meded/meded/internal/namekey"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

const columns = `a.id, a.kind, a.name_zh, a.name_en, a.scope, a.level, a.disciplines, a.signed_on, a.start_on, a.end_on,
	a.status, a.renews_id, a.notes, a.created_at, a.updated_at,
	(SELECT MIN(n.id) FROM agreements n WHERE n.renews_id = a.id)`

// Get returns one agreement with its parties, terms, capacities and contacts.
func Get(ctx context.Context, q store.Querier, id int64) (Agreement, error) {
	a, err := get(ctx, q, id, false)
	if err != nil {
		return Agreement{}, fmt.Errorf("agreement %d: load: %w", id, err)
	}
	return a, nil
}

func get(ctx context.Context, q store.Querier, id int64, forUpdate bool) (Agreement, error) {
	query := `SELECT ` + columns + ` FROM agreements a WHERE a.id = ?`
	if forUpdate && q.Dialect() == store.Postgres {
		query += ` FOR UPDATE OF a`
	}
	a, err := scan(q.QueryRow(ctx, query, id))
	if isNoRows(err) {
		return Agreement{}, ErrNotFound
	}
	if err != nil {
		return Agreement{}, err
	}
	list := []Agreement{a}
	if err := loadChildren(ctx, q, list); err != nil {
		return Agreement{}, err
	}
	return list[0], nil
}

type scanner interface{ Scan(dest ...any) error }

func scan(s scanner) (Agreement, error) {
	var a Agreement
	var disciplines string
	var renews, renewedBy sql.NullInt64
	err := s.Scan(&a.ID, &a.Kind, &a.NameZH, &a.NameEN, &a.Scope, &a.Level, &disciplines, &a.SignedOn, &a.StartOn, &a.EndOn,
		&a.Status, &renews, &a.Notes, &a.CreatedAt, &a.UpdatedAt, &renewedBy)
	a.Disciplines = []string{}
	if disciplines != "" {
		a.Disciplines = strings.Split(disciplines, "\n")
	}
	a.RenewsID, a.RenewedByID = renews.Int64, renewedBy.Int64
	a.SignedOn, a.StartOn, a.EndOn = dateOnly(a.SignedOn), dateOnly(a.StartOn), dateOnly(a.EndOn)
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	a.Parties, a.Terms, a.Capacities, a.Contacts = []Party{}, []Term{}, []Capacity{}, []Contact{}
	return a, err
}

// dateOnly keeps the date of a value some drivers hand back with a time.
func dateOnly(s string) string {
	if len(s) > len(DateLayout) {
		return s[:len(DateLayout)]
	}
	return s
}

// loadChildren fills the parties, terms, capacities and contacts of list.
func loadChildren(ctx context.Context, q store.Querier, list []Agreement) error {
	if len(list) == 0 {
		return nil
	}
	index := map[int64]int{}
	ids := make([]any, len(list))
	for i, a := range list {
		index[a.ID] = i
		ids[i] = a.ID
	}
	in := store.Marks(len(ids))
	rows, err := q.Query(ctx, `SELECT p.agreement_id, i.id, i.name_zh, i.name_en, i.country FROM agreement_parties p
		JOIN institutions i ON i.id = p.institution_id WHERE p.agreement_id IN (`+in+`) ORDER BY p.agreement_id, p.position`, ids...)
	if err != nil {
		return fmt.Errorf("agreement parties: %w", err)
	}
	err = each(rows, func(rows *sql.Rows) error {
		var id int64
		var p Party
		if err := rows.Scan(&id, &p.InstitutionID, &p.NameZH, &p.NameEN, &p.Country); err != nil {
			return err
		}
		list[index[id]].Parties = append(list[index[id]].Parties, p)
		return nil
	})
	if err != nil {
		return fmt.Errorf("agreement parties: %w", err)
	}
	rows, err = q.Query(ctx, `SELECT agreement_id, kind, text FROM agreement_terms WHERE agreement_id IN (`+in+`)
		ORDER BY agreement_id, position`, ids...)
	if err != nil {
		return fmt.Errorf("agreement terms: %w", err)
	}
	err = each(rows, func(rows *sql.Rows) error {
		var id int64
		var t Term
		if err := rows.Scan(&id, &t.Kind, &t.Text); err != nil {
			return err
		}
		list[index[id]].Terms = append(list[index[id]].Terms, t)
		return nil
	})
	if err != nil {
		return fmt.Errorf("agreement terms: %w", err)
	}
	rows, err = q.Query(ctx, `SELECT agreement_id, discipline, per_year FROM agreement_capacities WHERE agreement_id IN (`+in+`)
		ORDER BY agreement_id, discipline`, ids...)
	if err != nil {
		return fmt.Errorf("agreement capacities: %w", err)
	}
	err = each(rows, func(rows *sql.Rows) error {
		var id int64
		var c Capacity
		if err := rows.Scan(&id, &c.Discipline, &c.PerYear); err != nil {
			return err
		}
		list[index[id]].Capacities = append(list[index[id]].Capacities, c)
		return nil
	})
	if err != nil {
		return fmt.Errorf("agreement capacities: %w", err)
	}
	rows, err = q.Query(ctx, `SELECT agreement_id, institution_id, person_id, name, role, email, phone FROM agreement_contacts
		WHERE agreement_id IN (`+in+`) ORDER BY agreement_id, id`, ids...)
	if err != nil {
		return fmt.Errorf("agreement contacts: %w", err)
	}
	err = each(rows, func(rows *sql.Rows) error {
		var id int64
		var c Contact
		var person sql.NullInt64
		if err := rows.Scan(&id, &c.InstitutionID, &person, &c.Name, &c.Role, &c.Email, &c.Phone); err != nil {
			return err
		}
		c.PersonID = person.Int64
		list[index[id]].Contacts = append(list[index[id]].Contacts, c)
		return nil
	})
	if err != nil {
		return fmt.Errorf("agreement contacts: %w", err)
	}
	return nil
}

func each(rows *sql.Rows, fn func(*sql.Rows) error) error {
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ListFilter narrows List. Zero fields do not filter.
type ListFilter struct {
	Query string
	// InstitutionIDs limits the list to agreements with a party among these
	// institutions (a user's scope): nil means all, an empty non-nil slice none.
	InstitutionIDs []int64
	PartyID        int64 // agreements binding this institution
	Kind           string
	Status         string
	// Limit caps the page (0 or less: no cap); Offset skips rows before it.
	Limit, Offset int
}

// List returns one page of agreements, by name, and how many match in all.
func List(ctx context.Context, q store.Querier, f ListFilter) ([]Agreement, int, error) {
	var where []string
	var args []any
	if f.InstitutionIDs != nil {
		where = append(where, `EXISTS (SELECT 1 FROM agreement_parties s WHERE s.agreement_id = a.id AND s.institution_id IN (`+store.Marks(len(f.InstitutionIDs))+`))`)
		args = append(args, store.Args(f.InstitutionIDs)...)
	}
	if f.PartyID != 0 {
		where = append(where, `EXISTS (SELECT 1 FROM agreement_parties s WHERE s.agreement_id = a.id AND s.institution_id = ?)`)
		args = append(args, f.PartyID)
	}
	if f.Kind != "" {
		where = append(where, `a.kind = ?`)
		args = append(args, f.Kind)
	}
	if f.Status != "" {
		where = append(where, `a.status = ?`)
		args = append(args, f.Status)
	}
	if qs := strings.TrimSpace(f.Query); qs != "" {
		where = append(where, `(LOWER(a.name_zh) LIKE ? ESCAPE '\' OR LOWER(a.name_en) LIKE ? ESCAPE '\' OR EXISTS (
			SELECT 1 FROM agreement_parties s JOIN institutions i ON i.id = s.institution_id
			WHERE s.agreement_id = a.id AND i.search_text LIKE ? ESCAPE '\'))`)
		pat := namekey.LikePattern(qs)
		args = append(args, pat, pat, pat)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM agreements a`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("agreement: list: %w", err)
	}
	query := `SELECT ` + columns + ` FROM agreements a` + cond + ` ORDER BY a.sort_key, a.id`
	if f.Limit > 0 {
		query += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0))
	} else if f.Offset > 0 {
		query += fmt.Sprintf(" LIMIT -1 OFFSET %d", f.Offset)
		if q.Dialect() == store.Postgres {
			query = strings.Replace(query, "LIMIT -1", "LIMIT ALL", 1)
		}
	}
	list, err := queryList(ctx, q, query, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("agreement: list: %w", err)
	}
	return list, total, nil
}

func queryList(ctx context.Context, q store.Querier, query string, args ...any) ([]Agreement, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	list := []Agreement{}
	err = each(rows, func(rows *sql.Rows) error {
		a, err := scan(rows)
		list = append(list, a)
		return err
	})
	if err != nil {
		return nil, err
	}
	return list, loadChildren(ctx, q, list)
}

// Expiring returns the agreements in force (signed, active or expiring)
// whose end date falls within the next days days of now's date (today
// included), soonest first: what `meded report expiring` lists.
func Expiring(ctx context.Context, q store.Querier, now time.Time, days int) ([]Agreement, error) {
	return ExpiringIn(ctx, q, now, days, nil)
}

// ExpiringIn is Expiring limited to agreements with a party among
// institutionIDs (nil: all; empty: none), as ListFilter.InstitutionIDs.
func ExpiringIn(ctx context.Context, q store.Querier, now time.Time, days int, institutionIDs []int64) ([]Agreement, error) {
	if days < 0 {
		return nil, validate.Field("days", "error.out_of_range", 0, 3650)
	}
	from := now.Format(DateLayout)
	to := now.AddDate(0, 0, days).Format(DateLayout)
	query := `SELECT ` + columns + ` FROM agreements a WHERE a.status IN ('signed', 'active', 'expiring')
		AND a.end_on <> '' AND a.end_on >= ? AND a.end_on <= ?`
	args := []any{from, to}
	if institutionIDs != nil {
		query += ` AND EXISTS (SELECT 1 FROM agreement_parties s WHERE s.agreement_id = a.id AND s.institution_id IN (` + store.Marks(len(institutionIDs)) + `))`
		args = append(args, store.Args(institutionIDs)...)
	}
	list, err := queryList(ctx, q, query+` ORDER BY a.end_on, a.sort_key, a.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("agreement: expiring: %w", err)
	}
	return list, nil
}
