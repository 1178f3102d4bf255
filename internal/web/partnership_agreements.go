package web

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/agreement"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/placement"
	"github.com/meded/meded/internal/store"
)

// canSeeAgreement: a reader whose scope holds one of the parties.
func canSeeAgreement(p *account.Principal, a agreement.Agreement) bool {
	scope := scopeOf(p, partnershipReaders...)
	return slices.ContainsFunc(a.PartyIDs(), func(id int64) bool { return inScope(scope, id) })
}

// canEditAgreement: an editor whose scope holds one of the parties.
func canEditAgreement(p *account.Principal, partyIDs []int64) bool {
	scope := scopeOf(p, partnershipEditors...)
	return p.Has(partnershipEditors...) && slices.ContainsFunc(partyIDs, func(id int64) bool { return inScope(scope, id) })
}

// loadAgreement returns the agreement of path {id} if p may read it, and
// whether p may change it.
func (s *Server) loadAgreement(r *http.Request, q store.Querier) (agreement.Agreement, bool, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return agreement.Agreement{}, false, err
	}
	a, err := agreement.Get(r.Context(), q, id)
	if err != nil {
		return agreement.Agreement{}, false, err
	}
	p := visitOf(r).principal
	if !canSeeAgreement(p, a) {
		return agreement.Agreement{}, false, errNotFound
	}
	return a, canEditAgreement(p, a.PartyIDs()), nil
}

// changeAgreement runs fn on the agreement of path {id} in a transaction,
// if the principal may change it.
func (s *Server) changeAgreement(r *http.Request, fn func(tx *store.Tx, a agreement.Agreement) error) error {
	return s.db.InTx(r.Context(), func(tx *store.Tx) error {
		a, canEdit, err := s.loadAgreement(r, tx)
		if err != nil {
			return err
		}
		if !canEdit {
			return errForbidden
		}
		return fn(tx, a)
	})
}

func agreementFilter(r *http.Request) agreement.ListFilter {
	q := r.URL.Query()
	return agreement.ListFilter{Query: strings.TrimSpace(q.Get("q")), Kind: q.Get("kind"), Status: q.Get("status"),
		PartyID: queryID(r, "party_id"), InstitutionIDs: scopeOf(visitOf(r).principal, partnershipReaders...)}
}

type agreementListPage struct {
	Agreements []agreement.Agreement
	Expiring   []agreement.Agreement
	Filter     agreement.ListFilter
	Pager      pager
	Kinds      []string
	Statuses   []string
}

func (s *Server) agreementList(w http.ResponseWriter, r *http.Request) error {
	f := agreementFilter(r)
	page, limit, offset := pageOf(r)
	f.Limit, f.Offset = limit, offset
	list, total, err := agreement.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	soon, err := agreement.ExpiringIn(r.Context(), s.db, store.Now().In(visitOf(r).zone), agreement.ExpiryWindow, f.InstitutionIDs)
	if err != nil {
		return err
	}
	return s.render(w, r, "agreements", agreementListPage{Agreements: list, Expiring: soon, Filter: f,
		Pager: newPager(r, page, total), Kinds: agreement.Kinds, Statuses: agreement.Statuses})
}

type agreementPage struct {
	Agreement   agreement.Agreement
	Meetings    []agreement.Meeting
	Documents   []agreement.Document
	Placements  []placement.Placement
	Next        []string
	CanEdit     bool
	CanRenew    bool
	TermKinds   []string
	People      []person.Person
	Departments []institution.Department
	Kinds       []string
}

func (s *Server) agreementShow(w http.ResponseWriter, r *http.Request) error {
	a, canEdit, err := s.loadAgreement(r, s.db)
	if err != nil {
		return err
	}
	page := agreementPage{Agreement: a, CanEdit: canEdit, Next: agreement.Next(a.Status), TermKinds: agreement.TermKinds}
	if page.Meetings, err = agreement.Meetings(r.Context(), s.db, a.ID); err != nil {
		return err
	}
	if page.Documents, err = agreement.Documents(r.Context(), s.db, a.ID); err != nil {
		return err
	}
	if page.Placements, _, err = placement.List(r.Context(), s.db, placement.ListFilter{AgreementID: a.ID}); err != nil {
		return err
	}
	if canEdit {
		page.CanRenew, page.Kinds = agreement.CanRenew(a.Status), placement.Kinds
		if page.People, err = s.basePeople(r, a); err != nil {
			return err
		}
		for _, id := range a.PartyIDs() {
			ds, err := institution.Departments(r.Context(), s.db, id)
			if err != nil {
				return err
			}
			page.Departments = append(page.Departments, ds...)
		}
	}
	return s.render(w, r, "agreement", page)
}

