package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/meded/meded/internal/conference"
	"github.com/meded/meded/internal/geo"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

type conferenceListPage struct {
	Conferences []conference.Conference
	Year        int
	Pager       pager
	CanCreate   bool
}

func (s *Server) conferenceFilter(r *http.Request) conference.Filter {
	return conference.Filter{Year: yearParam(r), InstitutionIDs: scopeOf(visitOf(r).principal, facultyReaders...)}
}

func (s *Server) conferenceList(w http.ResponseWriter, r *http.Request) error {
	f := s.conferenceFilter(r)
	page, limit, offset := pageOf(r)
	f.Limit, f.Offset = limit, offset
	list, total, err := conference.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	return s.render(w, r, "faculty_conferences", conferenceListPage{Conferences: list, Year: f.Year,
		Pager: newPager(r, page, total), CanCreate: visitOf(r).principal.Has(conferenceEditors...)})
}

func (s *Server) loadConference(r *http.Request) (conference.Conference, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return conference.Conference{}, err
	}
	c, err := conference.Get(r.Context(), s.db, id)
	if err != nil {
		return c, err
	}
	if !s.canSeeFacultyRecord(r, c.Activity) {
		return c, errNotFound
	}
	return c, nil
}

func (s *Server) loadManagedConference(r *http.Request) (conference.Conference, error) {
	c, err := s.loadConference(r)
	if err != nil {
		return c, err
	}
	if !canManageConference(visitOf(r).principal, c.Activity) {
		return c, errForbidden
	}
	return c, nil
}

type conferencePage struct {
	Conference    conference.Conference
	Owner         institution.Institution
	Partner       *institution.Institution
	Members       []conference.Member
	Contributions []conference.Contribution
	Types         []string
	CanManage     bool
}

func (s *Server) conferencePageData(r *http.Request, c conference.Conference) (conferencePage, error) {
	page := conferencePage{Conference: c, Types: conference.Types, CanManage: canManageConference(visitOf(r).principal, c.Activity)}
	var err error
	if page.Owner, err = institution.Get(r.Context(), s.db, c.InstitutionID); err != nil {
		return page, err
	}
	if c.PartnerInstitutionID != 0 {
		p, err := institution.Get(r.Context(), s.db, c.PartnerInstitutionID)
		if err != nil {
			return page, err
		}
		page.Partner = &p
	}
	if page.Members, err = conference.Members(r.Context(), s.db, c.ID); err != nil {
		return page, err
	}
	page.Contributions, err = conference.Contributions(r.Context(), s.db, c.ID)
	return page, err
}

func (s *Server) conferenceShow(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadConference(r)
	if err != nil {
		return err
	}
	page, err := s.conferencePageData(r, c)
	if err != nil {
		return err
	}
	return s.render(w, r, "faculty_conference", page)
}

type conferenceFormPage struct {
	Conference   conference.Conference
	Input        conference.Input
	New          bool
	Institutions []institution.Institution
	Partners     []institution.Institution
	Kinds        []string
	Countries    []string
}

func (s *Server) conferenceFormData(r *http.Request, c conference.Conference, in conference.Input, isNew bool) (conferenceFormPage, error) {
	scope := scopeOf(visitOf(r).principal, conferenceEditors...)
	insts, _, err := institution.List(r.Context(), s.db, institution.ListFilter{IDs: scope, Limit: 1000})
	if err != nil {
		return conferenceFormPage{}, err
	}
	partners, _, err := institution.List(r.Context(), s.db, institution.ListFilter{Limit: 2000})
	if err != nil {
		return conferenceFormPage{}, err
	}
	return conferenceFormPage{Conference: c, Input: in, New: isNew, Institutions: insts, Partners: partners,
		Kinds: conference.Kinds, Countries: geo.Codes()}, nil
}

func (s *Server) conferenceNew(w http.ResponseWriter, r *http.Request) error {
	in := conference.Input{Kind: "conference", DirectorID: ownPerson(visitOf(r).principal)}
	page, err := s.conferenceFormData(r, conference.Conference{}, in, true)
	if err != nil {
		return err
	}
	return s.render(w, r, "faculty_conference_form", page)
}

