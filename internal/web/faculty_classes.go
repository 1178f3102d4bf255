package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/training"
)

func yearParam(r *http.Request) int {
	y, _ := strconv.Atoi(r.URL.Query().Get("year"))
	return y
}

type classListPage struct {
	Classes   []training.Class
	Year      int
	Pager     pager
	CanCreate bool
}

func (s *Server) classFilter(r *http.Request) training.Filter {
	return training.Filter{Year: yearParam(r), InstitutionIDs: scopeOf(visitOf(r).principal, classReaders...)}
}

func (s *Server) classList(w http.ResponseWriter, r *http.Request) error {
	f := s.classFilter(r)
	page, limit, offset := pageOf(r)
	f.Limit, f.Offset = limit, offset
	list, total, err := training.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	return s.render(w, r, "faculty_classes", classListPage{Classes: list, Year: f.Year, Pager: newPager(r, page, total),
		CanCreate: visitOf(r).principal.Has(classEditors...)})
}

// loadClass loads the class of path {id} for someone who may see it.
func (s *Server) loadClass(r *http.Request) (training.Class, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return training.Class{}, err
	}
	c, err := training.Get(r.Context(), s.db, id)
	if err != nil {
		return c, err
	}
	if !s.canSeeFacultyRecord(r, c.Activity) {
		return c, errNotFound
	}
	return c, nil
}

// loadManagedClass: 404 for those who may not see the class, 403 for
// those who see it but may not change it.
func (s *Server) loadManagedClass(r *http.Request) (training.Class, error) {
	c, err := s.loadClass(r)
	if err != nil {
		return c, err
	}
	if !canManageClass(visitOf(r).principal, c.Activity) {
		return c, errForbidden
	}
	return c, nil
}

type classPage struct {
	Class     training.Class
	Host      institution.Institution
	Owner     institution.Institution
	Summary   training.Summary
	Sessions  []session.Session
	Cohort    []training.Participant
	CanManage bool
}

func (s *Server) classShow(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClass(r)
	if err != nil {
		return err
	}
	page := classPage{Class: c, CanManage: canManageClass(visitOf(r).principal, c.Activity)}
	if page.Host, err = institution.Get(r.Context(), s.db, c.HostInstitutionID); err != nil {
		return err
	}
	if page.Owner, err = institution.Get(r.Context(), s.db, c.InstitutionID); err != nil {
		return err
	}
	if page.Summary, err = training.Summarize(r.Context(), s.db, c.ID); err != nil {
		return err
	}
	if page.Sessions, err = session.List(r.Context(), s.db, c.ID); err != nil {
		return err
	}
	if page.Cohort, err = training.Cohort(r.Context(), s.db, c.ID); err != nil {
		return err
	}
	return s.render(w, r, "faculty_class", page)
}

type classFormPage struct {
	Class        training.Class
	Input        training.Input
	New          bool
	Institutions []institution.Institution // where the office may run a class
	Hosts        []institution.Institution
	Levels       []string
}

func (s *Server) classFormData(r *http.Request, c training.Class, in training.Input, isNew bool) (classFormPage, error) {
	scope := scopeOf(visitOf(r).principal, classEditors...)
	insts, _, err := institution.List(r.Context(), s.db, institution.ListFilter{IDs: scope, Limit: 1000})
	if err != nil {
		return classFormPage{}, err
	}
	hosts, _, err := institution.List(r.Context(), s.db, institution.ListFilter{Limit: 2000})
	if err != nil {
		return classFormPage{}, err
	}
	return classFormPage{Class: c, Input: in, New: isNew, Institutions: insts, Hosts: hosts,
		Levels: []string{"none", "institutional", "municipal", "provincial", "national"}}, nil
}

func (s *Server) classNew(w http.ResponseWriter, r *http.Request) error {
	in := training.Input{Level: "none", MinAttendancePct: 80, DirectorID: ownPerson(visitOf(r).principal)}
	page, err := s.classFormData(r, training.Class{}, in, true)
	if err != nil {
		return err
	}
	return s.render(w, r, "faculty_class_form", page)
}

