package web

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/rules"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

type ruleSetsPage struct {
	Profiles     []rules.Profile
	Assignments  []rules.Assignment
	Institutions map[int64]institution.Institution
	CanEdit      bool
}

func (s *Server) loadRuleSets(r *http.Request) (ruleSetsPage, error) {
	page := ruleSetsPage{CanEdit: visitOf(r).principal.Has(account.Admin), Institutions: map[int64]institution.Institution{}}
	var err error
	if page.Profiles, err = rules.List(r.Context(), s.db); err != nil {
		return page, err
	}
	if page.Assignments, err = rules.Assignments(r.Context(), s.db); err != nil {
		return page, err
	}
	insts, _, err := institution.List(r.Context(), s.db, institution.ListFilter{Limit: 1000})
	for _, i := range insts {
		page.Institutions[i.ID] = i
	}
	return page, err
}

func (s *Server) ruleSets(w http.ResponseWriter, r *http.Request) error {
	page, err := s.loadRuleSets(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "rules", page)
}

type ruleSetPage struct {
	Profile  rules.Profile
	Document string
	CanEdit  bool
}

func (s *Server) loadRuleSet(r *http.Request) (ruleSetPage, error) {
	id := r.PathValue("id")
	p, err := rules.Load(r.Context(), s.db, id)
	if err != nil {
		return ruleSetPage{}, errNotFound
	}
	doc, _ := rules.Document(r.Context(), s.db, id)
	return ruleSetPage{Profile: p, Document: string(doc), CanEdit: visitOf(r).principal.Has(account.Admin)}, nil
}

func (s *Server) ruleSet(w http.ResponseWriter, r *http.Request) error {
	page, err := s.loadRuleSet(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "rule", page)
}

// saveRules stores a new version of the profile named in the path.
func (s *Server) saveRules(r *http.Request, doc []byte) (rules.Profile, error) {
	var head struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(doc, &head); err != nil {
		return rules.Profile{}, validate.Field("body", "error.bad_json")
	}
	if head.ID != r.PathValue("id") {
		return rules.Profile{}, validate.Field("id", "error.rule_id_mismatch", r.PathValue("id"))
	}
	var p rules.Profile
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		p, err = rules.Save(r.Context(), tx, s.actor(r), doc)
		return err
	})
	return p, err
}

func (s *Server) saveRuleSet(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	if _, err := s.saveRules(r, []byte(r.PostForm.Get("body"))); err != nil {
		page, perr := s.loadRuleSet(r)
		if perr != nil {
			return perr
		}
		page.Document = r.PostForm.Get("body")
		return s.renderForm(w, r, "rule", page, err)
	}
	return redirectFlash(w, r, "/rules/"+r.PathValue("id"), "flash.saved")
}

type assignRequest struct {
	InstitutionID int64  `json:"institution_id"`
	FromYear      int    `json:"from_year"`
	ProfileID     string `json:"profile_id"`
}

func (s *Server) assign(r *http.Request, req assignRequest) (rules.Assignment, error) {
	var a rules.Assignment
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		if _, err := institution.Get(r.Context(), tx, req.InstitutionID); err != nil {
			return validate.Field("institution_id", "error.no_such_record")
		}
		var err error
		a, err = rules.Assign(r.Context(), tx, s.actor(r), req.InstitutionID, req.FromYear, strings.TrimSpace(req.ProfileID))
		return err
	})
	return a, err
}

func (s *Server) assignRuleSet(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	year, _ := strconv.Atoi(r.PostForm.Get("from_year"))
	if _, err := s.assign(r, assignRequest{InstitutionID: formID(r, "institution_id"), FromYear: year, ProfileID: r.PostForm.Get("profile_id")}); err != nil {
		page, perr := s.loadRuleSets(r)
		if perr != nil {
			return perr
		}
		return s.renderForm(w, r, "rules", page, err)
	}
	return redirectFlash(w, r, "/rules", "flash.saved")
}

func (s *Server) apiRuleSets(w http.ResponseWriter, r *http.Request) error {
	page, err := s.loadRuleSets(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"profiles": page.Profiles, "assignments": nonNil(page.Assignments)})
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (s *Server) apiRuleSet(w http.ResponseWriter, r *http.Request) error {
	page, err := s.loadRuleSet(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, page.Profile)
}

func (s *Server) apiSaveRuleSet(w http.ResponseWriter, r *http.Request) error {
	doc, err := io.ReadAll(io.LimitReader(r.Body, maxJSONBody))
	if err != nil {
		return errBadJSON
	}
	p, err := s.saveRules(r, doc)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (s *Server) apiAssignRuleSet(w http.ResponseWriter, r *http.Request) error {
	var req assignRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	a, err := s.assign(r, req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, a)
}