func (s *Server) conferenceEdit(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadManagedConference(r)
	if err != nil {
		return err
	}
	page, err := s.conferenceFormData(r, c, conference.InputOf(c), false)
	if err != nil {
		return err
	}
	return s.render(w, r, "faculty_conference_form", page)
}

func conferenceInputForm(f url.Values) conference.Input {
	n := func(k string) int { v, _ := strconv.Atoi(strings.TrimSpace(f.Get(k))); return v }
	id := func(k string) int64 { v, _ := strconv.ParseInt(strings.TrimSpace(f.Get(k)), 10, 64); return v }
	return conference.Input{Kind: f.Get("kind"), TitleZH: f.Get("title_zh"), TitleEN: f.Get("title_en"),
		InstitutionID: id("institution_id"), DepartmentID: id("department_id"), DirectorID: id("director_id"),
		OrganiserZH: f.Get("organiser_zh"), OrganiserEN: f.Get("organiser_en"), City: f.Get("city"), Country: f.Get("country"),
		StartDate: f.Get("start_date"), EndDate: f.Get("end_date"), PlannedHours: f.Get("planned_hours"),
		ExpectedAttendance: n("expected_attendance"), Countries: n("countries"), PartnerInstitutionID: id("partner_institution_id")}
}

func (s *Server) saveConference(r *http.Request, id int64, in conference.Input) (conference.Conference, error) {
	p := visitOf(r).principal
	var out conference.Conference
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		if in.InstitutionID != 0 && !inScopeOf(p, in.InstitutionID, conferenceEditors...) {
			return errForbidden
		}
		var err error
		if id == 0 {
			out, err = conference.Create(r.Context(), tx, s.actor(r), in)
		} else {
			out, err = conference.Update(r.Context(), tx, s.actor(r), id, in)
		}
		return err
	})
	return out, err
}

func conferencePath(id int64) string { return "/faculty/conferences/" + strconv.FormatInt(id, 10) }

func (s *Server) conferenceCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	in := conferenceInputForm(r.PostForm)
	c, err := s.saveConference(r, 0, in)
	if err != nil {
		page, perr := s.conferenceFormData(r, conference.Conference{}, in, true)
		if perr != nil {
			return perr
		}
		return s.renderForm(w, r, "faculty_conference_form", page, err)
	}
	return redirectFlash(w, r, conferencePath(c.ID), "flash.saved")
}

func (s *Server) conferenceUpdate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadManagedConference(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	in := conferenceInputForm(r.PostForm)
	if _, err := s.saveConference(r, c.ID, in); err != nil {
		page, perr := s.conferenceFormData(r, c, in, false)
		if perr != nil {
			return perr
		}
		return s.renderForm(w, r, "faculty_conference_form", page, err)
	}
	return redirectFlash(w, r, conferencePath(c.ID), "flash.saved")
}

// changeDelegation runs fn on a managed conference; a refused change shows
// the conference page again with the error.
func (s *Server) changeDelegation(w http.ResponseWriter, r *http.Request, fn func(tx *store.Tx, c conference.Conference) error) error {
	c, err := s.loadManagedConference(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error { return fn(tx, c) })
	if err != nil {
		page, perr := s.conferencePageData(r, c)
		if perr != nil {
			return perr
		}
		return s.renderForm(w, r, "faculty_conference", page, err)
	}
	return redirectFlash(w, r, conferencePath(c.ID), "flash.saved")
}

func (s *Server) memberAddPage(w http.ResponseWriter, r *http.Request) error {
	return s.changeDelegation(w, r, func(tx *store.Tx, c conference.Conference) error {
		id, err := resolvePerson(r, tx, r.PostForm.Get("person"))
		if err != nil {
			return err
		}
		_, err = conference.AddMember(r.Context(), tx, s.actor(r), c.ID, id)
		return err
	})
}

func (s *Server) memberRemovePage(w http.ResponseWriter, r *http.Request) error {
	return s.changeDelegation(w, r, func(tx *store.Tx, c conference.Conference) error {
		return conference.RemoveMember(r.Context(), tx, s.actor(r), c.ID, formID(r, "person_id"))
	})
}

