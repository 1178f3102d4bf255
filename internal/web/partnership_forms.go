package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/meded/meded/internal/agreement"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/placement"
	"github.com/meded/meded/internal/store"
)

// formIDs reads every value of a repeated id field.
func formIDs(f url.Values, name string) []int64 {
	var out []int64
	for _, v := range f[name] {
		if id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && id > 0 {
			out = append(out, id)
		}
	}
	return out
}

// agreementFormInput reads the new-agreement form: terms one a line in
// three text areas, capacities as "discipline: number" lines.
func agreementFormInput(f url.Values) (agreement.Input, error) {
	g := func(k string) string { return strings.TrimSpace(f.Get(k)) }
	in := agreement.Input{Kind: g("kind"), NameZH: g("name_zh"), NameEN: g("name_en"), Scope: g("scope"), Level: g("level"),
		SignedOn: g("signed_on"), StartOn: g("start_on"), EndOn: g("end_on"), Status: g("status"), Notes: g("notes"),
		PartyIDs: formIDs(f, "party_ids")}
	for _, kind := range agreement.TermKinds {
		in.Terms = append(in.Terms, agreement.ParseTermLines(kind, f.Get("terms_"+kind))...)
	}
	for _, d := range strings.Split(f.Get("disciplines"), ",") {
		in.Disciplines = append(in.Disciplines, strings.TrimSpace(d))
	}
	caps, err := agreement.ParseCapacities(f.Get("capacities"))
	in.Capacities = caps
	return in, err
}

type agreementFormPage struct {
	ID                                         int64 // 0 for a new agreement
	Kinds, Statuses, Scopes, Levels, TermKinds []string
	Institutions                               []institution.Institution
}

func (s *Server) agreementFormData(r *http.Request) (agreementFormPage, error) {
	list, _, err := institution.List(r.Context(), s.db, institution.ListFilter{Limit: 2000})
	return agreementFormPage{Kinds: agreement.Kinds, Statuses: []string{"negotiating", "signed", "active", "expiring", "expired", "terminated"},
		Scopes: agreement.Scopes, Levels: agreement.Levels, TermKinds: agreement.TermKinds, Institutions: list}, err
}

func (s *Server) agreementNew(w http.ResponseWriter, r *http.Request) error {
	page, err := s.agreementFormData(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "agreement_form", page)
}

func (s *Server) agreementCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	in, err := agreementFormInput(r.PostForm)
	var out agreement.Agreement
	if err == nil {
		err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
			if len(in.PartyIDs) > 0 && !canEditAgreement(visitOf(r).principal, in.PartyIDs) {
				return errForbidden
			}
			var err error
			out, err = agreement.Create(r.Context(), tx, s.actor(r), in)
			return err
		})
	}
	if err != nil {
		page, ferr := s.agreementFormData(r)
		if ferr != nil {
			return ferr
		}
		return s.renderForm(w, r, "agreement_form", page, err)
	}
	return redirectFlash(w, r, "/agreements/"+strconv.FormatInt(out.ID, 10), "flash.saved")
}

func (s *Server) agreementRenew(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	g := func(k string) string { return strings.TrimSpace(r.PostForm.Get(k)) }
	var out agreement.Agreement
	err := s.changeAgreement(r, func(tx *store.Tx, a agreement.Agreement) error {
		var err error
		out, err = agreement.Renew(r.Context(), tx, s.actor(r), a.ID, agreement.RenewInput{SignedOn: g("signed_on"), StartOn: g("start_on"), EndOn: g("end_on")})
		return err
	})
	if err != nil {
		return err
	}
	return redirectFlash(w, r, "/agreements/"+strconv.FormatInt(out.ID, 10), "flash.saved")
}

func (s *Server) meetingCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	g := func(k string) string { return strings.TrimSpace(r.PostForm.Get(k)) }
	var id int64
	err := s.changeAgreement(r, func(tx *store.Tx, a agreement.Agreement) error {
		id = a.ID
		_, err := agreement.AddMeeting(r.Context(), tx, s.actor(r), a.ID, agreement.MeetingInput{HeldOn: g("held_on"), Place: g("place"),
			Minutes: g("minutes"), PersonIDs: formIDs(r.PostForm, "person_ids"), LeaderIDs: formIDs(r.PostForm, "leader_ids")})
		return err
	})
	if err != nil {
		return err
	}
	return redirectFlash(w, r, "/agreements/"+strconv.FormatInt(id, 10), "flash.saved")
}

