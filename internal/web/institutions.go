package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/meded/meded/internal/geo"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
)

func institutionFilter(r *http.Request) institution.ListFilter {
	q := r.URL.Query()
	_, limit, offset := pageOf(r)
	return institution.ListFilter{
		Query: strings.TrimSpace(q.Get("q")), Kind: q.Get("kind"), Country: strings.ToUpper(q.Get("country")),
		Continent: geo.Continent(q.Get("continent")), ParentID: queryID(r, "parent_id"), Sort: q.Get("sort"),
		Limit: limit, Offset: offset,
	}
}

func institutionInput(f url.Values) institution.Input {
	g := func(k string) string { return strings.TrimSpace(f.Get(k)) }
	parent, _ := strconv.ParseInt(g("parent_id"), 10, 64)
	founded, _ := strconv.Atoi(g("founded"))
	return institution.Input{
		Kind: institution.Kind(g("kind")), NameZH: g("name_zh"), NameEN: g("name_en"), ParentID: parent,
		Country: strings.ToUpper(g("country")), Region: g("region"), City: g("city"), Founded: founded, TimeZone: g("time_zone"),
		Grade: institution.Grade(g("grade")), ProvincialLevel: f.Get("provincial_level") != "",
	}
}

func (s *Server) saveInstitution(r *http.Request, id int64, in institution.Input) (institution.Institution, error) {
	p := visitOf(r).principal
	var out institution.Institution
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		if id == 0 {
			if !canCreateInstitution(p, in) {
				return errForbidden
			}
			out, err = institution.Create(r.Context(), tx, s.actor(r), in)
			return err
		}
		old, err := institution.Get(r.Context(), tx, id)
		if err != nil {
			return err
		}
		if !canEditInstitution(p, old) {
			return errForbidden
		}
		out, err = institution.Update(r.Context(), tx, s.actor(r), id, in)
		return err
	})
	return out, err
}

func (s *Server) saveDepartment(r *http.Request, institutionID int64, in institution.DepartmentInput) (institution.Department, error) {
	p := visitOf(r).principal
	if !canEditPeopleIn(p, institutionID) {
		return institution.Department{}, errForbidden
	}
	var out institution.Department
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		if _, err := institution.Get(r.Context(), tx, institutionID); err != nil {
			return err
		}
		var err error
		out, err = institution.CreateDepartment(r.Context(), tx, s.actor(r), institutionID, in)
		return err
	})
	return out, err
}

type institutionListPage struct {
	Institutions []institution.Institution
	Filter       institution.ListFilter
	Pager        pager
	Kinds        []institution.Kind
	Continents   []geo.Continent
	CanCreate    bool
}

func (s *Server) institutionList(w http.ResponseWriter, r *http.Request) error {
	f := institutionFilter(r)
	list, total, err := institution.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	page, _, _ := pageOf(r)
	return s.render(w, r, "institutions", institutionListPage{
		Institutions: list, Filter: f, Pager: newPager(r, page, total), Kinds: institution.Kinds,
		Continents: geo.Continents(), CanCreate: visitOf(r).principal.Has(institutionEditors...),
	})
}

type institutionPage struct {
	Institution institution.Institution
	Parent      *institution.Institution
	Children    []institution.Institution
	Departments []institution.Department
	PeopleCount int
	CanEdit     bool
	CanAddDept  bool
}

func (s *Server) institutionShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	inst, err := institution.Get(ctx, s.db, id)
	if err != nil {
		return err
	}
	p := visitOf(r).principal
	page := institutionPage{Institution: inst, CanEdit: canEditInstitution(p, inst), CanAddDept: canEditPeopleIn(p, inst.ID)}
	if inst.ParentID != 0 {
		parent, err := institution.Get(ctx, s.db, inst.ParentID)
		if err != nil {
			return err
		}
		page.Parent = &parent
	}
	if page.Children, err = institution.Children(ctx, s.db, id); err != nil {
		return err
	}
	if page.Departments, err = institution.Departments(ctx, s.db, id); err != nil {
		return err
	}
	if p.Has(peopleReaders...) {
		f := person.ListFilter{InstitutionID: id, Limit: 1}
		peopleScope(p, &f)
		if _, page.PeopleCount, err = person.List(ctx, s.db, f); err != nil {
			return err
		}
	}
	return s.render(w, r, "institution", page)
}

