package web

import (
	"github.com/meded/meded/internal/agreement"
	"net/http"
	"slices"
	"strconv"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/furtherstudy"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
)

type furtherStudyListPage struct {
	Applications []furtherstudy.Application
	Pager        pager
	Statuses     []string
	Years        []int
	CanApply     bool
	CanEnter     bool
	Status       string
	Year         int
	Waiting      []furtherStudyWaiting
}

// furtherStudyWaiting is how many applications wait for the reader's step.
type furtherStudyWaiting struct {
	Status string
	Count  int
}

// waitingFor counts, in the reader's scope, the applications at the stages
// the reader acts on: a reviewer's submitted ones; the office's approved,
// accepted and studying ones.
func (s *Server) waitingFor(r *http.Request) ([]furtherStudyWaiting, error) {
	p := visitOf(r).principal
	var statuses []string
	if len(p.Departments(account.DepartmentReviewer)) > 0 || p.Has(account.Admin) {
		statuses = append(statuses, furtherstudy.Submitted)
	}
	if p.Has(furtherStudyOffices...) {
		statuses = append(statuses, furtherstudy.DepartmentApproved, furtherstudy.Accepted, furtherstudy.Arrived)
	}
	var out []furtherStudyWaiting
	for _, st := range statuses {
		f := furtherStudyListScope(p)
		if st != furtherstudy.Submitted && !f.AllScope {
			// The office acts on its hosts, not on its own or supervised trainees.
			f.DepartmentIDs, f.OwnPersonID, f.SupervisorID = nil, 0, 0
		}
		f.Status, f.Limit = st, 1
		_, n, err := furtherstudy.List(r.Context(), s.db, f)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			out = append(out, furtherStudyWaiting{Status: st, Count: n})
		}
	}
	return out, nil
}

// furtherStudyFilter is the reader's scope narrowed by ?status=, ?year=,
// ?department_id= and ?person_id=.
func furtherStudyFilter(r *http.Request) furtherstudy.ListFilter {
	f := furtherStudyListScope(visitOf(r).principal)
	q := r.URL.Query()
	f.Status = q.Get("status")
	f.Year = int(queryID(r, "year"))
	f.DepartmentID = queryID(r, "department_id")
	f.PersonID = queryID(r, "person_id")
	return f
}

func (s *Server) furtherStudyList(w http.ResponseWriter, r *http.Request) error {
	f := furtherStudyFilter(r)
	page, limit, offset := pageOf(r)
	f.Limit, f.Offset = limit, offset
	list, total, err := furtherstudy.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	p := visitOf(r).principal
	var hosts []int64
	if !f.AllScope {
		hosts = f.HostInstitutionIDs
		if hosts == nil {
			hosts = []int64{}
		}
	}
	years, err := furtherstudy.Years(r.Context(), s.db, hosts)
	if err != nil {
		return err
	}
	waiting, err := s.waitingFor(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "further_study_list", furtherStudyListPage{Applications: list, Pager: newPager(r, page, total),
		Statuses: furtherstudy.Statuses, Years: years, CanApply: ownPerson(p) != 0, CanEnter: p.Has(furtherStudyOffices...),
		Status: f.Status, Year: f.Year, Waiting: waiting})
}

// furtherStudyShowPage is one application with what the reader may do next.
type furtherStudyShowPage struct {
	App         furtherstudy.Application
	Evaluations []furtherstudy.Evaluation
	Missing     []string // months of the stay so far without an evaluation
	Supervisors []person.Person
	// Bases are the host's agreements in force, whose yearly places an
	// acceptance may count against.
	Bases      []agreement.Agreement
	Can        map[string]bool
	FailedStep string
}

func (s *Server) furtherStudyPage(r *http.Request, a furtherstudy.Application) (furtherStudyShowPage, error) {
	ctx := r.Context()
	page := furtherStudyShowPage{App: a, Can: map[string]bool{}}
	evs, err := furtherstudy.Evaluations(ctx, s.db, a.ID)
	if err != nil {
		return page, err
	}
	page.Evaluations = evs
	done := map[string]bool{}
	for _, e := range evs {
		done[e.Month] = true
	}
	today := furtherstudy.Today()
	for _, m := range a.StayMonths() {
		if !done[m] && m <= today[:7] {
			page.Missing = append(page.Missing, m)
		}
	}
	p := visitOf(r).principal
	steps := map[string][]string{
		"department-review": {furtherstudy.Submitted},
		"reject":            {furtherstudy.DepartmentApproved},
		"accept":            {furtherstudy.DepartmentApproved},
		"arrive":            {furtherstudy.Accepted},
		"evaluate":          {furtherstudy.Arrived, furtherstudy.Completed},
		"complete":          {furtherstudy.Arrived},
		"withdraw":          {furtherstudy.Submitted, furtherstudy.DepartmentApproved, furtherstudy.Accepted, furtherstudy.Arrived},
	}
	for step, statuses := range steps {
		page.Can[step] = slices.Contains(statuses, a.Status) && furtherStudyStepAllowed(p, a, step)
	}
	if page.Can["accept"] {
		page.Supervisors, _, err = person.List(ctx, s.db, person.ListFilter{DepartmentID: a.HostDepartmentID, Limit: 500})
		if err != nil {
			return page, err
		}
		for _, status := range []string{"active", "signed", "expiring"} {
			bases, _, err := agreement.List(ctx, s.db, agreement.ListFilter{PartyID: a.HostInstitutionID, Status: status, Limit: 200})
			if err != nil {
				return page, err
			}
			page.Bases = append(page.Bases, bases...)
		}
	}
	return page, nil
}

