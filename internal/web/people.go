package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
)

func peopleFilter(r *http.Request) person.ListFilter {
	q := r.URL.Query()
	_, limit, offset := pageOf(r)
	f := person.ListFilter{
		Query:         strings.TrimSpace(q.Get("q")),
		InstitutionID: queryID(r, "institution_id"), DepartmentID: queryID(r, "department_id"),
		Category: q.Get("category"), Title: q.Get("title"), Sort: q.Get("sort"),
		Limit: limit, Offset: offset,
	}
	peopleScope(visitOf(r).principal, &f)
	return f
}

func personInput(f url.Values) person.Input {
	id := func(k string) int64 { n, _ := strconv.ParseInt(f.Get(k), 10, 64); return n }
	g := func(k string) string { return strings.TrimSpace(f.Get(k)) }
	return person.Input{
		NameZH: g("name_zh"), NameEN: g("name_en"), Gender: g("gender"), Title: g("title"), Category: g("category"),
		InstitutionID: id("institution_id"), DepartmentID: id("department_id"),
		StaffNumber: g("staff_number"), Phone: g("phone"), Email: g("email"), NationalID: g("national_id"),
	}
}

// presentPerson hides the ID number from those who may not read it.
func presentPerson(p *account.Principal, per person.Person) person.Person {
	if !canSeeNationalID(p, per) {
		per.NationalID = per.MaskedNationalID()
	}
	return per
}

func (s *Server) loadVisiblePerson(r *http.Request) (person.Person, error) {
	return s.pathPerson(r, canSeePerson)
}

// pathPerson loads the person of path {id} when visible says the principal
// may see them; anyone else learns only that there is no such page.
func (s *Server) pathPerson(r *http.Request, visible func(*account.Principal, person.Person) bool) (person.Person, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return person.Person{}, err
	}
	per, err := person.Get(r.Context(), s.db, id)
	if err != nil {
		return per, err
	}
	if !visible(visitOf(r).principal, per) {
		return per, errNotFound
	}
	return per, nil
}

// savePerson creates (id 0) or updates a person inside the editor's scope.
func (s *Server) savePerson(r *http.Request, id int64, in person.Input) (person.Person, error) {
	p := visitOf(r).principal
	if !canEditPeopleIn(p, in.InstitutionID) && in.InstitutionID != 0 {
		return person.Person{}, errForbidden
	}
	var out person.Person
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		if id == 0 {
			out, err = person.Create(r.Context(), tx, s.actor(r), in)
			return err
		}
		old, err := person.Get(r.Context(), tx, id)
		if err != nil {
			return err
		}
		if !canEditPeopleIn(p, old.InstitutionID) {
			return errNotFound
		}
		out, err = person.Update(r.Context(), tx, s.actor(r), id, in)
		return err
	})
	return out, err
}

type personListPage struct {
	People       []person.Person
	Institutions map[int64]institution.Institution
	Filter       person.ListFilter
	Pager        pager
	Categories   []string
	Titles       []string
	CanEdit      bool
}

func (s *Server) personList(w http.ResponseWriter, r *http.Request) error {
	p := visitOf(r).principal
	f := peopleFilter(r)
	people, total, err := person.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	insts, err := s.institutionsByID(r, people)
	if err != nil {
		return err
	}
	page, _, _ := pageOf(r)
	return s.render(w, r, "people", personListPage{
		People: people, Institutions: insts, Filter: f, Pager: newPager(r, page, total),
		Categories: person.Categories, Titles: person.Titles, CanEdit: p.Has(peopleEditors...),
	})
}

func (s *Server) institutionsByID(r *http.Request, people []person.Person) (map[int64]institution.Institution, error) {
	out := map[int64]institution.Institution{}
	for _, per := range people {
		if _, ok := out[per.InstitutionID]; ok {
			continue
		}
		inst, err := institution.Get(r.Context(), s.db, per.InstitutionID)
		if err != nil {
			return nil, err
		}
		out[per.InstitutionID] = inst
	}
	return out, nil
}

type personPage struct {
	Person      person.Person
	Institution institution.Institution
	Department  *institution.Department
	Account     *account.Account
	CanEdit     bool
	Faculty     *facultyRecord // classes and conference contributions (faculty_report.go)
	// CanMerge offers to fold this record into another; Duplicates are
	// records with the same name in the same institution.
	CanMerge   bool
	Duplicates []person.Person
}

func (s *Server) personShow(w http.ResponseWriter, r *http.Request) error {
	per, err := s.loadVisiblePerson(r)
	if err != nil {
		return err
	}
	if mergedRedirect(w, r, per, "") {
		return nil
	}
	page, err := s.personPageOf(r, per)
	if err != nil {
		return err
	}
	return s.render(w, r, "person", page)
}