type institutionFormPage struct {
	Institution institution.Institution
	New         bool
	Kinds       []institution.Kind
	Grades      []institution.Grade
	Parents     []institution.Institution
	Countries   []string
}

func (s *Server) institutionFormData(r *http.Request, inst institution.Institution, isNew bool) (institutionFormPage, error) {
	parents, _, err := institution.List(r.Context(), s.db, institution.ListFilter{Limit: 1000})
	return institutionFormPage{Institution: inst, New: isNew, Kinds: institution.Kinds, Grades: institution.Grades, Parents: parents, Countries: geo.Codes()}, err
}

func (s *Server) institutionNew(w http.ResponseWriter, r *http.Request) error {
	page, err := s.institutionFormData(r, institution.Institution{ParentID: queryID(r, "parent_id"), Country: "CN", TimeZone: "Asia/Shanghai"}, true)
	if err != nil {
		return err
	}
	return s.render(w, r, "institution_form", page)
}

func (s *Server) institutionEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	inst, err := institution.Get(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	if !canEditInstitution(visitOf(r).principal, inst) {
		return errForbidden
	}
	page, err := s.institutionFormData(r, inst, false)
	if err != nil {
		return err
	}
	return s.render(w, r, "institution_form", page)
}

func (s *Server) institutionCreate(w http.ResponseWriter, r *http.Request) error {
	return s.institutionSubmit(w, r, 0)
}

func (s *Server) institutionUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.institutionSubmit(w, r, id)
}

func (s *Server) institutionSubmit(w http.ResponseWriter, r *http.Request, id int64) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	inst, err := s.saveInstitution(r, id, institutionInput(r.PostForm))
	if err != nil {
		page, ferr := s.institutionFormData(r, institution.Institution{ID: id}, id == 0)
		if ferr != nil {
			return ferr
		}
		return s.renderForm(w, r, "institution_form", page, err)
	}
	return redirectFlash(w, r, "/institutions/"+strconv.FormatInt(inst.ID, 10), "flash.saved")
}

func (s *Server) departmentCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	in := institution.DepartmentInput{NameZH: strings.TrimSpace(r.PostForm.Get("name_zh")), NameEN: strings.TrimSpace(r.PostForm.Get("name_en"))}
	if _, err := s.saveDepartment(r, id, in); err != nil {
		return err
	}
	return redirectFlash(w, r, "/institutions/"+strconv.FormatInt(id, 10), "flash.saved")
}

func (s *Server) apiInstitutionList(w http.ResponseWriter, r *http.Request) error {
	f := institutionFilter(r)
	f.Limit, f.Offset = apiPage(r)
	list, total, err := institution.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listBody(list, total, f.Limit, f.Offset))
}

func (s *Server) apiInstitutionGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	inst, err := institution.Get(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, inst)
}

func (s *Server) apiInstitutionCreate(w http.ResponseWriter, r *http.Request) error {
	var in institution.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	inst, err := s.saveInstitution(r, 0, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, inst)
}

func (s *Server) apiInstitutionUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in institution.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	inst, err := s.saveInstitution(r, id, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, inst)
}

func (s *Server) apiDepartmentList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := institution.Get(r.Context(), s.db, id); err != nil {
		return err
	}
	depts, err := institution.Departments(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listBody(depts, len(depts), len(depts), 0))
}

func (s *Server) apiDepartmentCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in institution.DepartmentInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	d, err := s.saveDepartment(r, id, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, d)
}