func (s *Server) furtherStudyShow(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadFurtherStudy(r)
	if err != nil {
		return err
	}
	page, err := s.furtherStudyPage(r, a)
	if err != nil {
		return err
	}
	return s.render(w, r, "further_study", page)
}

// furtherStudyFormPage is the application form: a trainee's own (Self) or
// one the office enters from a paper form for a person it finds by name.
type furtherStudyFormPage struct {
	Self        bool
	Trainee     person.Person
	Query       string
	People      []person.Person
	Departments []furtherstudy.HostDepartment
	Homes       []institution.Institution
}

func (s *Server) furtherStudyForm(r *http.Request, self bool) (furtherStudyFormPage, error) {
	ctx := r.Context()
	page := furtherStudyFormPage{Self: self}
	p := visitOf(r).principal
	var err error
	if page.Homes, _, err = institution.List(ctx, s.db, institution.ListFilter{Limit: 5000}); err != nil {
		return page, err
	}
	if self {
		if ownPerson(p) == 0 {
			return page, errForbidden
		}
		if page.Trainee, err = person.Get(ctx, s.db, ownPerson(p)); err != nil {
			return page, err
		}
		page.Departments, err = furtherstudy.HostDepartments(ctx, s.db, nil)
		return page, err
	}
	page.Query = r.URL.Query().Get("q")
	if page.Query != "" {
		page.People, _, err = person.List(ctx, s.db, person.ListFilter{Query: page.Query, Limit: 30})
		if err != nil {
			return page, err
		}
	}
	page.Departments, err = furtherstudy.HostDepartments(ctx, s.db, scopeOf(p, furtherStudyOffices...))
	return page, err
}

func (s *Server) furtherStudyApplyForm(w http.ResponseWriter, r *http.Request) error {
	page, err := s.furtherStudyForm(r, true)
	if err != nil {
		return err
	}
	return s.render(w, r, "further_study_form", page)
}

func (s *Server) furtherStudyNew(w http.ResponseWriter, r *http.Request) error {
	page, err := s.furtherStudyForm(r, false)
	if err != nil {
		return err
	}
	return s.render(w, r, "further_study_form", page)
}

func furtherStudyInputOf(r *http.Request) furtherstudy.Input {
	return furtherstudy.Input{PersonID: formID(r, "person_id"), HomeInstitutionID: formID(r, "home_institution_id"), HostDepartmentID: formID(r, "host_department_id"),
		Months: formInt(r, "months"), WishStartOn: r.PostForm.Get("wish_start_on"), Purpose: r.PostForm.Get("purpose")}
}

// applyFurtherStudy records an application: one's own, or, for the office,
// anyone's to a host department in its scope.
func (s *Server) applyFurtherStudy(r *http.Request, in furtherstudy.Input, self bool) (furtherstudy.Application, error) {
	p := visitOf(r).principal
	if self {
		if ownPerson(p) == 0 {
			return furtherstudy.Application{}, errForbidden
		}
		in.PersonID = ownPerson(p)
	}
	var out furtherstudy.Application
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		out, err = furtherstudy.Apply(r.Context(), tx, s.actor(r), in)
		if err != nil {
			return err
		}
		if !self && !isFurtherStudyOffice(p, out) {
			return errForbidden
		}
		return nil
	})
	return out, err
}

func (s *Server) furtherStudyApply(w http.ResponseWriter, r *http.Request) error {
	return s.furtherStudySubmit(w, r, true)
}

func (s *Server) furtherStudyCreate(w http.ResponseWriter, r *http.Request) error {
	return s.furtherStudySubmit(w, r, false)
}

func (s *Server) furtherStudySubmit(w http.ResponseWriter, r *http.Request, self bool) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	a, err := s.applyFurtherStudy(r, furtherStudyInputOf(r), self)
	if err != nil {
		if _, ok := asFields(err); ok {
			page, perr := s.furtherStudyForm(r, self)
			if perr != nil {
				return perr
			}
			if !self && page.Query == "" {
				// Keep the chosen person selectable when the form comes back.
				if per, gerr := person.Get(r.Context(), s.db, formID(r, "person_id")); gerr == nil {
					page.People = []person.Person{per}
				}
			}
			return s.renderForm(w, r, "further_study_form", page, err)
		}
		return err
	}
	return redirectFlash(w, r, "/further-study/"+strconv.FormatInt(a.ID, 10), "flash.saved")
}

// apiFurtherStudyCreate: a trainee applies for themself (person_id left
// out or their own); the office enters anyone's application to its hosts.
func (s *Server) apiFurtherStudyCreate(w http.ResponseWriter, r *http.Request) error {
	var in furtherstudy.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p := visitOf(r).principal
	self := in.PersonID == 0 || in.PersonID == ownPerson(p)
	if !self && !p.Has(furtherStudyOffices...) {
		return errForbidden
	}
	a, err := s.applyFurtherStudy(r, in, self)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, a)
}

func (s *Server) apiFurtherStudyList(w http.ResponseWriter, r *http.Request) error {
	f := furtherStudyFilter(r)
	f.Limit, f.Offset = apiPage(r)
	list, total, err := furtherstudy.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listBody(list, total, f.Limit, f.Offset))
}

func (s *Server) apiFurtherStudyGet(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadFurtherStudy(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a)
}

func (s *Server) apiFurtherStudyEvaluations(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadFurtherStudy(r)
	if err != nil {
		return err
	}
	evs, err := furtherstudy.Evaluations(r.Context(), s.db, a.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, evs)
}
