// Package merge folds a duplicate person record into the one kept. History
// cannot move in the credit ledger, so the duplicate stays as an alias: its
// chain is closed with a "merged into" entry and read together with the
// kept record's chain; its enrolments, attendance and other working records
// move to the kept record, once per activity or session.
package merge

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// ErrNotFound: the record to merge does not exist.
var ErrNotFound = person.ErrNotFound

// Result says what a merge did, for the audit log and the page that asked.
type Result struct {
	From     int64            `json:"from"`
	Into     int64            `json:"into"`
	Moved    map[string]int64 `json:"moved"`      // rows re-pointed, by table
	Dropped  map[string]int64 `json:"duplicates"` // the duplicate's rows where the kept record had its own
	Offsets  int              `json:"ledger_offsets"`
	Closing  int64            `json:"closing_entry"`
	Disabled int64            `json:"disabled_account,omitempty"` // the duplicate's login, when both had one
}

// reference is a column that names a person. key lists the columns that,
// with it, must be unique: where the kept record already has a row with the
// same key, the duplicate's row is dropped, so two records that attended
// one session count once.
type reference struct {
	table, column string
	key           []string
	// children are deleted with a dropped row: "table.column" naming its id.
	children []string
	// single: a person has at most one row; the kept record's wins.
	single bool
}

var references = []reference{
	{table: "enrolments", column: "person_id", key: []string{"activity_id"}},
	{table: "attendance", column: "person_id", key: []string{"session_id"}},
	{table: "assessments", column: "person_id", key: []string{"activity_id"}},
	{table: "evaluation_responses", column: "person_id", key: []string{"activity_id"}, children: []string{"evaluation_answers.response_id"}},
	{table: "cme_notices", column: "person_id"},
	{table: "activities", column: "director_id"},
	{table: "placements", column: "person_id"},
	{table: "placements", column: "supervisor_id"},
	{table: "agreement_contacts", column: "person_id"},
	{table: "agreement_meeting_attendees", column: "person_id", key: []string{"meeting_id"}},
	{table: "credit_exemptions", column: "person_id"},
	{table: "person_rule_cycles", column: "person_id"},
	{table: "self_reports", column: "person_id"},
	{table: "conferences", column: "leader_id"},
	{table: "conference_contributions", column: "person_id"},
	{table: "contribution_coauthors", column: "person_id"},
	{table: "checkin_code_attempts", column: "person_id"},
	{table: "further_study_applications", column: "person_id"},
	{table: "further_study_applications", column: "supervisor_id"},
	{table: "series_excuses", column: "person_id", key: []string{"session_id"}},
	{table: "calendar_tokens", column: "person_id", single: true},
}

// People merges person from into person into, with a reason for the record.
func People(ctx context.Context, tx *store.Tx, actor audit.Actor, from, into int64, reason string) (Result, error) {
	reason = strings.TrimSpace(reason)
	var es validate.Errors
	es.Required("reason", reason)
	es.MaxLen("reason", reason, 500)
	if into <= 0 {
		es.Add("into", "error.required")
	} else if into == from {
		es.Add("into", "error.merge_self")
	}
	if len(es) > 0 {
		return Result{}, es
	}
	dup, kept, err := lockBoth(ctx, tx, from, into)
	if err != nil {
		return Result{}, err
	}
	if dup.MergedInto != 0 {
		return Result{}, validate.Field("into", "error.merge_already", dup.MergedInto)
	}
	if kept.MergedInto != 0 {
		return Result{}, validate.Field("into", "error.merge_into_alias", kept.MergedInto)
	}
	res := Result{From: from, Into: into, Moved: map[string]int64{}, Dropped: map[string]int64{}}
	for _, ref := range references {
		if err := repoint(ctx, tx, ref, from, into, &res); err != nil {
			return Result{}, err
		}
	}
	if err := moveLectures(ctx, tx, from, into, &res); err != nil {
		return Result{}, err
	}
	if res.Disabled, err = moveAccount(ctx, tx, actor, from, into, &res); err != nil {
		return Result{}, err
	}
	now := store.Now()
	entries, err := ledger.CloseMerged(ctx, tx, actor, from, into, now.Year(), reason)
	if err != nil {
		return Result{}, err
	}
	res.Offsets, res.Closing = len(entries)-1, entries[len(entries)-1].ID
	// Records merged into the duplicate before now lead to the kept one.
	if _, err := tx.Exec(ctx, `UPDATE people SET merged_into = ? WHERE merged_into = ?`, into, from); err != nil {
		return Result{}, fmt.Errorf("merge: re-point aliases of person %d: %w", from, err)
	}
	if err := ledger.ClosedInto(ctx, tx, from, into); err != nil {
		return Result{}, err
	}
	if _, err := tx.Exec(ctx, `UPDATE people SET merged_into = ?, merged_at = ?, updated_at = ? WHERE id = ?`, into, now, now, from); err != nil {
		return Result{}, fmt.Errorf("merge: mark person %d: %w", from, err)
	}
	err = audit.Record(ctx, tx, actor, audit.Change{Action: "merge", Entity: "person", EntityID: from,
		InstitutionID: dup.InstitutionID, Before: dup, After: struct {
			Result
			Reason string `json:"reason"`
		}{res, reason}})
	return res, err
}

