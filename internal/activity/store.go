package activity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/namekey"
	"github.com/meded/meded/internal/store"
)

const columns = `id, kind, level, status, code, year, title_zh, title_en, institution_id, department_id, director_id,
	discipline, audience, planned_quarters, credits_hundredths, remote, start_date, end_date, capacity, enrol_deadline,
	min_attendance_pct, assessment_required, evaluation_required, approving_body, document_number,
	approved_hundredths, approved_quarters, reject_reason, created_at, updated_at`

type scanner interface{ Scan(dest ...any) error }

// Columns lists an activity's columns qualified by alias, for a query that
// reads activities together with the details a kind keeps in a table of its
// own (a training class, a conference) in one round trip; read each row
// with ScanWith.
func Columns(alias string) string {
	names := strings.Split(columns, ",")
	for i, n := range names {
		names[i] = alias + "." + strings.TrimSpace(n)
	}
	return strings.Join(names, ", ")
}

// ScanWith reads a row of Columns followed by extra, the joined details.
func ScanWith(s store.Scanner, extra ...any) (Activity, error) {
	var a Activity
	var code sql.NullString
	var dept sql.NullInt64
	dest := []any{&a.ID, &a.Kind, &a.Level, &a.Status, &code, &a.Year, &a.TitleZH, &a.TitleEN, &a.InstitutionID, &dept,
		&a.DirectorID, &a.Discipline, &a.Audience, &a.PlannedQuarters, &a.CreditsHundredths, &a.Remote, &a.StartDate,
		&a.EndDate, &a.Capacity, &a.EnrolDeadline, &a.MinAttendancePct, &a.AssessmentRequired, &a.EvaluationRequired,
		&a.ApprovingBody, &a.DocumentNumber, &a.ApprovedHundredths, &a.ApprovedQuarters, &a.RejectReason,
		&a.CreatedAt, &a.UpdatedAt}
	err := s.Scan(append(dest, extra...)...)
	a.Code, a.DepartmentID = code.String, dept.Int64
	a.StartDate, a.EndDate = dateOnly(a.StartDate), dateOnly(a.EndDate)
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, err
}

func scan(s scanner) (Activity, error) { return ScanWith(s) }

func dateOnly(s string) string {
	if len(s) > 10 {
		return s[:10]
	}
	return s
}

// Get returns one activity.
func Get(ctx context.Context, q store.Querier, id int64) (Activity, error) {
	a, err := get(ctx, q, id, false)
	if err != nil {
		return Activity{}, wrap(id, "load", err)
	}
	return a, nil
}

// Lock loads an activity for a change, locking its row on PostgreSQL so
// that concurrent changes to it (a transition, the last place) queue.
func Lock(ctx context.Context, tx *store.Tx, id int64) (Activity, error) {
	a, err := get(ctx, tx, id, true)
	if err != nil {
		return Activity{}, wrap(id, "lock", err)
	}
	return a, nil
}

