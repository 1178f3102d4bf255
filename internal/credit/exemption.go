package credit

import (
	"context"
	"fmt"
	"strings"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// ExemptionKinds are the grounds an office may approve.
var ExemptionKinds = []string{"maternity_leave", "sick_leave", "study_abroad", "other"}

// Exemption waives (Reduction 100) or reduces by a percentage one person's
// requirements for one credit year.
type Exemption struct {
	ID         int64  `json:"id"`
	PersonID   int64  `json:"person_id"`
	CreditYear int    `json:"credit_year"`
	Kind       string `json:"kind"`
	Reduction  int    `json:"reduction"` // percent
	Evidence   string `json:"evidence"`
	ApprovedBy string `json:"approved_by"`
}

// ExemptionInput is what the office records.
type ExemptionInput struct {
	CreditYear int    `json:"credit_year"`
	Kind       string `json:"kind"`
	Reduction  int    `json:"reduction"`
	Evidence   string `json:"evidence"`
}

// Exempt records an approved exemption for personID. One year has at most
// one exemption in force: a new one replaces (revokes) the old.
func Exempt(ctx context.Context, tx *store.Tx, actor audit.Actor, personID int64, in ExemptionInput) (Exemption, error) {
	var es validate.Errors
	if in.CreditYear < 1990 || in.CreditYear > 2200 {
		es.Add("credit_year", "error.out_of_range", 1990, 2200)
	}
	es.OneOf("kind", in.Kind, ExemptionKinds)
	if in.Reduction < 1 || in.Reduction > 100 {
		es.Add("reduction", "error.out_of_range", 1, 100)
	}
	es.Required("evidence", in.Evidence)
	es.MaxLen("evidence", in.Evidence, 2000)
	if len(es) > 0 {
		return Exemption{}, es
	}
	p, err := person.Get(ctx, tx, personID)
	if err != nil {
		return Exemption{}, err
	}
	now := store.Now()
	if _, err := tx.Exec(ctx, "UPDATE credit_exemptions SET revoked_at = ? WHERE person_id = ? AND credit_year = ? AND revoked_at IS NULL",
		now, personID, in.CreditYear); err != nil {
		return Exemption{}, fmt.Errorf("credit: exemption: %w", err)
	}
	e := Exemption{PersonID: personID, CreditYear: in.CreditYear, Kind: in.Kind, Reduction: in.Reduction,
		Evidence: strings.TrimSpace(in.Evidence), ApprovedBy: actor.Label}
	err = tx.QueryRow(ctx, `INSERT INTO credit_exemptions (person_id, credit_year, kind, reduction, evidence, approved_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, e.PersonID, e.CreditYear, e.Kind, e.Reduction, e.Evidence, e.ApprovedBy, now).Scan(&e.ID)
	if err != nil {
		return Exemption{}, fmt.Errorf("credit: exemption: %w", err)
	}
	return e, audit.Record(ctx, tx, actor, audit.Change{Action: "exempt", Entity: "person", EntityID: personID, InstitutionID: p.InstitutionID, After: e})
}

// exemptions returns the exemptions in force for year, by person (all
// people when personID is 0).
func exemptions(ctx context.Context, q store.Querier, personID int64, year int) (map[int64]Exemption, error) {
	query := `SELECT id, person_id, credit_year, kind, reduction, evidence, approved_by FROM credit_exemptions
		WHERE credit_year = ? AND revoked_at IS NULL`
	args := []any{year}
	if personID != 0 {
		query += " AND person_id = ?"
		args = append(args, personID)
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("credit: exemptions: %w", err)
	}
	defer rows.Close()
	out := map[int64]Exemption{}
	for rows.Next() {
		var e Exemption
		if err := rows.Scan(&e.ID, &e.PersonID, &e.CreditYear, &e.Kind, &e.Reduction, &e.Evidence, &e.ApprovedBy); err != nil {
			return nil, fmt.Errorf("credit: exemptions: %w", err)
		}
		out[e.PersonID] = e
	}
	return out, rows.Err()
}
