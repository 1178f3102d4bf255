// Package enrolment puts learners on an activity: by themselves (open
// activities, capacity, deadline, waitlist) or by the director from a pasted
// list; withdrawing frees a place for the first on the waitlist.
package enrolment

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Allowed values (DESIGN §6).
var (
	Roles    = []string{"participant", "lecturer", "organiser", "delegate", "presenter"}
	Statuses = []string{"enrolled", "waitlisted", "withdrawn", "completed", "not_completed"}
)

// ErrNotFound: no such enrolment.
var ErrNotFound = errors.New("enrolment: not found")

// Enrolment is one person on one activity.
type Enrolment struct {
	ID         int64     `json:"id"`
	ActivityID int64     `json:"activity_id"`
	PersonID   int64     `json:"person_id"`
	Role       string    `json:"role"`
	Status     string    `json:"status"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// taking counts as holding a place.
const taking = `status IN ('enrolled', 'completed', 'not_completed')`

func placesTaken(ctx context.Context, q store.Querier, activityID int64) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM enrolments WHERE activity_id = ? AND role = 'participant' AND `+taking, activityID).Scan(&n)
	return n, err
}

// SelfEnrol enrols a learner in an open activity: a place if one is free,
// the waitlist otherwise. The activity row is locked, so two learners
// taking the last place at once get one place and one waitlist.
func SelfEnrol(ctx context.Context, tx *store.Tx, actor audit.Actor, activityID, personID int64) (Enrolment, error) {
	a, err := activity.Lock(ctx, tx, activityID)
	if err != nil {
		return Enrolment{}, err
	}
	if a.Status != "approved" && a.Status != "running" {
		return Enrolment{}, validate.Field("activity", "error.not_open")
	}
	if a.EnrolDeadline != "" && activity.Today() > a.EnrolDeadline {
		return Enrolment{}, validate.Field("activity", "error.deadline_passed", a.EnrolDeadline)
	}
	return enrol(ctx, tx, actor, a, personID, true)
}

