package web

import (
	"net/http"
	"strings"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
)

type registerPage struct {
	Institutions []institution.Institution
	Categories   []string
	Titles       []string
	Done         bool
}

// registrationHosts are the institutions outside learners may register
// with: the university's own, not outside partners.
func (s *Server) registrationHosts(r *http.Request) ([]institution.Institution, error) {
	var out []institution.Institution
	for _, k := range []string{"university", "college", "affiliated_hospital", "hospital"} {
		list, _, err := institution.List(r.Context(), s.db, institution.ListFilter{Kind: k, Limit: 500})
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	return out, nil
}

func (s *Server) registerForm(w http.ResponseWriter, r *http.Request) error {
	hosts, err := s.registrationHosts(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "register", registerPage{Institutions: hosts, Categories: person.Categories, Titles: person.Titles})
}

func (s *Server) register(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	f := r.PostForm
	g := func(k string) string { return strings.TrimSpace(f.Get(k)) }
	in := account.RegistrationInput{
		NameZH: g("name_zh"), NameEN: g("name_en"), Email: g("email"), Phone: g("phone"),
		InstitutionName: g("institution_name"), Category: g("category"), Title: g("title"),
		Password: f.Get("password"), InstitutionID: formID(r, "institution_id"),
	}
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		_, err := account.Register(r.Context(), tx, in)
		return err
	})
	hosts, herr := s.registrationHosts(r)
	if herr != nil {
		return herr
	}
	page := registerPage{Institutions: hosts, Categories: person.Categories, Titles: person.Titles}
	if err != nil {
		return s.renderForm(w, r, "register", page, err)
	}
	page.Done = true
	return s.render(w, r, "register", page)
}

type registrationListPage struct {
	Registrations []account.Registration
	Status        string
}

func (s *Server) listRegistrations(r *http.Request) ([]account.Registration, string, error) {
	status := r.URL.Query().Get("status")
	if status == "" {
		status = "pending"
	}
	list, err := account.Registrations(r.Context(), s.db, scopeOf(visitOf(r).principal, accountManagers...), status)
	return list, status, err
}

func (s *Server) registrationList(w http.ResponseWriter, r *http.Request) error {
	list, status, err := s.listRegistrations(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "registrations", registrationListPage{Registrations: list, Status: status})
}

// findRegistration returns a registration in the reviewer's scope.
func (s *Server) findRegistration(r *http.Request, q store.Querier) (account.Registration, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return account.Registration{}, err
	}
	reg, err := account.RegistrationByID(r.Context(), q, id)
	if err != nil {
		return reg, err
	}
	if !inScope(scopeOf(visitOf(r).principal, accountManagers...), reg.InstitutionID) {
		return reg, errNotFound
	}
	return reg, nil
}

// approveRegistration makes the person and the account in one transaction.
func (s *Server) approveRegistration(r *http.Request) (account.Account, error) {
	var out account.Account
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		reg, err := s.findRegistration(r, tx)
		if err != nil {
			return err
		}
		if reg.Status != "pending" {
			return account.ErrConflict
		}
		per, err := person.Create(r.Context(), tx, s.actor(r), person.Input{
			NameZH: reg.NameZH, NameEN: reg.NameEN, Gender: "unknown", Title: reg.Title, Category: reg.Category,
			InstitutionID: reg.InstitutionID, Phone: reg.Phone, Email: reg.Email,
		})
		if err != nil {
			return err
		}
		out, err = account.ApproveRegistration(r.Context(), tx, s.actor(r), reg.ID, per.ID)
		return err
	})
	return out, err
}

func (s *Server) rejectRegistration(r *http.Request, reason string) error {
	return s.db.InTx(r.Context(), func(tx *store.Tx) error {
		reg, err := s.findRegistration(r, tx)
		if err != nil {
			return err
		}
		return account.RejectRegistration(r.Context(), tx, s.actor(r), reg.ID, reason)
	})
}

func (s *Server) registrationApprove(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.approveRegistration(r); err != nil {
		return err
	}
	return redirectFlash(w, r, "/registrations", "flash.registration_approved")
}

func (s *Server) registrationReject(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	if err := s.rejectRegistration(r, strings.TrimSpace(r.PostForm.Get("reason"))); err != nil {
		return err
	}
	return redirectFlash(w, r, "/registrations", "flash.registration_rejected")
}

func (s *Server) apiRegistrationList(w http.ResponseWriter, r *http.Request) error {
	list, _, err := s.listRegistrations(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listBody(list, len(list), len(list), 0))
}

func (s *Server) apiRegistrationApprove(w http.ResponseWriter, r *http.Request) error {
	a, err := s.approveRegistration(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a)
}

type rejectRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) apiRegistrationReject(w http.ResponseWriter, r *http.Request) error {
	var req rejectRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := s.rejectRegistration(r, req.Reason); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
