package rules

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// DefaultProfile is the profile of institutions that never chose one.
const DefaultProfile = "cn-2006"

// Stored is a saved version of a profile.
type Stored struct {
	Profile   Profile `json:"profile"`
	CreatedBy string  `json:"created_by"`
}

// lookup finds a profile's newest saved document, or a shipped one.
func lookup(ctx context.Context, q store.Querier) func(id string) ([]byte, bool) {
	return func(id string) ([]byte, bool) {
		var body string
		err := q.QueryRow(ctx, "SELECT body FROM rule_profiles WHERE profile_id = ? ORDER BY version DESC LIMIT 1", id).Scan(&body)
		if err == nil {
			return []byte(body), true
		}
		return ShippedJSON(id)
	}
}

// Load returns the newest version of profile id: saved by an admin, else shipped.
func Load(ctx context.Context, q store.Querier, id string) (Profile, error) {
	return Resolve(id, lookup(ctx, q))
}

// LoadVersion returns one saved version, or the shipped profile for version
// 0 or a shipped version that was never edited.
func LoadVersion(ctx context.Context, q store.Querier, id string, version int) (Profile, error) {
	var body string
	err := q.QueryRow(ctx, "SELECT body FROM rule_profiles WHERE profile_id = ? AND version = ?", id, version).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		// Not saved here: the shipped document, if it is that version.
		shipped, ok := ShippedJSON(id)
		if !ok {
			return Profile{}, fmt.Errorf("rules: no profile %s version %d", id, version)
		}
		var v struct {
			Version int `json:"version"`
		}
		if json.Unmarshal(shipped, &v) != nil || v.Version != version {
			return Profile{}, fmt.Errorf("rules: no profile %s version %d", id, version)
		}
		body = string(shipped)
		err = nil
	}
	if err != nil {
		return Profile{}, fmt.Errorf("rules: load %s v%d: %w", id, version, err)
	}
	base := lookup(ctx, q)
	return Resolve(id, func(want string) ([]byte, bool) {
		if want == id {
			return []byte(body), true
		}
		return base(want)
	})
}

// Save stores doc (a profile's JSON) as a new version of its id after
// validating it, resolved against its base, with messages naming the field.
func Save(ctx context.Context, tx *store.Tx, actor audit.Actor, doc []byte) (Profile, error) {
	var head struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(doc, &head); err != nil {
		return Profile{}, validate.Field("body", "error.bad_json")
	}
	if head.ID == "" {
		return Profile{}, validate.Field("id", "error.required")
	}
	var version int
	if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(version), 0) FROM rule_profiles WHERE profile_id = ?", head.ID).Scan(&version); err != nil {
		return Profile{}, fmt.Errorf("rules: save %s: %w", head.ID, err)
	}
	if version == 0 {
		if shipped, ok := ShippedJSON(head.ID); ok {
			var v struct {
				Version int `json:"version"`
			}
			json.Unmarshal(shipped, &v)
			version = v.Version
		}
	}
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		return Profile{}, validate.Field("body", "error.bad_json")
	}
	m["version"] = version + 1
	body, _ := json.Marshal(m)
	base := lookup(ctx, tx)
	p, err := Resolve(head.ID, func(id string) ([]byte, bool) {
		if id == head.ID {
			return body, true
		}
		return base(id)
	})
	if err != nil {
		var es validate.Errors
		if errors.As(err, &es) {
			return Profile{}, es
		}
		return Profile{}, validate.Field("body", "error.rule_profile", err.Error())
	}
	_, err = tx.Exec(ctx, "INSERT INTO rule_profiles (profile_id, version, body, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
		head.ID, p.Version, string(body), store.Now(), actor.Label)
	if err != nil {
		return Profile{}, fmt.Errorf("rules: save %s: %w", head.ID, err)
	}
	err = audit.Record(ctx, tx, actor, audit.Change{Action: "save", Entity: "rule_profile", After: map[string]any{"id": p.ID, "version": p.Version}})
	return p, err
}

// Assignment is the profile an institution uses from a year on.
type Assignment struct {
	InstitutionID int64  `json:"institution_id"`
	FromYear      int    `json:"from_year"`
	ProfileID     string `json:"profile_id"`
	Version       int    `json:"version"`
}

