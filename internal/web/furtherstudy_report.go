package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/meded/meded/internal/furtherstudy"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/rules"
)

type furtherStudyReportPage struct {
	Report     furtherstudy.Report
	Years      []int
	Hosts      []institution.Institution
	HostID     int64
	Dimensions []string
}

// furtherStudyReportOf computes the report of ?year= (default: the newest
// year with trainees) over the reader's scope, narrowed to one host by
// ?institution_id= when the reader may see it.
func (s *Server) furtherStudyReportOf(r *http.Request) (furtherStudyReportPage, error) {
	ctx := r.Context()
	p := visitOf(r).principal
	scope := furtherStudyReportScope(p)
	page := furtherStudyReportPage{Dimensions: furtherstudy.Dimensions}
	if id := queryID(r, "institution_id"); id != 0 {
		if !inScope(scope.HostInstitutionIDs, id) || !s.departmentsIn(r, scope.DepartmentIDs, id) {
			return page, errNotFound
		}
		scope.HostInstitutionIDs, page.HostID = []int64{id}, id
	}
	years, err := furtherstudy.Years(ctx, s.db, scope.HostInstitutionIDs)
	if err != nil {
		return page, err
	}
	page.Years = years
	year := int(queryID(r, "year"))
	switch {
	case year != 0 && (year < 1950 || year > 2200):
		return page, errNotFound
	case year == 0 && len(years) > 0:
		year = years[0]
	case year == 0:
		year = time.Now().In(furtherstudy.Zone).Year()
	}
	if page.Report, err = furtherstudy.YearReport(ctx, s.db, year, scope); err != nil {
		return page, err
	}
	hosts, err := furtherstudy.HostDepartments(ctx, s.db, furtherStudyReportScope(p).HostInstitutionIDs)
	if err != nil {
		return page, err
	}
	seen := map[int64]bool{}
	for _, d := range hosts {
		if !seen[d.InstitutionID] {
			seen[d.InstitutionID] = true
			page.Hosts = append(page.Hosts, institution.Institution{ID: d.InstitutionID, NameZH: d.InstNameZH, NameEN: d.InstNameEN})
		}
	}
	return page, nil
}

func (s *Server) furtherStudyReport(w http.ResponseWriter, r *http.Request) error {
	page, err := s.furtherStudyReportOf(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "further_study_report", page)
}

func (s *Server) apiFurtherStudyReport(w http.ResponseWriter, r *http.Request) error {
	page, err := s.furtherStudyReportOf(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, page.Report)
}

// furtherStudyReportCSV writes the report as one row per group, after a
// row of totals: dimension, key, name, trainees, months.
func (s *Server) furtherStudyReportCSV(w http.ResponseWriter, r *http.Request) error {
	page, err := s.furtherStudyReportOf(r)
	if err != nil {
		return err
	}
	rep := page.Report
	year := strconv.Itoa(rep.Year)
	rows := [][]string{
		{"year", "dimension", "key", "name_zh", "name_en", "trainees", "months"},
		{year, "total", "", "", "", strconv.Itoa(rep.Trainees), strconv.Itoa(rep.Months)},
		{year, "status", "completed", "", "", strconv.Itoa(rep.Completed), ""},
		{year, "status", "in_progress", "", "", strconv.Itoa(rep.InProgress), ""},
		{year, "status", "withdrawn", "", "", strconv.Itoa(rep.Withdrawn), ""},
		{year, "credits", "", "", "", rules.Hundredths(rep.Credits), ""},
	}
	for _, dim := range furtherstudy.Dimensions {
		for _, g := range rep.Groups(dim) {
			rows = append(rows, []string{year, dim, g.Key, g.NameZH, g.NameEN, strconv.Itoa(g.Trainees), strconv.Itoa(g.Months)})
		}
	}
	return s.writeCSV(w, "further-study-"+year+".csv", rows)
}

// departmentsIn reports whether a reviewer's departments (nil: not a
// reviewer-only reader) include one of institution id.
func (s *Server) departmentsIn(r *http.Request, departmentIDs []int64, id int64) bool {
	if departmentIDs == nil {
		return true
	}
	for _, d := range departmentIDs {
		dep, err := institution.GetDepartment(r.Context(), s.db, d)
		if err == nil && dep.InstitutionID == id {
			return true
		}
	}
	return false
}
