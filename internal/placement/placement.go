// Package placement places a student or trainee at a base (an agreement) or
// a host department for a period, under a supervisor: internships,
// postgraduate training, further study and rotations. It refuses a person
// placed twice at once and a base taking more people in a discipline and
// year than its agreement allows, and records the evaluation at the end.
package placement

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/meded/meded/internal/agreement"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// ErrNotFound is returned for a placement that does not exist.
var ErrNotFound = errors.New("placement: not found")

// Kinds and statuses (DESIGN.md §6).
var (
	Kinds    = []string{"internship", "postgraduate_training", "further_study", "rotation"}
	Statuses = []string{"planned", "active", "completed", "withdrawn"}
)

var transitions = map[string][]string{
	"planned":   {"active", "withdrawn"},
	"active":    {"completed", "withdrawn"},
	"completed": {},
	"withdrawn": {},
}

// Next returns the statuses a placement in status may move to.
func Next(status string) []string { return slices.Clone(transitions[status]) }

// Placement is one person at one host for one period.
type Placement struct {
	ID                int64      `json:"id"`
	PersonID          int64      `json:"person_id"`
	PersonName        string     `json:"person_name"`
	Kind              string     `json:"kind"`
	AgreementID       int64      `json:"agreement_id,omitempty"`
	HostInstitutionID int64      `json:"host_institution_id"`
	HostDepartmentID  int64      `json:"host_department_id,omitempty"`
	SupervisorID      int64      `json:"supervisor_id,omitempty"`
	Discipline        string     `json:"discipline,omitempty"`
	StartOn           string     `json:"start_on"`
	EndOn             string     `json:"end_on"`
	Status            string     `json:"status"`
	Score             *int       `json:"score,omitempty"`
	Evaluation        string     `json:"evaluation,omitempty"`
	EvaluatedAt       *time.Time `json:"evaluated_at,omitempty"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
}

// Input is what a form or API call sets on a placement. An agreement
// (a base) sets the host institution when none is given.
type Input struct {
	PersonID          int64  `json:"person_id"`
	Kind              string `json:"kind"`
	AgreementID       int64  `json:"agreement_id"`
	HostInstitutionID int64  `json:"host_institution_id"`
	HostDepartmentID  int64  `json:"host_department_id"`
	SupervisorID      int64  `json:"supervisor_id"`
	Discipline        string `json:"discipline"`
	StartOn           string `json:"start_on"`
	EndOn             string `json:"end_on"`
}

// Create places a person. It refuses, each with a field error naming the
// clash: an end before the start; a period outside the agreement's; an
// agreement not in force; a person already placed for part of the period;
// and a base whose yearly capacity for the discipline is already taken.
func Create(ctx context.Context, tx *store.Tx, actor audit.Actor, in Input) (Placement, error) {
	in.Kind, in.Discipline = strings.TrimSpace(in.Kind), strings.TrimSpace(in.Discipline)
	in.StartOn, in.EndOn = strings.TrimSpace(in.StartOn), strings.TrimSpace(in.EndOn)
	if tx.Dialect() == store.Postgres {
		// Serialise placements so two concurrent ones cannot both pass the
		// overlap and capacity checks; SQLite already has a single writer.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(?)`, placementLockID); err != nil {
			return Placement{}, fmt.Errorf("placement: lock: %w", err)
		}
	}
	es, err := check(ctx, tx, &in)
	if err != nil {
		return Placement{}, fmt.Errorf("placement: create: %w", err)
	}
	if len(es) > 0 {
		return Placement{}, es
	}
	now := store.Now()
	p := Placement{PersonID: in.PersonID, Kind: in.Kind, AgreementID: in.AgreementID, HostInstitutionID: in.HostInstitutionID,
		HostDepartmentID: in.HostDepartmentID, SupervisorID: in.SupervisorID, Discipline: in.Discipline,
		StartOn: in.StartOn, EndOn: in.EndOn, Status: "planned", CreatedAt: now, UpdatedAt: now}
	err = tx.QueryRow(ctx, `INSERT INTO placements (person_id, kind, agreement_id, host_institution_id, host_department_id,
		supervisor_id, discipline, start_on, end_on, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		p.PersonID, p.Kind, nullInt(p.AgreementID), p.HostInstitutionID, nullInt(p.HostDepartmentID), nullInt(p.SupervisorID),
		p.Discipline, p.StartOn, p.EndOn, p.Status, now, now).Scan(&p.ID)
	if err != nil {
		return Placement{}, fmt.Errorf("placement: create: %w", err)
	}
	p, err = Get(ctx, tx, p.ID)
	if err != nil {
		return Placement{}, err
	}
	err = audit.Record(ctx, tx, actor, audit.Change{Action: "create", Entity: "placement", EntityID: p.ID,
		InstitutionID: p.HostInstitutionID, After: p})
	return p, err
}

const placementLockID int64 = 0x4d65644564_07

func check(ctx context.Context, q store.Querier, in *Input) (validate.Errors, error) {
	var es validate.Errors
	if in.Kind == "" {
		es.Add("kind", "error.required")
	} else {
		es.OneOf("kind", in.Kind, Kinds)
	}
	es.MaxLen("discipline", in.Discipline, 100)
	startOK := dateOK(&es, "start_on", in.StartOn)
	endOK := dateOK(&es, "end_on", in.EndOn)
	if startOK && endOK && in.EndOn < in.StartOn {
		es.Add("end_on", "agreement.end_before_start")
		endOK = false
	}
	if in.PersonID == 0 {
		es.Add("person_id", "error.required")
	} else if _, err := person.Get(ctx, q, in.PersonID); errors.Is(err, person.ErrNotFound) {
		es.Add("person_id", "error.no_such_record")
	} else if err != nil {
		return nil, err
	}
	if in.SupervisorID != 0 {
		if in.SupervisorID == in.PersonID {
			es.Add("supervisor_id", "placement.own_supervisor")
		} else if _, err := person.Get(ctx, q, in.SupervisorID); errors.Is(err, person.ErrNotFound) {
			es.Add("supervisor_id", "error.no_such_record")
		} else if err != nil {
			return nil, err
		}
	}
	var base agreement.Agreement
	if in.AgreementID != 0 {
		a, err := agreement.Get(ctx, q, in.AgreementID)
		switch {
		case errors.Is(err, agreement.ErrNotFound):
			es.Add("agreement_id", "error.no_such_record")
		case err != nil:
			return nil, err
		default:
			base = a
			if in.HostInstitutionID == 0 && len(a.Parties) > 1 {
				in.HostInstitutionID = a.Parties[len(a.Parties)-1].InstitutionID
			}
			if !slices.Contains(a.PartyIDs(), in.HostInstitutionID) {
				es.Add("host_institution_id", "placement.host_not_party")
			}
			if !a.InForce() {
				es.Add("agreement_id", "placement.agreement_not_in_force", a.Status)
			}
			if startOK && in.StartOn < a.StartOn {
				es.Add("start_on", "placement.before_agreement", a.StartOn)
			}
			if endOK && a.EndOn != "" && in.EndOn > a.EndOn {
				es.Add("end_on", "placement.after_agreement", a.EndOn)
			}
			if len(a.Capacities) > 0 {
				if in.Discipline == "" {
					es.Add("discipline", "error.required")
				} else if _, ok := a.CapacityFor(in.Discipline); !ok {
					es.Add("discipline", "placement.discipline_not_offered", in.Discipline)
				}
			}
		}
	}
	if in.HostInstitutionID == 0 {
		es.Add("host_institution_id", "error.required")
	} else if _, err := institution.Get(ctx, q, in.HostInstitutionID); errors.Is(err, institution.ErrNotFound) {
		es.Add("host_institution_id", "error.no_such_record")
	} else if err != nil {
		return nil, err
	}
	if in.HostDepartmentID != 0 {
		d, err := institution.GetDepartment(ctx, q, in.HostDepartmentID)
		switch {
		case errors.Is(err, institution.ErrNotFound):
			es.Add("host_department_id", "error.no_such_record")
		case err != nil:
			return nil, err
		case d.InstitutionID != in.HostInstitutionID:
			es.Add("host_department_id", "error.department_mismatch")
		}
	}
	if len(es) > 0 {
		return es, nil
	}
	// The person may not be placed twice at once.
	row := q.QueryRow(ctx, `SELECT `+columns+` FROM placements p JOIN people pp ON pp.id = p.person_id
		WHERE p.person_id = ? AND p.status <> 'withdrawn' AND p.start_on <= ? AND p.end_on >= ? ORDER BY p.start_on, p.id LIMIT 1`,
		in.PersonID, in.EndOn, in.StartOn)
	clash, err := scan(row)
	if err == nil {
		es.Add("start_on", "placement.overlap", clash.ID, clash.StartOn, clash.EndOn)
		return es, nil
	} else if !isNoRows(err) {
		return nil, err
	}
	// The base takes at most its capacity in the discipline in any calendar year.
	if perYear, ok := base.CapacityFor(in.Discipline); ok {
		first, _ := strconv.Atoi(in.StartOn[:4])
		last, _ := strconv.Atoi(in.EndOn[:4])
		for year := first; year <= last; year++ {
			from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
			var taken int
			err := q.QueryRow(ctx, `SELECT COUNT(*) FROM placements WHERE agreement_id = ? AND discipline = ?
				AND status <> 'withdrawn' AND start_on <= ? AND end_on >= ?`, in.AgreementID, in.Discipline, to, from).Scan(&taken)
			if err != nil {
				return nil, err
			}
			if taken >= perYear {
				es.Add("agreement_id", "placement.over_capacity", in.Discipline, year, perYear)
				break
			}
		}
	}
	return es, nil
}

func dateOK(es *validate.Errors, field, s string) bool {
	if s == "" {
		es.Add(field, "error.required")
		return false
	}
	if _, err := agreement.ParseDate(s); err != nil {
		es.Add(field, "agreement.invalid_date")
		return false
	}
	return true
}

// Transition moves a placement along planned → active → completed, or to
// withdrawn; any other move is a field error on "status".
func Transition(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, to string) (Placement, error) {
	before, err := get(ctx, tx, id, true)
	if err != nil {
		return Placement{}, fmt.Errorf("placement %d: transition: %w", id, err)
	}
	if !slices.Contains(transitions[before.Status], to) {
		return Placement{}, validate.Field("status", "placement.bad_transition", before.Status, to)
	}
	if _, err := tx.Exec(ctx, `UPDATE placements SET status = ?, updated_at = ? WHERE id = ?`, to, store.Now(), id); err != nil {
		return Placement{}, fmt.Errorf("placement %d: transition: %w", id, err)
	}
	after := before
	after.Status = to
	err = audit.Record(ctx, tx, actor, audit.Change{Action: "status", Entity: "placement", EntityID: id,
		InstitutionID: before.HostInstitutionID, Before: map[string]string{"status": before.Status}, After: map[string]string{"status": to}})
	return after, err
}

// Evaluation is the end-of-placement evaluation: a score out of 100 and a comment.
type Evaluation struct {
	Score   int    `json:"score"`
	Comment string `json:"comment"`
}

// Evaluate records the evaluation of an active or completed placement and
// completes it.
func Evaluate(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, ev Evaluation) (Placement, error) {
	before, err := get(ctx, tx, id, true)
	if err != nil {
		return Placement{}, fmt.Errorf("placement %d: evaluate: %w", id, err)
	}
	ev.Comment = strings.TrimSpace(ev.Comment)
	var es validate.Errors
	if before.Status != "active" && before.Status != "completed" {
		es.Add("status", "placement.not_evaluable", before.Status)
	}
	if ev.Score < 0 || ev.Score > 100 {
		es.Add("score", "error.out_of_range", 0, 100)
	}
	es.MaxLen("comment", ev.Comment, 10000)
	if len(es) > 0 {
		return Placement{}, es
	}
	now := store.Now()
	if _, err := tx.Exec(ctx, `UPDATE placements SET status = 'completed', score = ?, evaluation = ?, evaluated_at = ?, updated_at = ? WHERE id = ?`,
		ev.Score, ev.Comment, now, now, id); err != nil {
		return Placement{}, fmt.Errorf("placement %d: evaluate: %w", id, err)
	}
	after, err := Get(ctx, tx, id)
	if err != nil {
		return Placement{}, err
	}
	err = audit.Record(ctx, tx, actor, audit.Change{Action: "evaluate", Entity: "placement", EntityID: id,
		InstitutionID: before.HostInstitutionID, Before: before, After: after})
	return after, err
}

const columns = `p.id, p.person_id, pp.name_zh, pp.name_en, p.kind, p.agreement_id, p.host_institution_id, p.host_department_id,
	p.supervisor_id, p.discipline, p.start_on, p.end_on, p.status, p.score, p.evaluation, p.evaluated_at, p.created_at, p.updated_at`

type scanner interface{ Scan(dest ...any) error }

func scan(s scanner) (Placement, error) {
	var p Placement
	var zh, en string
	var agreementID, dept, supervisor, score sql.NullInt64
	var evaluated sql.NullTime
	err := s.Scan(&p.ID, &p.PersonID, &zh, &en, &p.Kind, &agreementID, &p.HostInstitutionID, &dept, &supervisor, &p.Discipline,
		&p.StartOn, &p.EndOn, &p.Status, &score, &p.Evaluation, &evaluated, &p.CreatedAt, &p.UpdatedAt)
	p.PersonName = person.Person{NameZH: zh, NameEN: en}.Name("zh-CN")
	p.AgreementID, p.HostDepartmentID, p.SupervisorID = agreementID.Int64, dept.Int64, supervisor.Int64
	if score.Valid {
		n := int(score.Int64)
		p.Score = &n
	}
	if evaluated.Valid {
		t := evaluated.Time.UTC()
		p.EvaluatedAt = &t
	}
	p.StartOn, p.EndOn = p.StartOn[:min(len(p.StartOn), 10)], p.EndOn[:min(len(p.EndOn), 10)]
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, err
}

// Get returns one placement.
func Get(ctx context.Context, q store.Querier, id int64) (Placement, error) {
	p, err := get(ctx, q, id, false)
	if err != nil {
		return Placement{}, fmt.Errorf("placement %d: load: %w", id, err)
	}
	return p, nil
}

func get(ctx context.Context, q store.Querier, id int64, forUpdate bool) (Placement, error) {
	query := `SELECT ` + columns + ` FROM placements p JOIN people pp ON pp.id = p.person_id WHERE p.id = ?`
	if forUpdate && q.Dialect() == store.Postgres {
		query += ` FOR UPDATE OF p`
	}
	p, err := scan(q.QueryRow(ctx, query, id))
	if isNoRows(err) {
		return Placement{}, ErrNotFound
	}
	return p, err
}

// ListFilter narrows List. Zero fields do not filter.
type ListFilter struct {
	// InstitutionIDs limits the list to placements hosted by, or of people
	// from, these institutions: nil means all, an empty non-nil slice none.
	InstitutionIDs []int64
	PersonID       int64
	AgreementID    int64
	Kind, Status   string
	Limit, Offset  int
}

// List returns placements, latest start first, and how many match.
func List(ctx context.Context, q store.Querier, f ListFilter) ([]Placement, int, error) {
	var where []string
	var args []any
	if f.InstitutionIDs != nil {
		m := store.Marks(len(f.InstitutionIDs))
		where = append(where, `(p.host_institution_id IN (`+m+`) OR pp.institution_id IN (`+m+`))`)
		for range 2 {
			for _, id := range f.InstitutionIDs {
				args = append(args, id)
			}
		}
	}
	add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
	if f.PersonID != 0 {
		add(`p.person_id = ?`, f.PersonID)
	}
	if f.AgreementID != 0 {
		add(`p.agreement_id = ?`, f.AgreementID)
	}
	if f.Kind != "" {
		add(`p.kind = ?`, f.Kind)
	}
	if f.Status != "" {
		add(`p.status = ?`, f.Status)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	from := ` FROM placements p JOIN people pp ON pp.id = p.person_id`
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*)`+from+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("placement: list: %w", err)
	}
	query := `SELECT ` + columns + from + cond + ` ORDER BY p.start_on DESC, p.id DESC`
	if f.Limit > 0 {
		query += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0))
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("placement: list: %w", err)
	}
	defer rows.Close()
	out := []Placement{}
	for rows.Next() {
		p, err := scan(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("placement: list: %w", err)
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}

func nullInt(n int64) sql.NullInt64 { return sql.NullInt64{Int64: n, Valid: n != 0} }

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
