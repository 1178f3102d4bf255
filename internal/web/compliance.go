package web

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"time"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/credit"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/rules"
)

var complianceReaders = []account.Role{account.Admin, account.EducationOffice, account.Auditor, account.DepartmentReviewer}

// loadDashboard evaluates everyone the principal may read, optionally one
// institution or department of it, for ?year= (this year by default).
func (s *Server) loadDashboard(r *http.Request) (credit.Dashboard, person.ListFilter, error) {
	p := visitOf(r).principal
	f := person.ListFilter{InstitutionID: queryID(r, "institution_id"), DepartmentID: queryID(r, "department_id")}
	peopleScope(p, &f)
	year, _, _ := creditYears(r)
	d, err := credit.DashboardOf(r.Context(), s.db, f, year, time.Now())
	return d, f, err
}

type compliancePage struct {
	Dashboard credit.Dashboard
	Behind    []credit.Row // this page of those not yet compliant
	Pager     pager
	Filter    person.ListFilter
	Statuses  []string
	Query     string
}

func (s *Server) compliance(w http.ResponseWriter, r *http.Request) error {
	d, f, err := s.loadDashboard(r)
	if err != nil {
		return err
	}
	var behind []credit.Row
	for _, row := range d.Rows {
		if row.Status != rules.Compliant && row.Status != rules.Exempt {
			behind = append(behind, row)
		}
	}
	page, limit, offset := pageOf(r)
	q := r.URL.Query()
	q.Del("page")
	return s.render(w, r, "compliance", compliancePage{Dashboard: d, Filter: f, Query: q.Encode(),
		Behind: behind[min(offset, len(behind)):min(offset+limit, len(behind))], Pager: newPager(r, page, len(behind)),
		Statuses: []string{rules.NotCompliant, rules.AtRisk, rules.OnTrack, rules.Compliant, rules.Exempt}})
}

// complianceCSV exports the dashboard's rows, one person and requirement a line.
func (s *Server) complianceCSV(w http.ResponseWriter, r *http.Request) error {
	d, _, err := s.loadDashboard(r)
	if err != nil {
		return err
	}
	v := visitOf(r)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="compliance-`+strconv.Itoa(d.Year)+`.csv"`)
	w.Write([]byte("\xef\xbb\xbf")) // a BOM, so spreadsheet programs read the Chinese names as UTF-8
	out := csv.NewWriter(w)
	out.Write([]string{s.cat.T(v.lang, "field.person_name"), s.cat.T(v.lang, "field.staff_number"), s.cat.T(v.lang, "credits.profile"),
		s.cat.T(v.lang, "credits.requirement"), s.cat.T(v.lang, "credits.counted"), s.cat.T(v.lang, "credits.short"), s.cat.T(v.lang, "field.status")})
	for _, row := range d.Rows {
		for _, res := range row.Evaluation.Results {
			counted := rules.Hundredths(res.Credits)
			short := rules.Hundredths(res.NeedCredits)
			if res.Requirement.MinHours > 0 && res.Requirement.MinCredits == 0 {
				counted, short = rules.Hundredths(res.Hours), rules.Hundredths(res.NeedHours)
			}
			out.Write([]string{row.Person.Name(v.lang), row.Person.StaffNumber, row.ProfileID, res.Requirement.ID, counted, short,
				s.cat.T(v.lang, "compliance."+res.Status)})
		}
	}
	out.Flush()
	return out.Error()
}

func (s *Server) apiCompliance(w http.ResponseWriter, r *http.Request) error {
	d, _, err := s.loadDashboard(r)
	if err != nil {
		return err
	}
	if d.Rows == nil {
		d.Rows = []credit.Row{}
	}
	p := visitOf(r).principal
	for i := range d.Rows {
		d.Rows[i].Person = presentPerson(p, d.Rows[i].Person)
	}
	return writeJSON(w, http.StatusOK, d)
}
