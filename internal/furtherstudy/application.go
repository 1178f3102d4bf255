// Package furtherstudy runs further study (进修): a trainee from another
// institution applies to study in a host department for some months; the
// department's reviewer and then the education office review it; the office
// accepts it with dates and a supervisor, which places the trainee (a
// placement of kind further_study, with the placement's overlap and
// capacity refusals); the trainee arrives, is evaluated every month and
// completes, and the credits the host's rule set gives are posted to the
// trainee's ledger. Yearly statistics count the trainees from these records.
package furtherstudy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/meded/meded/internal/agreement"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// ErrNotFound is returned for an application that does not exist.
var ErrNotFound = errors.New("furtherstudy: not found")

// Statuses of an application. A department reviewer approves or rejects a
// submitted application; the office accepts or rejects one the department
// approved; an accepted trainee arrives and completes. Any open
// application may be withdrawn.
const (
	Submitted          = "submitted"
	DepartmentApproved = "department_approved"
	Accepted           = "accepted"
	Arrived            = "arrived"
	Completed          = "completed"
	Rejected           = "rejected"
	Withdrawn          = "withdrawn"
)

// Statuses lists every status in lifecycle order.
var Statuses = []string{Submitted, DepartmentApproved, Accepted, Arrived, Completed, Rejected, Withdrawn}

// MaxMonths is the longest stay an application may ask for or be given.
const MaxMonths = 12

// Zone is where dates of further study are reckoned (the host's calendar).
var Zone = time.FixedZone("Asia/Shanghai", 8*3600)

// today is the current date in Zone; tests replace it.
var today = func() string { return time.Now().In(Zone).Format(time.DateOnly) }