func (s *Server) classEdit(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadManagedClass(r)
	if err != nil {
		return err
	}
	page, err := s.classFormData(r, c, training.InputOf(c), false)
	if err != nil {
		return err
	}
	return s.render(w, r, "faculty_class_form", page)
}

func classInputForm(f url.Values) training.Input {
	n := func(k string) int { v, _ := strconv.Atoi(strings.TrimSpace(f.Get(k))); return v }
	id := func(k string) int64 { v, _ := strconv.ParseInt(strings.TrimSpace(f.Get(k)), 10, 64); return v }
	return training.Input{TitleZH: f.Get("title_zh"), TitleEN: f.Get("title_en"), Level: f.Get("level"),
		InstitutionID: id("institution_id"), DepartmentID: id("department_id"), DirectorID: id("director_id"),
		HostInstitutionID: id("host_institution_id"), OrganiserZH: f.Get("organiser_zh"), OrganiserEN: f.Get("organiser_en"),
		ThemeZH: f.Get("theme_zh"), ThemeEN: f.Get("theme_en"), Audience: f.Get("audience"), StartDate: f.Get("start_date"),
		EndDate: f.Get("end_date"), PlannedHours: f.Get("planned_hours"), Capacity: n("capacity"),
		MinAttendancePct: n("min_attendance_pct")}
}

// saveClass creates (id 0) or updates a class; the office only within its
// own institutions.
func (s *Server) saveClass(r *http.Request, id int64, in training.Input) (training.Class, error) {
	p := visitOf(r).principal
	var out training.Class
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		if in.InstitutionID != 0 && !inScopeOf(p, in.InstitutionID, classEditors...) {
			return errForbidden
		}
		var err error
		if id == 0 {
			out, err = training.Create(r.Context(), tx, s.actor(r), in)
		} else {
			out, err = training.Update(r.Context(), tx, s.actor(r), id, in)
		}
		return err
	})
	return out, err
}

func (s *Server) classCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	in := classInputForm(r.PostForm)
	c, err := s.saveClass(r, 0, in)
	if err != nil {
		page, perr := s.classFormData(r, training.Class{}, in, true)
		if perr != nil {
			return perr
		}
		return s.renderForm(w, r, "faculty_class_form", page, err)
	}
	return redirectFlash(w, r, "/faculty/classes/"+strconv.FormatInt(c.ID, 10), "flash.saved")
}

func (s *Server) classUpdate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadManagedClass(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	in := classInputForm(r.PostForm)
	if _, err := s.saveClass(r, c.ID, in); err != nil {
		page, perr := s.classFormData(r, c, in, false)
		if perr != nil {
			return perr
		}
		return s.renderForm(w, r, "faculty_class_form", page, err)
	}
	return redirectFlash(w, r, "/faculty/classes/"+strconv.FormatInt(c.ID, 10), "flash.saved")
}

func (s *Server) apiClassList(w http.ResponseWriter, r *http.Request) error {
	f := s.classFilter(r)
	f.Limit, f.Offset = apiPage(r)
	list, total, err := training.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listBody(list, total, f.Limit, f.Offset))
}

// classBody is a class with its figures and its cohort's hours and completion.
type classBody struct {
	Class   training.Class         `json:"class"`
	Summary training.Summary       `json:"summary"`
	Cohort  []training.Participant `json:"cohort"`
}

func (s *Server) apiClassGet(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClass(r)
	if err != nil {
		return err
	}
	sum, err := training.Summarize(r.Context(), s.db, c.ID)
	if err != nil {
		return err
	}
	cohort, err := training.Cohort(r.Context(), s.db, c.ID)
	if err != nil {
		return err
	}
	if cohort == nil {
		cohort = []training.Participant{}
	}
	return writeJSON(w, http.StatusOK, classBody{Class: c, Summary: sum, Cohort: cohort})
}

func (s *Server) apiClassCreate(w http.ResponseWriter, r *http.Request) error {
	var in training.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := s.saveClass(r, 0, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, c)
}

func (s *Server) apiClassUpdate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadManagedClass(r)
	if err != nil {
		return err
	}
	var in training.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	out, err := s.saveClass(r, c.ID, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}