func enrol(ctx context.Context, tx *store.Tx, actor audit.Actor, a activity.Activity, personID int64, allowRejoin bool) (Enrolment, error) {
	existing, err := find(ctx, tx, a.ID, personID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Enrolment{}, err
	}
	if err == nil && (existing.Status != "withdrawn" || !allowRejoin) {
		return Enrolment{}, validate.Field("person_id", "error.already_enrolled")
	}
	status := "enrolled"
	if a.Capacity > 0 {
		n, err := placesTaken(ctx, tx, a.ID)
		if err != nil {
			return Enrolment{}, fmt.Errorf("enrolment: count: %w", err)
		}
		if n >= a.Capacity {
			status = "waitlisted"
		}
	}
	now := store.Now()
	e := Enrolment{ActivityID: a.ID, PersonID: personID, Role: "participant", Status: status, CreatedAt: now, UpdatedAt: now}
	if existing.ID != 0 {
		e.ID, e.CreatedAt = existing.ID, existing.CreatedAt
		_, err = tx.Exec(ctx, `UPDATE enrolments SET status = ?, updated_at = ? WHERE id = ?`, status, now, e.ID)
	} else {
		err = tx.QueryRow(ctx, `INSERT INTO enrolments (activity_id, person_id, role, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, a.ID, personID, e.Role, status, now, now).Scan(&e.ID)
	}
	if store.IsUniqueViolation(err) {
		return Enrolment{}, validate.Field("person_id", "error.already_enrolled")
	}
	if store.IsForeignKeyViolation(err) {
		return Enrolment{}, validate.Field("person_id", "error.not_found")
	}
	if err != nil {
		return Enrolment{}, fmt.Errorf("enrolment: create: %w", err)
	}
	return e, audit.Record(ctx, tx, actor, audit.Change{Action: "enrol", Entity: "enrolment", EntityID: e.ID,
		InstitutionID: a.InstitutionID, After: e})
}

// Withdraw takes a person off an activity; the first on the waitlist
// (earliest enrolment) takes the freed place.
func Withdraw(ctx context.Context, tx *store.Tx, actor audit.Actor, activityID, personID int64) (Enrolment, error) {
	a, err := activity.Lock(ctx, tx, activityID)
	if err != nil {
		return Enrolment{}, err
	}
	e, err := find(ctx, tx, activityID, personID)
	if err != nil {
		return Enrolment{}, err
	}
	if e.Status != "enrolled" && e.Status != "waitlisted" {
		return Enrolment{}, validate.Field("status", "error.cannot_withdraw", e.Status)
	}
	before := e
	e.Status, e.UpdatedAt = "withdrawn", store.Now()
	if _, err := tx.Exec(ctx, `UPDATE enrolments SET status = ?, updated_at = ? WHERE id = ?`, e.Status, e.UpdatedAt, e.ID); err != nil {
		return Enrolment{}, fmt.Errorf("enrolment %d: withdraw: %w", e.ID, err)
	}
	if err := audit.Record(ctx, tx, actor, audit.Change{Action: "withdraw", Entity: "enrolment", EntityID: e.ID,
		InstitutionID: a.InstitutionID, Before: before, After: e}); err != nil {
		return Enrolment{}, err
	}
	if before.Status == "enrolled" {
		if err := promote(ctx, tx, actor, a); err != nil {
			return Enrolment{}, err
		}
	}
	return e, nil
}

func promote(ctx context.Context, tx *store.Tx, actor audit.Actor, a activity.Activity) error {
	n, err := placesTaken(ctx, tx, a.ID)
	if err != nil {
		return err
	}
	if a.Capacity > 0 && n >= a.Capacity {
		return nil
	}
	var id int64
	err = tx.QueryRow(ctx, `SELECT id FROM enrolments WHERE activity_id = ? AND status = 'waitlisted' ORDER BY created_at, id LIMIT 1`, a.ID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("enrolment: promote: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE enrolments SET status = 'enrolled', updated_at = ? WHERE id = ?`, store.Now(), id); err != nil {
		return fmt.Errorf("enrolment: promote: %w", err)
	}
	return audit.Record(ctx, tx, actor, audit.Change{Action: "promote", Entity: "enrolment", EntityID: id,
		InstitutionID: a.InstitutionID, After: map[string]string{"status": "enrolled"}})
}

// SetStatus records a completion result (completed or not_completed) or puts
// a finished enrolment back to enrolled.
func SetStatus(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, status string) error {
	if status != "completed" && status != "not_completed" && status != "enrolled" {
		return validate.Field("status", "error.invalid_choice", "completed, not_completed, enrolled")
	}
	var before string
	if err := tx.QueryRow(ctx, `SELECT status FROM enrolments WHERE id = ?`, id).Scan(&before); err != nil {
		return fmt.Errorf("enrolment %d: %w", id, err)
	}
	if before == status {
		return nil
	}
	if _, err := tx.Exec(ctx, `UPDATE enrolments SET status = ?, updated_at = ? WHERE id = ?`, status, store.Now(), id); err != nil {
		return fmt.Errorf("enrolment %d: status: %w", id, err)
	}
	return audit.Record(ctx, tx, actor, audit.Change{Action: "update", Entity: "enrolment", EntityID: id,
		Before: map[string]string{"status": before}, After: map[string]string{"status": status}})
}

const columns = `id, activity_id, person_id, role, status, created_at, updated_at`

func scanOne(s interface{ Scan(...any) error }) (Enrolment, error) {
	var e Enrolment
	err := s.Scan(&e.ID, &e.ActivityID, &e.PersonID, &e.Role, &e.Status, &e.CreatedAt, &e.UpdatedAt)
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	return e, err
}

func find(ctx context.Context, q store.Querier, activityID, personID int64) (Enrolment, error) {
	e, err := scanOne(q.QueryRow(ctx, `SELECT `+columns+` FROM enrolments WHERE activity_id = ? AND person_id = ?`, activityID, personID))
	if errors.Is(err, sql.ErrNoRows) {
		return Enrolment{}, ErrNotFound
	}
	return e, err
}

// Find returns a person's enrolment in an activity.
func Find(ctx context.Context, q store.Querier, activityID, personID int64) (Enrolment, error) {
	return find(ctx, q, activityID, personID)
}

// List returns an activity's enrolments in enrolment order.
func List(ctx context.Context, q store.Querier, activityID int64) ([]Enrolment, error) {
	out, err := store.QueryAll(ctx, q, scanEnrolment, `SELECT `+columns+` FROM enrolments WHERE activity_id = ? ORDER BY created_at, id`, activityID)
	if err != nil {
		return nil, fmt.Errorf("enrolment: list: %w", err)
	}
	return out, nil
}

// OfPerson returns a person's enrolments, in every activity, in one query.
func OfPerson(ctx context.Context, q store.Querier, personID int64) ([]Enrolment, error) {
	out, err := store.QueryAll(ctx, q, scanEnrolment, `SELECT `+columns+` FROM enrolments WHERE person_id = ? ORDER BY activity_id`, personID)
	if err != nil {
		return nil, fmt.Errorf("enrolment: of person %d: %w", personID, err)
	}
	return out, nil
}

func scanEnrolment(s store.Scanner) (Enrolment, error) { return scanOne(s) }

// Counts is the number of enrolments per status.
func Counts(ctx context.Context, q store.Querier, activityID int64) (map[string]int, error) {
	rows, err := q.Query(ctx, `SELECT status, COUNT(*) FROM enrolments WHERE activity_id = ? GROUP BY status`, activityID)
	if err != nil {
		return nil, fmt.Errorf("enrolment: counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for _, s := range Statuses {
		out[s] = 0
	}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// Line is one line of a pasted list and what became of it.
type Line struct {
	Row        int     `json:"row"`
	Identifier string  `json:"identifier"`
	Outcome    string  `json:"outcome"` // enrolled, waitlisted, already, ambiguous, missing
	PersonID   int64   `json:"person_id,omitempty"`
	Candidates []int64 `json:"candidates,omitempty"`
}

// MaxLines is the most lines one pasted list may hold.
const MaxLines = 2000

// SplitList reads a pasted list: one identifier per line, or separated by
// commas, semicolons or tabs; blanks are skipped.
func SplitList(text string) []string {
	f := func(r rune) bool {
		return r == '\n' || r == '\r' || r == ',' || r == ';' || r == '\t' || r == '，' || r == '；'
	}
	var out []string
	for _, p := range strings.FieldsFunc(text, f) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// EnrolList enrols the people a director pasted (staff numbers, phones or
// names, searched in institutionIDs; nil means everywhere) and reports each
// line: enrolled or waitlisted, already on the list, ambiguous, or missing.
// The director may enrol after the deadline and before the activity opens.
func EnrolList(ctx context.Context, tx *store.Tx, actor audit.Actor, activityID int64, institutionIDs []int64, text string) ([]Line, error) {
	ids := SplitList(text)
	if len(ids) == 0 {
		return nil, validate.Field("list", "error.required")
	}
	if len(ids) > MaxLines {
		return nil, validate.Field("list", "error.too_many_lines", MaxLines)
	}
	a, err := activity.Lock(ctx, tx, activityID)
	if err != nil {
		return nil, err
	}
	if a.Status == "closed" || a.Status == "archived" || a.Status == "rejected" {
		return nil, validate.Field("activity", "error.not_open")
	}
	found, err := person.FindByIdentifiers(ctx, tx, institutionIDs, ids)
	if err != nil {
		return nil, fmt.Errorf("enrolment: find: %w", err)
	}
	out := make([]Line, 0, len(ids))
	for i, id := range ids {
		line := Line{Row: i + 1, Identifier: id}
		matches := found[id]
		switch len(matches) {
		case 0:
			line.Outcome = "missing"
		case 1:
			line.PersonID = matches[0].ID
			e, err := enrol(ctx, tx, actor, a, matches[0].ID, true)
			if _, ok := validate.As(err); ok {
				line.Outcome = "already"
				break
			}
			if err != nil {
				return nil, err
			}
			line.Outcome = e.Status
		default:
			line.Outcome = "ambiguous"
			for _, m := range matches {
				line.Candidates = append(line.Candidates, m.ID)
			}
		}
		out = append(out, line)
	}
	return out, nil
}