func (s *Server) agreementStatus(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	var id int64
	err := s.changeAgreement(r, func(tx *store.Tx, a agreement.Agreement) error {
		id = a.ID
		_, err := agreement.Transition(r.Context(), tx, s.actor(r), a.ID, r.PostForm.Get("status"))
		return err
	})
	if err != nil {
		return err
	}
	return redirectFlash(w, r, "/agreements/"+strconv.FormatInt(id, 10), "flash.saved")
}

func (s *Server) agreementDocumentUpload(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, agreement.MaxDocumentSize+1<<20)
	var content []byte
	var name, ctype string
	if err := r.ParseMultipartForm(1 << 20); err == nil {
		file, header, ferr := r.FormFile("file")
		if ferr == nil {
			defer file.Close()
			name, ctype = header.Filename, header.Header.Get("Content-Type")
			if content, err = io.ReadAll(io.LimitReader(file, agreement.MaxDocumentSize+1)); err != nil {
				return errBadForm
			}
		}
	} else {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return fieldErr("file", "agreement.document_too_large", agreement.MaxDocumentSize>>20)
		}
	}
	var id int64
	err := s.changeAgreement(r, func(tx *store.Tx, a agreement.Agreement) error {
		id = a.ID
		_, err := agreement.AddDocument(r.Context(), tx, s.actor(r), a.ID, name, ctype, content)
		return err
	})
	if err != nil {
		return err
	}
	return redirectFlash(w, r, "/agreements/"+strconv.FormatInt(id, 10), "flash.saved")
}

func (s *Server) agreementDocument(w http.ResponseWriter, r *http.Request) error {
	a, _, err := s.loadAgreement(r, s.db)
	if err != nil {
		return err
	}
	docID, err := pathID(r, "doc")
	if err != nil {
		return err
	}
	d, err := agreement.GetDocument(r.Context(), s.db, a.ID, docID)
	if err != nil {
		return err
	}
	return writeAttachment(w, "document-"+strconv.FormatInt(d.ID, 10), d.Name, d.ContentType, d.SHA256, d.Content)
}

func (s *Server) apiAgreementList(w http.ResponseWriter, r *http.Request) error {
	f := agreementFilter(r)
	f.Limit, f.Offset = apiPage(r)
	list, total, err := agreement.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listBody(list, total, f.Limit, f.Offset))
}

func (s *Server) apiAgreementGet(w http.ResponseWriter, r *http.Request) error {
	a, _, err := s.loadAgreement(r, s.db)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a)
}

func (s *Server) apiAgreementCreate(w http.ResponseWriter, r *http.Request) error {
	var in agreement.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var out agreement.Agreement
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		if len(in.PartyIDs) > 0 && !canEditAgreement(visitOf(r).principal, in.PartyIDs) {
			return errForbidden
		}
		var err error
		out, err = agreement.Create(r.Context(), tx, s.actor(r), in)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, out)
}

func (s *Server) apiAgreementUpdate(w http.ResponseWriter, r *http.Request) error {
	var in agreement.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var out agreement.Agreement
	err := s.changeAgreement(r, func(tx *store.Tx, a agreement.Agreement) error {
		// The office must stay a party: it may not hand an agreement away.
		if len(in.PartyIDs) > 0 && !canEditAgreement(visitOf(r).principal, in.PartyIDs) {
			return errForbidden
		}
		var err error
		out, err = agreement.Update(r.Context(), tx, s.actor(r), a.ID, in)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

type statusBody struct {
	Status string `json:"status"`
}

func (s *Server) apiAgreementStatus(w http.ResponseWriter, r *http.Request) error {
	var body statusBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	var out agreement.Agreement
	err := s.changeAgreement(r, func(tx *store.Tx, a agreement.Agreement) error {
		var err error
		out, err = agreement.Transition(r.Context(), tx, s.actor(r), a.ID, body.Status)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiAgreementRenew(w http.ResponseWriter, r *http.Request) error {
	var body agreement.RenewInput
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	var out agreement.Agreement
	err := s.changeAgreement(r, func(tx *store.Tx, a agreement.Agreement) error {
		var err error
		out, err = agreement.Renew(r.Context(), tx, s.actor(r), a.ID, body)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, out)
}

func (s *Server) apiMeetingList(w http.ResponseWriter, r *http.Request) error {
	a, _, err := s.loadAgreement(r, s.db)
	if err != nil {
		return err
	}
	list, err := agreement.Meetings(r.Context(), s.db, a.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listBody(list, len(list), len(list), 0))
}

func (s *Server) apiMeetingCreate(w http.ResponseWriter, r *http.Request) error {
	var in agreement.MeetingInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var out agreement.Meeting
	err := s.changeAgreement(r, func(tx *store.Tx, a agreement.Agreement) error {
		var err error
		out, err = agreement.AddMeeting(r.Context(), tx, s.actor(r), a.ID, in)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, out)
}
