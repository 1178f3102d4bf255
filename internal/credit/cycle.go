package credit

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/rules"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Cycle puts a person under a rule set besides their institution's, for a
// range of years (UntilYear 0: open-ended).
type Cycle struct {
	ID        int64  `json:"id"`
	PersonID  int64  `json:"person_id"`
	ProfileID string `json:"profile_id"`
	FromYear  int    `json:"from_year"`
	UntilYear int    `json:"until_year,omitempty"`
	Reason    string `json:"reason"`
}

// CycleInput is what the office records.
type CycleInput struct {
	ProfileID string `json:"profile_id"`
	FromYear  int    `json:"from_year"`
	UntilYear int    `json:"until_year"`
	Reason    string `json:"reason"`
}

// AddCycle puts personID under another rule set as well.
func AddCycle(ctx context.Context, tx *store.Tx, actor audit.Actor, personID int64, in CycleInput) (Cycle, error) {
	var es validate.Errors
	if _, err := rules.Load(ctx, tx, strings.TrimSpace(in.ProfileID)); err != nil {
		es.Add("profile_id", "error.no_such_record")
	}
	if in.FromYear < 1990 || in.FromYear > 2200 {
		es.Add("from_year", "error.out_of_range", 1990, 2200)
	}
	if in.UntilYear != 0 && in.UntilYear < in.FromYear {
		es.Add("until_year", "error.out_of_range", in.FromYear, 2200)
	}
	es.Required("reason", in.Reason)
	if len(es) > 0 {
		return Cycle{}, es
	}
	p, err := person.Get(ctx, tx, personID)
	if err != nil {
		return Cycle{}, err
	}
	c := Cycle{PersonID: personID, ProfileID: strings.TrimSpace(in.ProfileID), FromYear: in.FromYear, UntilYear: in.UntilYear, Reason: strings.TrimSpace(in.Reason)}
	var until any
	if c.UntilYear != 0 {
		until = c.UntilYear
	}
	err = tx.QueryRow(ctx, `INSERT INTO person_rule_cycles (person_id, profile_id, from_year, until_year, reason, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, c.PersonID, c.ProfileID, c.FromYear, until, c.Reason, store.Now(), actor.Label).Scan(&c.ID)
	if err != nil {
		return Cycle{}, fmt.Errorf("credit: add cycle: %w", err)
	}
	return c, audit.Record(ctx, tx, actor, audit.Change{Action: "add_cycle", Entity: "person", EntityID: personID, InstitutionID: p.InstitutionID, After: c})
}

// cyclesIn returns personID's extra cycles that cover year.
func cyclesIn(ctx context.Context, q store.Querier, personID int64, year int) ([]Cycle, error) {
	rows, err := q.Query(ctx, `SELECT id, person_id, profile_id, from_year, until_year, reason FROM person_rule_cycles
		WHERE person_id = ? AND from_year <= ? AND (until_year IS NULL OR until_year >= ?) ORDER BY id`, personID, year, year)
	if err != nil {
		return nil, fmt.Errorf("credit: cycles of person %d: %w", personID, err)
	}
	defer rows.Close()
	var out []Cycle
	for rows.Next() {
		var c Cycle
		var until sql.NullInt64
		if err := rows.Scan(&c.ID, &c.PersonID, &c.ProfileID, &c.FromYear, &until, &c.Reason); err != nil {
			return nil, fmt.Errorf("credit: cycles of person %d: %w", personID, err)
		}
		c.UntilYear = int(until.Int64)
		out = append(out, c)
	}
	return out, rows.Err()
}