// lockBoth reads both records for update, in id order so two merges of the
// same pair cannot deadlock.
func lockBoth(ctx context.Context, tx *store.Tx, from, into int64) (dup, kept person.Person, err error) {
	first, second := from, into
	if second < first {
		first, second = second, first
	}
	for _, id := range []int64{first, second} {
		p, err := person.GetForUpdate(ctx, tx, id)
		switch {
		case errors.Is(err, person.ErrNotFound) && id == into:
			return dup, kept, validate.Field("into", "error.no_such_record")
		case err != nil:
			return dup, kept, err
		}
		if id == from {
			dup = p
		} else {
			kept = p
		}
	}
	return dup, kept, nil
}

func repoint(ctx context.Context, tx *store.Tx, ref reference, from, into int64, res *Result) error {
	name := ref.table + "." + ref.column
	if ref.single {
		r, err := tx.Exec(ctx, fmt.Sprintf(`DELETE FROM %s WHERE %s = ? AND EXISTS (SELECT 1 FROM %s k WHERE k.%s = ?)`,
			ref.table, ref.column, ref.table, ref.column), from, into)
		if err != nil {
			return fmt.Errorf("merge: %s: %w", name, err)
		}
		if n, _ := r.RowsAffected(); n > 0 {
			res.Dropped[name] = n
		}
	}
	if len(ref.key) > 0 {
		same := make([]string, len(ref.key))
		for i, k := range ref.key {
			same[i] = fmt.Sprintf("k.%s = %s.%s", k, ref.table, k)
		}
		dupCond := fmt.Sprintf(`%s = ? AND EXISTS (SELECT 1 FROM %s k WHERE k.%s = ? AND %s)`,
			ref.column, ref.table, ref.column, strings.Join(same, " AND "))
		for _, child := range ref.children {
			table, column, _ := strings.Cut(child, ".")
			if _, err := tx.Exec(ctx, fmt.Sprintf(`DELETE FROM %s WHERE %s IN (SELECT id FROM %s WHERE %s)`, table, column, ref.table, dupCond), from, into); err != nil {
				return fmt.Errorf("merge: %s: %w", child, err)
			}
		}
		r, err := tx.Exec(ctx, `DELETE FROM `+ref.table+` WHERE `+dupCond, from, into)
		if err != nil {
			return fmt.Errorf("merge: %s: %w", name, err)
		}
		if n, _ := r.RowsAffected(); n > 0 {
			res.Dropped[name] = n
		}
	}
	r, err := tx.Exec(ctx, fmt.Sprintf(`UPDATE %s SET %s = ? WHERE %s = ?`, ref.table, ref.column, ref.column), into, from)
	if err != nil {
		return fmt.Errorf("merge: %s: %w", name, err)
	}
	if n, _ := r.RowsAffected(); n > 0 {
		res.Moved[name] = n
	}
	return nil
}

// moveLectures re-points the sessions the duplicate taught and its
// declarations; a lecturer is keyed "person:ID", so the key moves too.
func moveLectures(ctx context.Context, tx *store.Tx, from, into int64, res *Result) error {
	oldKey, newKey := fmt.Sprintf("person:%d", from), fmt.Sprintf("person:%d", into)
	r, err := tx.Exec(ctx, `DELETE FROM cme_session_lecturers WHERE lecturer_key = ?
		AND session_id IN (SELECT session_id FROM cme_session_lecturers WHERE lecturer_key = ?)`, oldKey, newKey)
	if err != nil {
		return fmt.Errorf("merge: lecturers: %w", err)
	}
	if n, _ := r.RowsAffected(); n > 0 {
		res.Dropped["cme_session_lecturers.person_id"] = n
	}
	for _, table := range []string{"cme_session_lecturers", "cme_declarations"} {
		r, err := tx.Exec(ctx, `UPDATE `+table+` SET person_id = ?, lecturer_key = ? WHERE lecturer_key = ?`, into, newKey, oldKey)
		if err != nil {
			return fmt.Errorf("merge: %s: %w", table, err)
		}
		if n, _ := r.RowsAffected(); n > 0 {
			res.Moved[table+".person_id"] = n
		}
	}
	return nil
}

// moveAccount gives the kept record the duplicate's login when it has
// none; when both have one, the duplicate's is disabled, since one person
// signs in once.
func moveAccount(ctx context.Context, tx *store.Tx, actor audit.Actor, from, into int64, res *Result) (int64, error) {
	dupAccount, err := account.ByPerson(ctx, tx, from)
	if errors.Is(err, account.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	_, err = account.ByPerson(ctx, tx, into)
	switch {
	case errors.Is(err, account.ErrNotFound):
		if _, err := tx.Exec(ctx, `UPDATE accounts SET person_id = ? WHERE id = ?`, into, dupAccount.ID); err != nil {
			return 0, fmt.Errorf("merge: account %d: %w", dupAccount.ID, err)
		}
		res.Moved["accounts.person_id"] = 1
		return 0, nil
	case err != nil:
		return 0, err
	}
	if dupAccount.Disabled {
		return 0, nil
	}
	return dupAccount.ID, account.SetDisabled(ctx, tx, actor, dupAccount.ID, true)
}
