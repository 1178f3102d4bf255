package web

import (
	"net/http"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/placement"
	"github.com/meded/meded/internal/store"
)

// canEditPlacement: an editor whose scope holds the host or the person's institution.
func canEditPlacement(p *account.Principal, hostID, personInstitutionID int64) bool {
	scope := scopeOf(p, partnershipEditors...)
	return p.Has(partnershipEditors...) && (inScope(scope, hostID) || inScope(scope, personInstitutionID))
}

func (s *Server) placementFilter(r *http.Request) placement.ListFilter {
	q := r.URL.Query()
	return placement.ListFilter{InstitutionIDs: scopeOf(visitOf(r).principal, partnershipReaders...), PersonID: queryID(r, "person_id"),
		AgreementID: queryID(r, "agreement_id"), Kind: q.Get("kind"), Status: q.Get("status")}
}

// placementRow is a placement with the statuses it may move to.
type placementRow struct {
	placement.Placement
	Next []string
}

type placementListPage struct {
	Placements []placementRow
	Pager      pager
	CanEdit    bool
}

func (s *Server) placementList(w http.ResponseWriter, r *http.Request) error {
	f := s.placementFilter(r)
	page, limit, offset := pageOf(r)
	f.Limit, f.Offset = limit, offset
	list, total, err := placement.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	rows := make([]placementRow, len(list))
	for i, p := range list {
		rows[i] = placementRow{Placement: p, Next: placement.Next(p.Status)}
	}
	return s.render(w, r, "placements", placementListPage{Placements: rows, Pager: newPager(r, page, total),
		CanEdit: visitOf(r).principal.Has(partnershipEditors...)})
}

// changePlacement runs fn on the placement of path {id} if the principal may change it.
func (s *Server) changePlacement(r *http.Request, fn func(tx *store.Tx, p placement.Placement) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.db.InTx(r.Context(), func(tx *store.Tx) error {
		pl, err := placement.Get(r.Context(), tx, id)
		if err != nil {
			return err
		}
		per, err := person.Get(r.Context(), tx, pl.PersonID)
		if err != nil {
			return err
		}
		pr := visitOf(r).principal
		scope := scopeOf(pr, partnershipReaders...)
		if !inScope(scope, pl.HostInstitutionID) && !inScope(scope, per.InstitutionID) {
			return errNotFound
		}
		if !canEditPlacement(pr, pl.HostInstitutionID, per.InstitutionID) {
			return errForbidden
		}
		return fn(tx, pl)
	})
}

func (s *Server) placementStatus(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	err := s.changePlacement(r, func(tx *store.Tx, p placement.Placement) error {
		_, err := placement.Transition(r.Context(), tx, s.actor(r), p.ID, r.PostForm.Get("status"))
		return err
	})
	if err != nil {
		return err
	}
	return redirectFlash(w, r, "/placements", "flash.saved")
}

func (s *Server) apiPlacementList(w http.ResponseWriter, r *http.Request) error {
	f := s.placementFilter(r)
	f.Limit, f.Offset = apiPage(r)
	list, total, err := placement.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listBody(list, total, f.Limit, f.Offset))
}

func (s *Server) apiPlacementCreate(w http.ResponseWriter, r *http.Request) error {
	var in placement.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var out placement.Placement
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var personInst int64
		if per, err := person.Get(r.Context(), tx, in.PersonID); err == nil {
			personInst = per.InstitutionID
		}
		if (in.HostInstitutionID != 0 || personInst != 0) && !canEditPlacement(visitOf(r).principal, in.HostInstitutionID, personInst) {
			return errForbidden
		}
		var err error
		out, err = placement.Create(r.Context(), tx, s.actor(r), in)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, out)
}

func (s *Server) apiPlacementStatus(w http.ResponseWriter, r *http.Request) error {
	var body statusBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	var out placement.Placement
	err := s.changePlacement(r, func(tx *store.Tx, p placement.Placement) error {
		var err error
		out, err = placement.Transition(r.Context(), tx, s.actor(r), p.ID, body.Status)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiPlacementEvaluate(w http.ResponseWriter, r *http.Request) error {
	var body placement.Evaluation
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	var out placement.Placement
	err := s.changePlacement(r, func(tx *store.Tx, p placement.Placement) error {
		var err error
		out, err = placement.Evaluate(r.Context(), tx, s.actor(r), p.ID, body)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}