func (s *Server) personPageOf(r *http.Request, per person.Person) (personPage, error) {
	var err error
	p := visitOf(r).principal
	page := personPage{Person: presentPerson(p, per), CanEdit: canEditPeopleIn(p, per.InstitutionID)}
	page.CanMerge = page.CanEdit
	if page.CanMerge {
		if page.Duplicates, err = s.duplicatesOf(r, per); err != nil {
			return page, err
		}
	}
	if page.Institution, err = institution.Get(r.Context(), s.db, per.InstitutionID); err != nil {
		return page, err
	}
	if per.DepartmentID != 0 {
		d, err := institution.GetDepartment(r.Context(), s.db, per.DepartmentID)
		if err != nil {
			return page, err
		}
		page.Department = &d
	}
	if p.Has(accountManagers...) {
		if a, err := account.ByPerson(r.Context(), s.db, per.ID); err == nil {
			page.Account = &a
		}
	}
	if page.Faculty, err = s.personFaculty(r, per); err != nil {
		return page, err
	}
	return page, nil
}

type personFormPage struct {
	Person       person.Person
	New          bool
	Institutions []institution.Institution
	Departments  []institution.Department
	Genders      []string
	Titles       []string
	Categories   []string
}

func (s *Server) personFormData(r *http.Request, per person.Person, isNew bool) (personFormPage, error) {
	p := visitOf(r).principal
	insts, _, err := institution.List(r.Context(), s.db, institution.ListFilter{IDs: scopeOf(p, peopleEditors...), Limit: 1000})
	if err != nil {
		return personFormPage{}, err
	}
	page := personFormPage{Person: per, New: isNew, Institutions: insts,
		Genders: person.Genders, Titles: person.Titles, Categories: person.Categories}
	instID := per.InstitutionID
	if instID == 0 && len(insts) > 0 {
		instID = insts[0].ID
	}
	if instID != 0 {
		page.Departments, err = institution.Departments(r.Context(), s.db, instID)
	}
	return page, err
}

func (s *Server) personNew(w http.ResponseWriter, r *http.Request) error {
	page, err := s.personFormData(r, person.Person{InstitutionID: queryID(r, "institution_id"), Title: "none", Category: "physician", Gender: "unknown"}, true)
	if err != nil {
		return err
	}
	return s.render(w, r, "person_form", page)
}

func (s *Server) personEdit(w http.ResponseWriter, r *http.Request) error {
	per, err := s.loadVisiblePerson(r)
	if err != nil {
		return err
	}
	if !canEditPeopleIn(visitOf(r).principal, per.InstitutionID) {
		return errForbidden
	}
	page, err := s.personFormData(r, per, false)
	if err != nil {
		return err
	}
	return s.render(w, r, "person_form", page)
}

func (s *Server) personCreate(w http.ResponseWriter, r *http.Request) error {
	return s.personSubmit(w, r, 0)
}

func (s *Server) personUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.personSubmit(w, r, id)
}

func (s *Server) personSubmit(w http.ResponseWriter, r *http.Request, id int64) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	in := personInput(r.PostForm)
	per, err := s.savePerson(r, id, in)
	if err != nil {
		page, ferr := s.personFormData(r, person.Person{ID: id, InstitutionID: in.InstitutionID}, id == 0)
		if ferr != nil {
			return ferr
		}
		return s.renderForm(w, r, "person_form", page, err)
	}
	return redirectFlash(w, r, "/people/"+strconv.FormatInt(per.ID, 10), "flash.saved")
}

func (s *Server) apiPersonList(w http.ResponseWriter, r *http.Request) error {
	p := visitOf(r).principal
	f := peopleFilter(r)
	f.Limit, f.Offset = apiPage(r)
	people, total, err := person.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	for i := range people {
		people[i] = presentPerson(p, people[i])
	}
	return writeJSON(w, http.StatusOK, listBody(people, total, f.Limit, f.Offset))
}

func (s *Server) apiPersonGet(w http.ResponseWriter, r *http.Request) error {
	per, err := s.loadVisiblePerson(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, presentPerson(visitOf(r).principal, per))
}

func (s *Server) apiPersonCreate(w http.ResponseWriter, r *http.Request) error {
	var in person.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	per, err := s.savePerson(r, 0, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, presentPerson(visitOf(r).principal, per))
}

func (s *Server) apiPersonUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in person.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	per, err := s.savePerson(r, id, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, presentPerson(visitOf(r).principal, per))
}

// apiPage reads ?limit= and ?offset= (limit 1–500, default 50).
func apiPage(r *http.Request) (limit, offset int) {
	limit, _ = strconv.Atoi(r.URL.Query().Get("limit"))
	offset, _ = strconv.Atoi(r.URL.Query().Get("offset"))
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	return limit, max(offset, 0)
}

type listResponse[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

func listBody[T any](items []T, total, limit, offset int) listResponse[T] {
	if items == nil {
		items = []T{}
	}
	return listResponse[T]{Items: items, Total: total, Limit: limit, Offset: offset}
}