func (s *Server) leaderPage(w http.ResponseWriter, r *http.Request) error {
	return s.changeDelegation(w, r, func(tx *store.Tx, c conference.Conference) error {
		if strings.TrimSpace(r.PostForm.Get("leader_id")) == "" {
			return validate.Field("leader_id", "error.required")
		}
		_, err := conference.SetLeader(r.Context(), tx, s.actor(r), c.ID, formID(r, "leader_id"))
		return err
	})
}

func (s *Server) contributionAddPage(w http.ResponseWriter, r *http.Request) error {
	return s.changeDelegation(w, r, func(tx *store.Tx, c conference.Conference) error {
		f := r.PostForm
		in := conference.ContributionInput{PersonID: formID(r, "person_id"), Type: f.Get("type"), TitleZH: f.Get("title_zh"),
			TitleEN: f.Get("title_en"), Session: f.Get("session"), CoAuthors: conference.ParseCoAuthors(f.Get("co_authors"))}
		_, err := conference.AddContribution(r.Context(), tx, s.actor(r), c.ID, in)
		return err
	})
}

// loadManagedContribution loads the contribution of path {id} and checks
// its conference like loadManagedConference.
func (s *Server) loadManagedContribution(r *http.Request) (conference.Contribution, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return conference.Contribution{}, err
	}
	x, err := conference.GetContribution(r.Context(), s.db, id)
	if err != nil {
		return x, err
	}
	c, err := conference.Get(r.Context(), s.db, x.ActivityID)
	if err != nil {
		return x, err
	}
	if !s.canSeeFacultyRecord(r, c.Activity) {
		return x, errNotFound
	}
	if !canManageConference(visitOf(r).principal, c.Activity) {
		return x, errForbidden
	}
	return x, nil
}

func (s *Server) contributionDeletePage(w http.ResponseWriter, r *http.Request) error {
	x, err := s.loadManagedContribution(r)
	if err != nil {
		return err
	}
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		_, err := conference.DeleteContribution(r.Context(), tx, s.actor(r), x.ID)
		return err
	})
	if err != nil {
		return err
	}
	return redirectFlash(w, r, conferencePath(x.ActivityID), "flash.contribution_deleted")
}

// resolvePerson reads a person written as an id, a staff number, a phone
// or a name, among the people of the editor's institutions; a name two
// people share is refused as ambiguous.
func resolvePerson(r *http.Request, q store.Querier, text string) (int64, error) {
	scope := scopeOf(visitOf(r).principal, conferenceEditors...)
	text = strings.TrimSpace(text)
	if text == "" {
		return 0, validate.Field("person_id", "error.required")
	}
	if id, err := strconv.ParseInt(text, 10, 64); err == nil && id > 0 {
		if per, err := person.Get(r.Context(), q, id); err == nil && inScope(scope, per.InstitutionID) {
			return id, nil
		}
	}
	found, err := person.FindByIdentifiers(r.Context(), q, scope, []string{text})
	if err != nil {
		return 0, err
	}
	switch matches := found[text]; len(matches) {
	case 0:
		return 0, validate.Field("person_id", "error.not_found")
	case 1:
		return matches[0].ID, nil
	default:
		return 0, validate.Field("person_id", "error.person_ambiguous", len(matches))
	}
}

// API

func (s *Server) apiConferenceList(w http.ResponseWriter, r *http.Request) error {
	f := s.conferenceFilter(r)
	f.Limit, f.Offset = apiPage(r)
	list, total, err := conference.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listBody(list, total, f.Limit, f.Offset))
}

// conferenceBody is a conference with its delegation.
type conferenceBody struct {
	Conference    conference.Conference     `json:"conference"`
	Members       []conference.Member       `json:"members"`
	Contributions []conference.Contribution `json:"contributions"`
}