// placementCreate places a person at the base of path {id}.
func (s *Server) placementCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	g := func(k string) string { return strings.TrimSpace(r.PostForm.Get(k)) }
	var id int64
	err := s.changeAgreement(r, func(tx *store.Tx, a agreement.Agreement) error {
		id = a.ID
		_, err := placement.Create(r.Context(), tx, s.actor(r), placement.Input{PersonID: formID(r, "person_id"), Kind: g("kind"),
			AgreementID: a.ID, HostInstitutionID: formID(r, "host_institution_id"), HostDepartmentID: formID(r, "host_department_id"),
			SupervisorID: formID(r, "supervisor_id"), Discipline: g("discipline"), StartOn: g("start_on"), EndOn: g("end_on")})
		return err
	})
	if err != nil {
		return err
	}
	return redirectFlash(w, r, "/agreements/"+strconv.FormatInt(id, 10), "flash.saved")
}

func (s *Server) placementEvaluate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	score, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("score")))
	if err != nil {
		return fieldErr("score", "error.out_of_range", 0, 100)
	}
	err = s.changePlacement(r, func(tx *store.Tx, p placement.Placement) error {
		_, err := placement.Evaluate(r.Context(), tx, s.actor(r), p.ID, placement.Evaluation{Score: score, Comment: r.PostForm.Get("comment")})
		return err
	})
	if err != nil {
		return err
	}
	return redirectFlash(w, r, "/placements", "flash.saved")
}

// basePeople are the people of an agreement's parties (and the
// institutions under them), whom its forms offer as attendees, students
// and supervisors.
func (s *Server) basePeople(r *http.Request, a agreement.Agreement) ([]person.Person, error) {
	ids := []int64{}
	for _, id := range a.PartyIDs() {
		below, err := institution.Descendants(r.Context(), s.db, id)
		if err != nil {
			return nil, err
		}
		ids = append(append(ids, id), below...)
	}
	list, _, err := person.List(r.Context(), s.db, person.ListFilter{InstitutionIDs: ids, Limit: 1000})
	return list, err
}

// agreementFormValues fills the agreement form with a's values, the way
// ParseTermLines and ParseCapacities read them back.
func agreementFormValues(a agreement.Agreement) url.Values {
	f := url.Values{"kind": {a.Kind}, "name_zh": {a.NameZH}, "name_en": {a.NameEN}, "scope": {a.Scope}, "level": {a.Level},
		"status": {a.Status}, "signed_on": {a.SignedOn}, "start_on": {a.StartOn}, "end_on": {a.EndOn}, "notes": {a.Notes},
		"disciplines": {strings.Join(a.Disciplines, ", ")}}
	for _, id := range a.PartyIDs() {
		f.Add("party_ids", strconv.FormatInt(id, 10))
	}
	terms := map[string][]string{}
	for _, t := range a.Terms {
		terms[t.Kind] = append(terms[t.Kind], t.Text)
	}
	for kind, lines := range terms {
		f.Set("terms_"+kind, strings.Join(lines, "\n"))
	}
	var caps []string
	for _, c := range a.Capacities {
		caps = append(caps, c.Discipline+": "+strconv.Itoa(c.PerYear))
	}
	f.Set("capacities", strings.Join(caps, "\n"))
	return f
}

func (s *Server) agreementEdit(w http.ResponseWriter, r *http.Request) error {
	a, canEdit, err := s.loadAgreement(r, s.db)
	if err != nil {
		return err
	}
	if !canEdit {
		return errForbidden
	}
	data, err := s.agreementFormData(r)
	if err != nil {
		return err
	}
	data.ID = a.ID
	p := s.newPage(r, "agreement_form", data)
	p.Form = agreementFormValues(a)
	return s.renderPage(w, http.StatusOK, p)
}

// agreementUpdate saves the edit form. Contacts are edited through the API
// and kept as they are; the status moves only through its own buttons.
func (s *Server) agreementUpdate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	in, err := agreementFormInput(r.PostForm)
	var id int64
	if err == nil {
		err = s.changeAgreement(r, func(tx *store.Tx, a agreement.Agreement) error {
			if len(in.PartyIDs) > 0 && !canEditAgreement(visitOf(r).principal, in.PartyIDs) {
				return errForbidden
			}
			in.Contacts, id = a.Contacts, a.ID
			_, err := agreement.Update(r.Context(), tx, s.actor(r), a.ID, in)
			return err
		})
	}
	if err != nil {
		data, ferr := s.agreementFormData(r)
		if ferr != nil {
			return ferr
		}
		data.ID, _ = pathID(r, "id")
		return s.renderForm(w, r, "agreement_form", data, err)
	}
	return redirectFlash(w, r, "/agreements/"+strconv.FormatInt(id, 10), "flash.saved")
}