// Assign makes institutionID use the newest version of profileID from
// fromYear on; earlier years keep what they had.
func Assign(ctx context.Context, tx *store.Tx, actor audit.Actor, institutionID int64, fromYear int, profileID string) (Assignment, error) {
	var es validate.Errors
	if fromYear < 1990 || fromYear > 2200 {
		es.Add("from_year", "error.out_of_range", 1990, 2200)
	}
	p, err := Load(ctx, tx, profileID)
	if err != nil {
		es.Add("profile_id", "error.no_such_record")
	}
	if len(es) > 0 {
		return Assignment{}, es
	}
	a := Assignment{InstitutionID: institutionID, FromYear: fromYear, ProfileID: p.ID, Version: p.Version}
	_, err = tx.Exec(ctx, `INSERT INTO rule_assignments (institution_id, from_year, profile_id, version, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (institution_id, from_year) DO UPDATE SET profile_id = excluded.profile_id, version = excluded.version, created_at = excluded.created_at`,
		institutionID, fromYear, p.ID, p.Version, store.Now())
	if err != nil {
		if store.IsForeignKeyViolation(err) {
			return Assignment{}, validate.Field("institution_id", "error.no_such_record")
		}
		return Assignment{}, fmt.Errorf("rules: assign: %w", err)
	}
	err = audit.Record(ctx, tx, actor, audit.Change{Action: "assign", Entity: "rule_profile", InstitutionID: institutionID, After: a})
	return a, err
}

// For returns the profile institutionID uses in year: its own newest
// assignment from that year or before, else its parent's, else the default.
func For(ctx context.Context, q store.Querier, institutionID int64, year int) (Profile, error) {
	id := institutionID
	for range 32 { // institution trees are shallow; this bounds a cycle
		var profileID string
		var version int
		err := q.QueryRow(ctx, `SELECT profile_id, version FROM rule_assignments WHERE institution_id = ? AND from_year <= ?
			ORDER BY from_year DESC LIMIT 1`, id, year).Scan(&profileID, &version)
		if err == nil {
			return LoadVersion(ctx, q, profileID, version)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return Profile{}, fmt.Errorf("rules: profile of institution %d: %w", id, err)
		}
		var parent sql.NullInt64
		if err := q.QueryRow(ctx, "SELECT parent_id FROM institutions WHERE id = ?", id).Scan(&parent); err != nil || !parent.Valid {
			break
		}
		id = parent.Int64
	}
	return Load(ctx, q, DefaultProfile)
}

// List returns the newest version of every profile, shipped or saved, by id.
func List(ctx context.Context, q store.Querier) ([]Profile, error) {
	ids := map[string]bool{}
	for _, id := range ShippedIDs() {
		ids[id] = true
	}
	rows, err := q.Query(ctx, "SELECT DISTINCT profile_id FROM rule_profiles")
	if err != nil {
		return nil, fmt.Errorf("rules: list: %w", err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("rules: list: %w", err)
		}
		ids[id] = true
	}
	rows.Close()
	sorted := make([]string, 0, len(ids))
	for id := range ids {
		sorted = append(sorted, id)
	}
	sort.Strings(sorted)
	out := make([]Profile, 0, len(sorted))
	for _, id := range sorted {
		p, err := Load(ctx, q, id)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// Document returns the JSON a profile was saved (or shipped) as, for editing.
func Document(ctx context.Context, q store.Querier, id string) ([]byte, bool) {
	return lookup(ctx, q)(id)
}

// Assignments lists every institution's assignments, newest year first.
func Assignments(ctx context.Context, q store.Querier) ([]Assignment, error) {
	rows, err := q.Query(ctx, "SELECT institution_id, from_year, profile_id, version FROM rule_assignments ORDER BY institution_id, from_year DESC")
	if err != nil {
		return nil, fmt.Errorf("rules: assignments: %w", err)
	}
	defer rows.Close()
	var out []Assignment
	for rows.Next() {
		var a Assignment
		if err := rows.Scan(&a.InstitutionID, &a.FromYear, &a.ProfileID, &a.Version); err != nil {
			return nil, fmt.Errorf("rules: assignments: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