// Application is one trainee's request to study at a host department, and
// everything that followed from it.
type Application struct {
	ID                int64      `json:"id"`
	PersonID          int64      `json:"person_id"`
	PersonName        string     `json:"person_name"`
	HomeInstitutionID int64      `json:"home_institution_id"`
	HomeName          string     `json:"home_institution_name"`
	Category          string     `json:"category"`
	Title             string     `json:"title"`
	HostInstitutionID int64      `json:"host_institution_id"`
	HostDepartmentID  int64      `json:"host_department_id"`
	DepartmentName    string     `json:"host_department_name"`
	Months            int        `json:"months"`
	WishStartOn       string     `json:"wish_start_on"`
	Purpose           string     `json:"purpose"`
	Status            string     `json:"status"`
	DepartmentComment string     `json:"department_comment,omitempty"`
	DepartmentBy      string     `json:"department_by,omitempty"`
	DepartmentAt      *time.Time `json:"department_at,omitempty"`
	OfficeComment     string     `json:"office_comment,omitempty"`
	OfficeBy          string     `json:"office_by,omitempty"`
	OfficeAt          *time.Time `json:"office_at,omitempty"`
	PlacementID       int64      `json:"placement_id,omitempty"`
	StartOn           string     `json:"start_on,omitempty"`
	EndOn             string     `json:"end_on,omitempty"`
	SupervisorID      int64      `json:"supervisor_id,omitempty"`
	SupervisorName    string     `json:"supervisor_name,omitempty"`
	ArrivedOn         string     `json:"arrived_on,omitempty"`
	CompletedOn       string     `json:"completed_on,omitempty"`
	LeftOn            string     `json:"left_on,omitempty"` // the last day of a stay withdrawn after arrival
	MonthsCompleted   int        `json:"months_completed,omitempty"`
	FinalScore        *int       `json:"final_score,omitempty"`
	FinalComment      string     `json:"final_comment,omitempty"`
	CreditYear        int        `json:"credit_year,omitempty"`
	Credits           int64      `json:"credits"` // hundredths of a credit
	FullYear          bool       `json:"full_year"`
	CreditExplanation string     `json:"credit_explanation,omitempty"`
	CreatedBy         string     `json:"created_by"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
}

// Open reports whether the application may still be withdrawn.
func (a Application) Open() bool {
	return slices.Contains([]string{Submitted, DepartmentApproved, Accepted, Arrived}, a.Status)
}

// Input is what a trainee (or the office, for a paper application) fills
// in. HomeInstitutionID names the trainee's own institution when their
// person record sits elsewhere (an approved self-registration records the
// person at the institution they registered with, the host); zero means the
// person's institution.
type Input struct {
	PersonID          int64  `json:"person_id"`
	HomeInstitutionID int64  `json:"home_institution_id"`
	HostDepartmentID  int64  `json:"host_department_id"`
	Months            int    `json:"months"`
	WishStartOn       string `json:"wish_start_on"`
	Purpose           string `json:"purpose"`
}

// Apply records a submitted application. The trainee's category and title
// are copied from their person record, and their home institution unless
// the input names it; the host institution is the department's. The home
// may not be the host, and a trainee may hold one open application per host
// department at a time.
func Apply(ctx context.Context, tx *store.Tx, actor audit.Actor, in Input) (Application, error) {
	in.WishStartOn, in.Purpose = strings.TrimSpace(in.WishStartOn), strings.TrimSpace(in.Purpose)
	var es validate.Errors
	var trainee person.Person
	if in.PersonID == 0 {
		es.Add("person_id", "error.required")
	} else if p, err := person.Get(ctx, tx, in.PersonID); errors.Is(err, person.ErrNotFound) {
		es.Add("person_id", "error.no_such_record")
	} else if err != nil {
		return Application{}, err
	} else {
		trainee = p
	}
	var dept institution.Department
	if in.HostDepartmentID == 0 {
		es.Add("host_department_id", "error.required")
	} else if d, err := institution.GetDepartment(ctx, tx, in.HostDepartmentID); errors.Is(err, institution.ErrNotFound) {
		es.Add("host_department_id", "error.no_such_record")
	} else if err != nil {
		return Application{}, err
	} else {
		dept = d
	}
	if in.Months < 1 || in.Months > MaxMonths {
		es.Add("months", "furtherstudy.months_range", 1, MaxMonths)
	}
	if in.WishStartOn == "" {
		es.Add("wish_start_on", "error.required")
	} else if _, err := agreement.ParseDate(in.WishStartOn); err != nil {
		es.Add("wish_start_on", "agreement.invalid_date")
	}
	es.MaxLen("purpose", in.Purpose, 2000)
	home := trainee.InstitutionID
	if in.HomeInstitutionID != 0 {
		if _, err := institution.Get(ctx, tx, in.HomeInstitutionID); errors.Is(err, institution.ErrNotFound) {
			es.Add("home_institution_id", "error.no_such_record")
		} else if err != nil {
			return Application{}, err
		}
		home = in.HomeInstitutionID
	}
	if trainee.ID != 0 && dept.ID != 0 {
		if home == dept.InstitutionID {
			es.Add("home_institution_id", "furtherstudy.own_institution")
		}
		var open int
		err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM further_study_applications WHERE person_id = ? AND host_department_id = ?
			AND status IN (?, ?, ?, ?)`, trainee.ID, dept.ID, Submitted, DepartmentApproved, Accepted, Arrived).Scan(&open)
		if err != nil {
			return Application{}, fmt.Errorf("furtherstudy: apply: %w", err)
		}
		if open > 0 {
			es.Add("host_department_id", "furtherstudy.already_open")
		}
	}
	if len(es) > 0 {
		return Application{}, es
	}
	now := store.Now()
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO further_study_applications (person_id, home_institution_id, category, title,
		host_institution_id, host_department_id, months, wish_start_on, purpose, status, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		trainee.ID, home, trainee.Category, trainee.Title, dept.InstitutionID, dept.ID, in.Months,
		in.WishStartOn, in.Purpose, Submitted, actor.Label, now, now).Scan(&id)
	if err != nil {
		return Application{}, fmt.Errorf("furtherstudy: apply: %w", err)
	}
	a, err := Get(ctx, tx, id)
	if err != nil {
		return Application{}, err
	}
	err = audit.Record(ctx, tx, actor, audit.Change{Action: "create", Entity: "further_study", EntityID: id,
		InstitutionID: a.HostInstitutionID, After: a})
	return a, err
}

const columns = `a.id, a.person_id, pp.name_zh, pp.name_en, a.home_institution_id, hi.name_zh, hi.name_en, a.category, a.title,
	a.host_institution_id, a.host_department_id, d.name_zh, d.name_en, a.months, a.wish_start_on, a.purpose, a.status,
	a.department_comment, a.department_by, a.department_at, a.office_comment, a.office_by, a.office_at, a.placement_id,
	a.start_on, a.end_on, a.supervisor_id, sp.name_zh, sp.name_en, a.arrived_on, a.completed_on, a.left_on, a.months_completed,
	a.final_score, a.final_comment, a.credit_year, a.credits, a.full_year, a.credit_explanation, a.created_by,
	a.created_at, a.updated_at`

const from = ` FROM further_study_applications a
	JOIN people pp ON pp.id = a.person_id
	JOIN institutions hi ON hi.id = a.home_institution_id
	JOIN departments d ON d.id = a.host_department_id
	LEFT JOIN people sp ON sp.id = a.supervisor_id`

// names holds both spellings of a name until the reader's language is known.
type names struct{ zh, en sql.NullString }

