package furtherstudy

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"

	"github.com/meded/meded/internal/store"
)

// Report is one year's further-study statistics: the trainees who arrived
// at the hosts in scope during the year (each counted once, in the year of
// arrival, whatever became of the stay), and the same trainees grouped by
// host department, home institution, home province, category, title and
// length of stay.
type Report struct {
	Year          int     `json:"year"`
	Trainees      int     `json:"trainees"`
	Completed     int     `json:"completed"`
	InProgress    int     `json:"in_progress"`
	Withdrawn     int     `json:"withdrawn"`
	Months        int     `json:"months"`  // trainee-months: whole months studied, or the period for a stay still under way
	Credits       int64   `json:"credits"` // hundredths of a credit the ledger holds for the stays, after any correction
	FullYear      int     `json:"full_year"`
	ByDepartment  []Group `json:"by_department"`
	ByInstitution []Group `json:"by_institution"`
	ByProvince    []Group `json:"by_province"`
	ByCategory    []Group `json:"by_category"`
	ByTitle       []Group `json:"by_title"`
	ByMonths      []Group `json:"by_months"`
}

// Group is the trainees sharing one value of a dimension. Key is the value
// itself (an id, a province, a category, a number of months); NameZH and
// NameEN name departments and institutions.
type Group struct {
	Key      string `json:"key"`
	NameZH   string `json:"name_zh,omitempty"`
	NameEN   string `json:"name_en,omitempty"`
	Trainees int    `json:"trainees"`
	Months   int    `json:"months"`
}

// Name is the group's name in lang, or its key when it names no record.
func (g Group) Name(lang string) string {
	first, second := g.NameEN, g.NameZH
	if len(lang) >= 2 && lang[:2] == "zh" {
		first, second = g.NameZH, g.NameEN
	}
	switch {
	case first != "":
		return first
	case second != "":
		return second
	}
	return g.Key
}

// Scope limits a report to hosts: nil means every host.
type Scope struct {
	HostInstitutionIDs []int64
	DepartmentIDs      []int64
}

// YearReport computes the statistics of year over the hosts in scope.
func YearReport(ctx context.Context, q store.Querier, year int, scope Scope) (Report, error) {
	r := Report{Year: year}
	query := `SELECT a.status, a.host_department_id, d.name_zh, d.name_en, a.home_institution_id, hi.name_zh, hi.name_en,
		hi.region, a.category, a.title, a.start_on, a.end_on, a.months_completed,
		(SELECT CAST(COALESCE(SUM(e.amount), 0) AS BIGINT) FROM ledger_entries e WHERE e.source_ref = 'further_study:' || CAST(a.id AS TEXT)),
		a.full_year
		FROM further_study_applications a
		JOIN departments d ON d.id = a.host_department_id
		JOIN institutions hi ON hi.id = a.home_institution_id
		WHERE a.arrived_on BETWEEN ? AND ?`
	args := []any{fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)}
	if scope.HostInstitutionIDs != nil {
		if len(scope.HostInstitutionIDs) == 0 {
			return r, nil
		}
		query += ` AND a.host_institution_id IN (` + store.Marks(len(scope.HostInstitutionIDs)) + `)`
		args = append(args, store.Args(scope.HostInstitutionIDs)...)
	}
	if scope.DepartmentIDs != nil {
		if len(scope.DepartmentIDs) == 0 {
			return r, nil
		}
		query += ` AND a.host_department_id IN (` + store.Marks(len(scope.DepartmentIDs)) + `)`
		args = append(args, store.Args(scope.DepartmentIDs)...)
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return r, fmt.Errorf("furtherstudy: report %d: %w", year, err)
	}
	defer rows.Close()
	groups := map[string]map[string]*Group{}
	add := func(dim, key, zh, en string, months int) {
		m := groups[dim]
		if m == nil {
			m = map[string]*Group{}
			groups[dim] = m
		}
		g := m[key]
		if g == nil {
			g = &Group{Key: key, NameZH: zh, NameEN: en}
			m[key] = g
		}
		g.Trainees++
		g.Months += months
	}
	for rows.Next() {
		var status, deptZH, deptEN, category, title, start, end string
		var homeZH, homeEN, region sql.NullString
		var dept, home, credits int64
		var completed, full int
		if err := rows.Scan(&status, &dept, &deptZH, &deptEN, &home, &homeZH, &homeEN, &region, &category, &title,
			&start, &end, &completed, &credits, &full); err != nil {
			return r, fmt.Errorf("furtherstudy: report %d: %w", year, err)
		}
		months := completed
		if status != Completed && status != Withdrawn {
			s, err1 := parseDate(start)
			e, err2 := parseDate(end)
			if err1 == nil && err2 == nil {
				months = WholeMonths(s, e)
			}
		}
		r.Trainees++
		r.Months += months
		r.Credits += credits
		r.FullYear += full
		switch status {
		case Completed:
			r.Completed++
		case Withdrawn:
			r.Withdrawn++
		default:
			r.InProgress++
		}
		add("department", strconv.FormatInt(dept, 10), deptZH, deptEN, months)
		add("institution", strconv.FormatInt(home, 10), homeZH.String, homeEN.String, months)
		add("province", region.String, "", "", months)
		add("category", category, "", "", months)
		add("title", title, "", "", months)
		add("months", strconv.Itoa(months), "", "", months)
	}
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("furtherstudy: report %d: %w", year, err)
	}
	sorted := func(dim string, byKey bool) []Group {
		out := []Group{}
		for _, g := range groups[dim] {
			out = append(out, *g)
		}
		sort.Slice(out, func(i, j int) bool {
			if byKey {
				a, _ := strconv.Atoi(out[i].Key)
				b, _ := strconv.Atoi(out[j].Key)
				return a < b
			}
			if out[i].Trainees != out[j].Trainees {
				return out[i].Trainees > out[j].Trainees
			}
			return out[i].Key < out[j].Key
		})
		return out
	}
	r.ByDepartment, r.ByInstitution, r.ByProvince = sorted("department", false), sorted("institution", false), sorted("province", false)
	r.ByCategory, r.ByTitle, r.ByMonths = sorted("category", false), sorted("title", false), sorted("months", true)
	return r, nil
}

// Dimensions names the groupings of a report in the order pages show them.
var Dimensions = []string{"department", "institution", "province", "category", "title", "months"}

// Groups returns the report's groups of dimension dim.
func (r Report) Groups(dim string) []Group {
	switch dim {
	case "department":
		return r.ByDepartment
	case "institution":
		return r.ByInstitution
	case "province":
		return r.ByProvince
	case "category":
		return r.ByCategory
	case "title":
		return r.ByTitle
	case "months":
		return r.ByMonths
	}
	return nil
}

// Years lists the years in which trainees arrived at the hosts in scope
// (nil: every host), newest first.
func Years(ctx context.Context, q store.Querier, hostIDs []int64) ([]int, error) {
	query := `SELECT DISTINCT SUBSTR(arrived_on, 1, 4) FROM further_study_applications WHERE arrived_on <> ''`
	var args []any
	if hostIDs != nil {
		if len(hostIDs) == 0 {
			return nil, nil
		}
		query += ` AND host_institution_id IN (` + store.Marks(len(hostIDs)) + `)`
		args = store.Args(hostIDs)
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("furtherstudy: years: %w", err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var y string
		if err := rows.Scan(&y); err != nil {
			return nil, fmt.Errorf("furtherstudy: years: %w", err)
		}
		if n, err := strconv.Atoi(y); err == nil {
			out = append(out, n)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(out)))
	return out, rows.Err()
}