func (s *Server) conferenceBodyOf(r *http.Request, c conference.Conference) (conferenceBody, error) {
	page, err := s.conferencePageData(r, c)
	if err != nil {
		return conferenceBody{}, err
	}
	b := conferenceBody{Conference: page.Conference, Members: page.Members, Contributions: page.Contributions}
	if b.Members == nil {
		b.Members = []conference.Member{}
	}
	if b.Contributions == nil {
		b.Contributions = []conference.Contribution{}
	}
	return b, nil
}

func (s *Server) apiConferenceGet(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadConference(r)
	if err != nil {
		return err
	}
	b, err := s.conferenceBodyOf(r, c)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, b)
}

func (s *Server) apiConferenceCreate(w http.ResponseWriter, r *http.Request) error {
	var in conference.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := s.saveConference(r, 0, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, c)
}

func (s *Server) apiConferenceUpdate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadManagedConference(r)
	if err != nil {
		return err
	}
	var in conference.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	out, err := s.saveConference(r, c.ID, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// apiDelegationChange decodes body (when not nil), runs fn on a managed
// conference and answers with the conference and its delegation.
func (s *Server) apiDelegationChange(w http.ResponseWriter, r *http.Request, status int, body any, fn func(tx *store.Tx, c conference.Conference) error) error {
	c, err := s.loadManagedConference(r)
	if err != nil {
		return err
	}
	if body != nil {
		if err := decodeJSON(r, body); err != nil {
			return err
		}
	}
	if err := s.db.InTx(r.Context(), func(tx *store.Tx) error { return fn(tx, c) }); err != nil {
		return err
	}
	if c, err = conference.Get(r.Context(), s.db, c.ID); err != nil {
		return err
	}
	b, err := s.conferenceBodyOf(r, c)
	if err != nil {
		return err
	}
	return writeJSON(w, status, b)
}

type memberBody struct {
	PersonID int64 `json:"person_id"`
}

// leaderBody names the leader; 0 clears it, a missing leader_id is a mistake.
type leaderBody struct {
	LeaderID *int64 `json:"leader_id"`
}

func (s *Server) apiMemberAdd(w http.ResponseWriter, r *http.Request) error {
	var body memberBody
	return s.apiDelegationChange(w, r, http.StatusCreated, &body, func(tx *store.Tx, c conference.Conference) error {
		// Like the page, the API adds only people of the editor's institutions.
		if per, err := person.Get(r.Context(), tx, body.PersonID); err == nil && !inScope(scopeOf(visitOf(r).principal, conferenceEditors...), per.InstitutionID) {
			return validate.Field("person_id", "error.not_in_scope")
		}
		_, err := conference.AddMember(r.Context(), tx, s.actor(r), c.ID, body.PersonID)
		return err
	})
}

func (s *Server) apiMemberRemove(w http.ResponseWriter, r *http.Request) error {
	personID, err := pathID(r, "person")
	if err != nil {
		return err
	}
	return s.apiDelegationChange(w, r, http.StatusOK, nil, func(tx *store.Tx, c conference.Conference) error {
		return conference.RemoveMember(r.Context(), tx, s.actor(r), c.ID, personID)
	})
}

func (s *Server) apiLeaderSet(w http.ResponseWriter, r *http.Request) error {
	var body leaderBody
	return s.apiDelegationChange(w, r, http.StatusOK, &body, func(tx *store.Tx, c conference.Conference) error {
		if body.LeaderID == nil {
			return validate.Field("leader_id", "error.required")
		}
		_, err := conference.SetLeader(r.Context(), tx, s.actor(r), c.ID, *body.LeaderID)
		return err
	})
}

func (s *Server) apiContributionAdd(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadManagedConference(r)
	if err != nil {
		return err
	}
	var in conference.ContributionInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var out conference.Contribution
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		out, err = conference.AddContribution(r.Context(), tx, s.actor(r), c.ID, in)
		return err
	})
	if err != nil {
		return err
	}
	if out, err = conference.GetContribution(r.Context(), s.db, out.ID); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, out)
}

func (s *Server) apiContributionDelete(w http.ResponseWriter, r *http.Request) error {
	x, err := s.loadManagedContribution(r)
	if err != nil {
		return err
	}
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		_, err := conference.DeleteContribution(r.Context(), tx, s.actor(r), x.ID)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, x)
}