func (n names) pick() string {
	return person.Person{NameZH: n.zh.String, NameEN: n.en.String}.Name("zh-CN")
}

func scan(s store.Scanner) (Application, error) {
	var a Application
	var who, home, dept, sup names
	var depAt, offAt sql.NullTime
	var placementID, supervisorID, score sql.NullInt64
	var full int
	err := s.Scan(&a.ID, &a.PersonID, &who.zh, &who.en, &a.HomeInstitutionID, &home.zh, &home.en, &a.Category, &a.Title,
		&a.HostInstitutionID, &a.HostDepartmentID, &dept.zh, &dept.en, &a.Months, &a.WishStartOn, &a.Purpose, &a.Status,
		&a.DepartmentComment, &a.DepartmentBy, &depAt, &a.OfficeComment, &a.OfficeBy, &offAt, &placementID,
		&a.StartOn, &a.EndOn, &supervisorID, &sup.zh, &sup.en, &a.ArrivedOn, &a.CompletedOn, &a.LeftOn, &a.MonthsCompleted,
		&score, &a.FinalComment, &a.CreditYear, &a.Credits, &full, &a.CreditExplanation, &a.CreatedBy,
		&a.CreatedAt, &a.UpdatedAt)
	if err != nil {
		return a, err
	}
	a.PersonName, a.HomeName, a.DepartmentName, a.SupervisorName = who.pick(), home.pick(), dept.pick(), sup.pick()
	a.PlacementID, a.SupervisorID, a.FullYear = placementID.Int64, supervisorID.Int64, full != 0
	if depAt.Valid {
		t := depAt.Time.UTC()
		a.DepartmentAt = &t
	}
	if offAt.Valid {
		t := offAt.Time.UTC()
		a.OfficeAt = &t
	}
	if score.Valid {
		n := int(score.Int64)
		a.FinalScore = &n
	}
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, nil
}

// Get returns one application.
func Get(ctx context.Context, q store.Querier, id int64) (Application, error) {
	return get(ctx, q, id, false)
}

func get(ctx context.Context, q store.Querier, id int64, lock bool) (Application, error) {
	query := `SELECT ` + columns + from + ` WHERE a.id = ?`
	if lock && q.Dialect() == store.Postgres {
		query += ` FOR UPDATE OF a`
	}
	a, err := scan(q.QueryRow(ctx, query, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Application{}, ErrNotFound
	}
	if err != nil {
		return Application{}, fmt.Errorf("further study %d: load: %w", id, err)
	}
	return a, nil
}

// ListFilter narrows List. Zero fields do not filter; the scope fields
// widen each other (an application is listed when it is hosted in one of
// HostInstitutionIDs, or in one of DepartmentIDs, or is PersonID's own).
type ListFilter struct {
	AllScope           bool
	HostInstitutionIDs []int64
	DepartmentIDs      []int64
	OwnPersonID        int64
	SupervisorID       int64 // a supervisor sees the trainees they supervise

	PersonID      int64
	DepartmentID  int64
	Status        string
	Year          int // year of arrival, or of the wished start before arrival
	Limit, Offset int
}

// List returns applications, newest first, and how many match.
func List(ctx context.Context, q store.Querier, f ListFilter) ([]Application, int, error) {
	var where []string
	var args []any
	if !f.AllScope {
		var anyOf []string
		if len(f.HostInstitutionIDs) > 0 {
			anyOf = append(anyOf, `a.host_institution_id IN (`+store.Marks(len(f.HostInstitutionIDs))+`)`)
			args = append(args, store.Args(f.HostInstitutionIDs)...)
		}
		if len(f.DepartmentIDs) > 0 {
			anyOf = append(anyOf, `a.host_department_id IN (`+store.Marks(len(f.DepartmentIDs))+`)`)
			args = append(args, store.Args(f.DepartmentIDs)...)
		}
		if f.OwnPersonID != 0 {
			anyOf = append(anyOf, `a.person_id = ?`)
			args = append(args, f.OwnPersonID)
		}
		if f.SupervisorID != 0 {
			anyOf = append(anyOf, `a.supervisor_id = ?`)
			args = append(args, f.SupervisorID)
		}
		if len(anyOf) == 0 {
			return []Application{}, 0, nil
		}
		where = append(where, "("+strings.Join(anyOf, " OR ")+")")
	}
	add := func(cond string, v ...any) { where = append(where, cond); args = append(args, v...) }
	if f.PersonID != 0 {
		add(`a.person_id = ?`, f.PersonID)
	}
	if f.DepartmentID != 0 {
		add(`a.host_department_id = ?`, f.DepartmentID)
	}
	if f.Status != "" {
		add(`a.status = ?`, f.Status)
	}
	if f.Year != 0 {
		lo, hi := fmt.Sprintf("%04d-01-01", f.Year), fmt.Sprintf("%04d-12-31", f.Year)
		add(`((a.arrived_on <> '' AND a.arrived_on BETWEEN ? AND ?) OR (a.arrived_on = '' AND a.wish_start_on BETWEEN ? AND ?))`, lo, hi, lo, hi)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM further_study_applications a`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("furtherstudy: list: %w", err)
	}
	page, pageArgs := store.PageClause(f.Limit, f.Offset)
	list, err := store.QueryAll(ctx, q, scan, `SELECT `+columns+from+cond+` ORDER BY a.created_at DESC, a.id DESC`+page,
		append(args, pageArgs...)...)
	if err != nil {
		return nil, 0, fmt.Errorf("furtherstudy: list: %w", err)
	}
	if list == nil {
		list = []Application{}
	}
	return list, total, nil
}

// CompletesYear reports whether person completed further study that, under
// the host's rule set, completes the credit year's requirement.
func CompletesYear(ctx context.Context, q store.Querier, personID int64, year int) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM further_study_applications WHERE person_id = ? AND status = ?
		AND credit_year = ? AND full_year = 1`, personID, Completed, year).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("furtherstudy: full year of person %d: %w", personID, err)
	}
	return n > 0, nil
}

