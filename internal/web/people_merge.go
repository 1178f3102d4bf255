package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/merge"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// mergeRequest is the merge form and the API body: keep record Into, fold
// path {id} into it.
type mergeRequest struct {
	Into   int64  `json:"into"`
	Reason string `json:"reason"`
}

// mergePerson folds the person of path {id} into req.Into. Both records
// must be in the office's scope; a record outside it is reported as not
// found, like any page the office may not see.
func (s *Server) mergePerson(r *http.Request, req mergeRequest) (person.Person, merge.Result, error) {
	p := visitOf(r).principal
	dup, err := s.pathPerson(r, func(p *account.Principal, per person.Person) bool { return canEditPeopleIn(p, per.InstitutionID) })
	if err != nil {
		return dup, merge.Result{}, err
	}
	if req.Into > 0 {
		kept, err := person.Get(r.Context(), s.db, req.Into)
		if errors.Is(err, person.ErrNotFound) || err == nil && !canEditPeopleIn(p, kept.InstitutionID) {
			return dup, merge.Result{}, validate.Field("into", "error.no_such_record")
		}
		if err != nil {
			return dup, merge.Result{}, err
		}
	}
	var res merge.Result
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		res, err = merge.People(r.Context(), tx, s.actor(r), dup.ID, req.Into, req.Reason)
		return err
	})
	return dup, res, err
}

func (s *Server) personMerge(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	into, _ := strconv.ParseInt(strings.TrimSpace(r.PostForm.Get("into")), 10, 64)
	dup, res, err := s.mergePerson(r, mergeRequest{Into: into, Reason: r.PostForm.Get("reason")})
	if _, ok := validate.As(err); ok && dup.ID != 0 {
		page, perr := s.personPageOf(r, dup)
		if perr != nil {
			return perr
		}
		return s.renderForm(w, r, "person", page, err)
	}
	if err != nil {
		return err
	}
	return redirectFlash(w, r, "/people/"+strconv.FormatInt(res.Into, 10), "flash.person_merged")
}

func (s *Server) apiPersonMerge(w http.ResponseWriter, r *http.Request) error {
	var req mergeRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	_, res, err := s.mergePerson(r, req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

// duplicatesOf lists records that may be the same person as per: the same
// name in the same institution. The office confirms before merging.
func (s *Server) duplicatesOf(r *http.Request, per person.Person) ([]person.Person, error) {
	name := per.NameZH
	if name == "" {
		name = per.NameEN
	}
	list, _, err := person.List(r.Context(), s.db, person.ListFilter{Query: name, InstitutionID: per.InstitutionID, Limit: 20})
	if err != nil {
		return nil, err
	}
	var out []person.Person
	for _, c := range list {
		if c.ID != per.ID && c.NameZH == per.NameZH && c.NameEN == per.NameEN {
			out = append(out, c)
		}
	}
	return out, nil
}

// mergedRedirect sends a visitor of a merged record's page to the record
// it was merged into.
func mergedRedirect(w http.ResponseWriter, r *http.Request, per person.Person, suffix string) bool {
	if per.MergedInto == 0 {
		return false
	}
	http.Redirect(w, r, "/people/"+strconv.FormatInt(per.MergedInto, 10)+suffix+"?flash=flash.person_was_merged", http.StatusMovedPermanently)
	return true
}
