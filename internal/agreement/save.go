package agreement

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/namekey"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Create records an agreement with its parties, terms, capacities and contacts.
func Create(ctx context.Context, tx *store.Tx, actor audit.Actor, in Input) (Agreement, error) {
	return create(ctx, tx, actor, in, 0)
}

func create(ctx context.Context, tx *store.Tx, actor audit.Actor, in Input, renews int64) (Agreement, error) {
	in.normalize()
	es, err := in.check(ctx, tx)
	if err != nil {
		return Agreement{}, fmt.Errorf("agreement: create: %w", err)
	}
	if len(es) > 0 {
		return Agreement{}, es
	}
	now := store.Now()
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO agreements
		(kind, name_zh, name_en, sort_key, scope, level, disciplines, signed_on, start_on, end_on, status, renews_id, notes, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		in.Kind, in.NameZH, in.NameEN, namekey.Sort(in.NameZH, in.NameEN), in.Scope, in.Level, strings.Join(in.Disciplines, "\n"),
		in.SignedOn, in.StartOn, in.EndOn, in.Status, nullInt(renews), in.Notes, now, now).Scan(&id)
	if err != nil {
		return Agreement{}, fmt.Errorf("agreement: create: %w", err)
	}
	if err := writeChildren(ctx, tx, id, in); err != nil {
		return Agreement{}, fmt.Errorf("agreement %d: create: %w", id, err)
	}
	a, err := Get(ctx, tx, id)
	if err != nil {
		return Agreement{}, err
	}
	err = audit.Record(ctx, tx, actor, audit.Change{Action: "create", Entity: "agreement", EntityID: id,
		InstitutionID: a.Parties[0].InstitutionID, After: a})
	return a, err
}

// Update changes an agreement's details, parties, terms, capacities and
// contacts. Its status changes only through Transition and Renew.
func Update(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, in Input) (Agreement, error) {
	before, err := get(ctx, tx, id, true)
	if err != nil {
		return Agreement{}, fmt.Errorf("agreement %d: update: %w", id, err)
	}
	in.Status = before.Status
	in.normalize()
	if in.Status == "renewed" {
		in.Status = "expired" // only for check: a renewed agreement keeps its status
	}
	es, err := in.check(ctx, tx)
	if err != nil {
		return Agreement{}, fmt.Errorf("agreement %d: update: %w", id, err)
	}
	if len(es) > 0 {
		return Agreement{}, es
	}
	_, err = tx.Exec(ctx, `UPDATE agreements SET kind = ?, name_zh = ?, name_en = ?, sort_key = ?, scope = ?, level = ?,
		disciplines = ?, signed_on = ?, start_on = ?, end_on = ?, notes = ?, updated_at = ? WHERE id = ?`,
		in.Kind, in.NameZH, in.NameEN, namekey.Sort(in.NameZH, in.NameEN), in.Scope, in.Level, strings.Join(in.Disciplines, "\n"),
		in.SignedOn, in.StartOn, in.EndOn, in.Notes, store.Now(), id)
	if err != nil {
		return Agreement{}, fmt.Errorf("agreement %d: update: %w", id, err)
	}
	for _, table := range []string{"agreement_parties", "agreement_terms", "agreement_capacities", "agreement_contacts"} {
		if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE agreement_id = ?`, id); err != nil {
			return Agreement{}, fmt.Errorf("agreement %d: update: %w", id, err)
		}
	}
	if err := writeChildren(ctx, tx, id, in); err != nil {
		return Agreement{}, fmt.Errorf("agreement %d: update: %w", id, err)
	}
	after, err := Get(ctx, tx, id)
	if err != nil {
		return Agreement{}, err
	}
	err = audit.Record(ctx, tx, actor, audit.Change{Action: "update", Entity: "agreement", EntityID: id,
		InstitutionID: after.Parties[0].InstitutionID, Before: before, After: after})
	return after, err
}

func writeChildren(ctx context.Context, tx *store.Tx, id int64, in Input) error {
	for i, p := range in.PartyIDs {
		if _, err := tx.Exec(ctx, `INSERT INTO agreement_parties (agreement_id, institution_id, position) VALUES (?, ?, ?)`, id, p, i); err != nil {
			return err
		}
	}
	for i, t := range in.Terms {
		if _, err := tx.Exec(ctx, `INSERT INTO agreement_terms (agreement_id, kind, position, text) VALUES (?, ?, ?, ?)`, id, t.Kind, i, t.Text); err != nil {
			return err
		}
	}
	for _, c := range in.Capacities {
		if _, err := tx.Exec(ctx, `INSERT INTO agreement_capacities (agreement_id, discipline, per_year) VALUES (?, ?, ?)`, id, c.Discipline, c.PerYear); err != nil {
			return err
		}
	}
	for _, c := range in.Contacts {
		if _, err := tx.Exec(ctx, `INSERT INTO agreement_contacts (agreement_id, institution_id, person_id, name, role, email, phone)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, c.InstitutionID, nullInt(c.PersonID), c.Name, c.Role, c.Email, c.Phone); err != nil {
			return err
		}
	}
	return nil
}