// HostDepartment is a department that can take trainees, with its institution.
type HostDepartment struct {
	ID            int64  `json:"id"`
	NameZH        string `json:"name_zh"`
	NameEN        string `json:"name_en"`
	InstitutionID int64  `json:"institution_id"`
	InstNameZH    string `json:"institution_name_zh"`
	InstNameEN    string `json:"institution_name_en"`
}

// Name is "institution · department" in lang.
func (d HostDepartment) Name(lang string) string {
	return (Group{NameZH: d.InstNameZH, NameEN: d.InstNameEN}).Name(lang) + " · " + (Group{NameZH: d.NameZH, NameEN: d.NameEN}).Name(lang)
}

// hostKinds are the institutions of the network that receive trainees.
var hostKinds = []string{"university", "college", "affiliated_hospital", "hospital"}

// HostDepartments lists the departments of the network's own institutions
// (nil institutionIDs: all of them), by institution and department.
func HostDepartments(ctx context.Context, q store.Querier, institutionIDs []int64) ([]HostDepartment, error) {
	query := `SELECT d.id, d.name_zh, d.name_en, i.id, i.name_zh, i.name_en FROM departments d JOIN institutions i ON i.id = d.institution_id
		WHERE i.kind IN (` + store.Marks(len(hostKinds)) + `)`
	args := store.Args(hostKinds)
	if institutionIDs != nil {
		if len(institutionIDs) == 0 {
			return []HostDepartment{}, nil
		}
		query += ` AND i.id IN (` + store.Marks(len(institutionIDs)) + `)`
		args = append(args, store.Args(institutionIDs)...)
	}
	list, err := store.QueryAll(ctx, q, func(s store.Scanner) (HostDepartment, error) {
		var d HostDepartment
		var zh, en, izh, ien sql.NullString
		err := s.Scan(&d.ID, &zh, &en, &d.InstitutionID, &izh, &ien)
		d.NameZH, d.NameEN, d.InstNameZH, d.InstNameEN = zh.String, en.String, izh.String, ien.String
		return d, err
	}, query+` ORDER BY i.sort_key, i.id, d.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("furtherstudy: host departments: %w", err)
	}
	return list, nil
}

// Today is the current date where further study is reckoned, "YYYY-MM-DD".
func Today() string { return today() }

// MonthsCompleted maps each person who completed further study with
// credit year year to the whole months completed (all of them when
// personID is 0, else that person only); compliance asks whether they
// reach the months that complete the year under the person's rule set.
func MonthsCompleted(ctx context.Context, q store.Querier, personID int64, year int) (map[int64]int, error) {
	query := `SELECT person_id, SUM(months_completed) FROM further_study_applications WHERE status = ? AND credit_year = ?`
	args := []any{Completed, year}
	if personID != 0 {
		query += ` AND person_id = ?`
		args = append(args, personID)
	}
	rows, err := q.Query(ctx, query+` GROUP BY person_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("furtherstudy: months completed in %d: %w", year, err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var months int
		if err := rows.Scan(&id, &months); err != nil {
			return nil, fmt.Errorf("furtherstudy: months completed in %d: %w", year, err)
		}
		out[id] = months
	}
	return out, rows.Err()
}