func get(ctx context.Context, q store.Querier, id int64, forUpdate bool) (Activity, error) {
	query := `SELECT ` + columns + ` FROM activities WHERE id = ?`
	query += store.LockRow(q, forUpdate)
	a, err := scan(q.QueryRow(ctx, query, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Activity{}, ErrNotFound
	}
	return a, err
}

func keys(a Activity) (string, string) {
	return namekey.Sort(a.TitleZH, a.TitleEN), namekey.Search(a.TitleZH, a.TitleEN, a.Code, a.Discipline)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Create records a new application as a draft.
func Create(ctx context.Context, tx *store.Tx, actor audit.Actor, in Input) (Activity, error) {
	in.normalize()
	es, quarters, credits, err := in.check(ctx, tx)
	if err != nil {
		return Activity{}, fmt.Errorf("activity: create: %w", err)
	}
	if len(es) > 0 {
		return Activity{}, es
	}
	now := store.Now()
	a := in.apply(Activity{Status: "draft", CreatedAt: now, UpdatedAt: now}, quarters, credits)
	sortKey, search := keys(a)
	err = tx.QueryRow(ctx, `INSERT INTO activities (kind, level, status, year, title_zh, title_en, sort_key, search_text,
		institution_id, department_id, director_id, discipline, audience, planned_quarters, credits_hundredths, remote,
		start_date, end_date, capacity, enrol_deadline, min_attendance_pct, assessment_required, evaluation_required,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		a.Kind, a.Level, a.Status, a.Year, a.TitleZH, a.TitleEN, sortKey, search, a.InstitutionID, nullID(a.DepartmentID),
		a.DirectorID, a.Discipline, a.Audience, a.PlannedQuarters, a.CreditsHundredths, a.Remote, a.StartDate, a.EndDate,
		a.Capacity, a.EnrolDeadline, a.MinAttendancePct, a.AssessmentRequired, a.EvaluationRequired, now, now).Scan(&a.ID)
	if err != nil {
		return Activity{}, fmt.Errorf("activity: create: %w", err)
	}
	if err := addHistory(ctx, tx, actor, a.ID, "", "draft", ""); err != nil {
		return Activity{}, err
	}
	err = audit.Record(ctx, tx, actor, audit.Change{Action: "create", Entity: "activity", EntityID: a.ID, InstitutionID: a.InstitutionID, After: a})
	return a, err
}

// Update changes an application while it is a draft or was rejected (not
// while the office reviews it).
func Update(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, in Input) (Activity, error) {
	before, err := Lock(ctx, tx, id)
	if err != nil {
		return Activity{}, err
	}
	if before.Status != "draft" && before.Status != "rejected" {
		return Activity{}, fieldErr("status", "error.activity_not_editable")
	}
	in.normalize()
	es, quarters, credits, err := in.check(ctx, tx)
	if err != nil {
		return Activity{}, wrap(id, "update", err)
	}
	if len(es) > 0 {
		return Activity{}, es
	}
	after := in.apply(before, quarters, credits)
	after.UpdatedAt = store.Now()
	sortKey, search := keys(after)
	_, err = tx.Exec(ctx, `UPDATE activities SET kind = ?, level = ?, year = ?, title_zh = ?, title_en = ?, sort_key = ?,
		search_text = ?, institution_id = ?, department_id = ?, director_id = ?, discipline = ?, audience = ?,
		planned_quarters = ?, credits_hundredths = ?, remote = ?, start_date = ?, end_date = ?, capacity = ?,
		enrol_deadline = ?, min_attendance_pct = ?, assessment_required = ?, evaluation_required = ?, updated_at = ?
		WHERE id = ?`,
		after.Kind, after.Level, after.Year, after.TitleZH, after.TitleEN, sortKey, search, after.InstitutionID,
		nullID(after.DepartmentID), after.DirectorID, after.Discipline, after.Audience, after.PlannedQuarters,
		after.CreditsHundredths, after.Remote, after.StartDate, after.EndDate, after.Capacity, after.EnrolDeadline,
		after.MinAttendancePct, after.AssessmentRequired, after.EvaluationRequired, after.UpdatedAt, id)
	if err != nil {
		return Activity{}, wrap(id, "update", err)
	}
	err = audit.Record(ctx, tx, actor, audit.Change{Action: "update", Entity: "activity", EntityID: id,
		InstitutionID: after.InstitutionID, Before: before, After: after})
	return after, err
}

// Filter narrows a list of activities.
type Filter struct {
	Query          string
	Year           int
	Level          string
	Status         string
	Statuses       []string
	InstitutionID  int64
	Discipline     string
	Format         string  // activities holding a session of this format
	InstitutionIDs []int64 // nil: every institution
	DirectorID     int64   // with OrOpen: own activities or open ones
	OrOpen         bool
	PersonID       int64 // learners: open activities or those they are enrolled in
	Limit, Offset  int
}

// List returns one page of activities and the number matching.
func List(ctx context.Context, q store.Querier, f Filter) ([]Activity, int, error) {
	var where []string
	var args []any
	add := func(cond string, a ...any) { where = append(where, cond); args = append(args, a...) }
	if f.Query != "" {
		add(`search_text LIKE ? ESCAPE '\'`, namekey.LikePattern(f.Query))
	}
	if f.Year != 0 {
		add(`year = ?`, f.Year)
	}
	if f.Level != "" {
		add(`level = ?`, f.Level)
	}
	if f.Status != "" {
		add(`status = ?`, f.Status)
	}
	if len(f.Statuses) > 0 {
		add(`status IN (`+store.Marks(len(f.Statuses))+`)`, anySlice(f.Statuses)...)
	}
	if f.InstitutionID != 0 {
		add(`institution_id = ?`, f.InstitutionID)
	}
	if f.Discipline != "" {
		add(`discipline = ?`, f.Discipline)
	}
	if f.Format != "" {
		add(`EXISTS (SELECT 1 FROM cme_sessions s WHERE s.activity_id = activities.id AND s.format = ? AND s.cancelled = ?)`, f.Format, false)
	}
	var scope []string
	var scopeArgs []any
	if f.InstitutionIDs != nil {
		if len(f.InstitutionIDs) == 0 {
			scope = append(scope, `1 = 0`)
		} else {
			scope = append(scope, `institution_id IN (`+store.Marks(len(f.InstitutionIDs))+`)`)
			scopeArgs = append(scopeArgs, anySlice(f.InstitutionIDs)...)
		}
	}
	if f.DirectorID != 0 {
		scope = append(scope, `director_id = ?`)
		scopeArgs = append(scopeArgs, f.DirectorID)
	}
	if f.PersonID != 0 {
		scope = append(scope, `id IN (SELECT activity_id FROM enrolments WHERE person_id = ?)`)
		scopeArgs = append(scopeArgs, f.PersonID)
	}
	if f.OrOpen {
		scope = append(scope, `(status IN ('approved', 'running') AND (enrol_deadline = '' OR enrol_deadline >= ?))`)
		scopeArgs = append(scopeArgs, Today())
	}
	if len(scope) > 0 {
		add(`(`+strings.Join(scope, ` OR `)+`)`, scopeArgs...)
	}
	clause := ""
	if len(where) > 0 {
		clause = ` WHERE ` + strings.Join(where, ` AND `)
	}
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM activities`+clause, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("activity: count: %w", err)
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	rows, err := q.Query(ctx, `SELECT `+columns+` FROM activities`+clause+` ORDER BY year DESC, sort_key, id LIMIT ? OFFSET ?`,
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("activity: list: %w", err)
	}
	defer rows.Close()
	var out []Activity
	for rows.Next() {
		a, err := scan(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("activity: list: %w", err)
		}
		out = append(out, a)
	}
	return out, total, rows.Err()
}

func anySlice[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// Organisers lists the institutions that organise activities, within
// institutionIDs (nil: all), for the organiser filter.
func Organisers(ctx context.Context, q store.Querier, institutionIDs []int64) ([]int64, error) {
	query, args := `SELECT DISTINCT institution_id FROM activities`, []any{}
	if institutionIDs != nil {
		if len(institutionIDs) == 0 {
			return nil, nil
		}
		query += ` WHERE institution_id IN (` + store.Marks(len(institutionIDs)) + `)`
		args = anySlice(institutionIDs)
	}
	rows, err := q.Query(ctx, query+` ORDER BY institution_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("activity: organisers: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