// Transition moves an agreement to status to, refusing a move the status
// diagram does not allow with a field error on "status". Moving to signed
// records today as the signing date when none is set.
func Transition(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, to string) (Agreement, error) {
	before, err := get(ctx, tx, id, true)
	if err != nil {
		return Agreement{}, fmt.Errorf("agreement %d: transition: %w", id, err)
	}
	if to == "renewed" {
		return Agreement{}, validate.Field("status", "agreement.renew_instead")
	}
	if !slices.Contains(Statuses, to) {
		return Agreement{}, validate.Field("status", "error.invalid_choice", strings.Join(Statuses, ", "))
	}
	if !slices.Contains(transitions[before.Status], to) {
		return Agreement{}, validate.Field("status", "agreement.bad_transition", before.Status, to)
	}
	signedOn := before.SignedOn
	if to == "signed" && signedOn == "" {
		signedOn = store.Now().Format(DateLayout)
	}
	res, err := tx.Exec(ctx, `UPDATE agreements SET status = ?, signed_on = ?, updated_at = ? WHERE id = ? AND status = ?`,
		to, signedOn, store.Now(), id, before.Status)
	if err != nil {
		return Agreement{}, fmt.Errorf("agreement %d: transition: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return Agreement{}, ErrConflict
	}
	after := before
	after.Status, after.SignedOn = to, signedOn
	err = audit.Record(ctx, tx, actor, audit.Change{Action: "status", Entity: "agreement", EntityID: id,
		InstitutionID: before.Parties[0].InstitutionID,
		Before:        map[string]string{"status": before.Status}, After: map[string]string{"status": to}})
	return after, err
}

// RenewInput sets the period of a renewal; the rest is copied from the old agreement.
type RenewInput struct {
	SignedOn string `json:"signed_on"`
	StartOn  string `json:"start_on"`
	EndOn    string `json:"end_on"`
}

// Renew records a new agreement that continues agreement id with a new
// period, linked to it, and marks the old one renewed. The new agreement is
// signed when a signing date is given, negotiating otherwise.
func Renew(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, r RenewInput) (Agreement, error) {
	old, err := get(ctx, tx, id, true)
	if err != nil {
		return Agreement{}, fmt.Errorf("agreement %d: renew: %w", id, err)
	}
	if !CanRenew(old.Status) {
		return Agreement{}, validate.Field("status", "agreement.bad_transition", old.Status, "renewed")
	}
	var es validate.Errors
	r.StartOn = strings.TrimSpace(r.StartOn)
	if checkDate(&es, "start_on", r.StartOn, true) && r.StartOn <= old.StartOn {
		es.Add("start_on", "agreement.renewal_starts_early")
	}
	if len(es) > 0 {
		return Agreement{}, es
	}
	in := Input{Kind: old.Kind, NameZH: old.NameZH, NameEN: old.NameEN, Scope: old.Scope, Level: old.Level,
		Disciplines: old.Disciplines, SignedOn: r.SignedOn, StartOn: r.StartOn, EndOn: r.EndOn, Notes: old.Notes,
		PartyIDs: old.PartyIDs(), Terms: old.Terms, Capacities: old.Capacities, Contacts: old.Contacts, Status: "negotiating"}
	if strings.TrimSpace(r.SignedOn) != "" {
		in.Status = "signed"
	}
	res, err := tx.Exec(ctx, `UPDATE agreements SET status = 'renewed', updated_at = ? WHERE id = ? AND status = ?`, store.Now(), id, old.Status)
	if err != nil {
		return Agreement{}, fmt.Errorf("agreement %d: renew: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return Agreement{}, ErrConflict
	}
	next, err := create(ctx, tx, actor, in, id)
	if err != nil {
		return Agreement{}, err
	}
	err = audit.Record(ctx, tx, actor, audit.Change{Action: "renew", Entity: "agreement", EntityID: id,
		InstitutionID: old.Parties[0].InstitutionID,
		Before:        map[string]any{"status": old.Status}, After: map[string]any{"status": "renewed", "renewed_by_id": next.ID}})
	return next, err
}

// nullInt stores 0 as NULL, as nullable foreign keys must be.
func nullInt(n int64) sql.NullInt64 { return sql.NullInt64{Int64: n, Valid: n != 0} }

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
