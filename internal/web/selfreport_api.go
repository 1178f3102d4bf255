package web

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"

	"github.com/meded/meded/internal/document"
	"github.com/meded/meded/internal/selfreport"
	"github.com/meded/meded/internal/validate"
)

// apiSelfReports lists reports: reviewers and auditors see those in their
// scope (optionally one person's), everyone else only their own.
func (s *Server) apiSelfReports(w http.ResponseWriter, r *http.Request) error {
	p := visitOf(r).principal
	f := queueFilter(r, "")
	f.Limit, f.Offset = apiPage(r)
	if p.Has(selfReportReviewers...) {
		f.InstitutionIDs = scopeOf(p, selfReportReviewers...)
	} else {
		if p.Account.PersonID == 0 {
			return writeJSON(w, http.StatusOK, listResponse[selfreport.Report]{Items: []selfreport.Report{}, Limit: f.Limit, Offset: f.Offset})
		}
		f.PersonID = p.Account.PersonID
	}
	list, total, err := selfreport.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listResponse[selfreport.Report]{Items: list, Total: total, Limit: f.Limit, Offset: f.Offset})
}

// apiFile is an evidence file in a JSON submission, its bytes in base64.
type apiFile struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Content     string `json:"content"`
}

type apiSelfReportRequest struct {
	selfreport.Input
	Files []apiFile `json:"files"`
}

// decodeSubmission reads a JSON submission, whose files make it larger
// than other API bodies: base64 of every file at its limit.
func decodeSubmission(r *http.Request) (apiSelfReportRequest, []document.Upload, error) {
	var req apiSelfReportRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, maxSelfReportBody*4/3+1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil || dec.More() {
		return req, nil, errBadJSON
	}
	var files []document.Upload
	var es validate.Errors
	for _, f := range req.Files {
		content, err := base64.StdEncoding.DecodeString(f.Content)
		if err != nil {
			es.Add("files", "selfreport.bad_base64", f.Name)
			continue
		}
		files = append(files, document.Upload{Name: f.Name, DeclaredType: f.ContentType, Content: content})
	}
	if len(es) > 0 {
		return req, nil, es
	}
	return req, files, nil
}

func (s *Server) apiSelfReportSubmit(w http.ResponseWriter, r *http.Request) error {
	req, files, err := decodeSubmission(r)
	if err != nil {
		return err
	}
	rep, err := s.submitSelfReport(r, req.Input, files)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, rep)
}

// previewResponse is what the rule set makes of a draft, and what is still
// wrong with it; nothing is stored.
type previewResponse struct {
	Preview selfreport.Preview `json:"preview"`
	Amount  int64              `json:"claimed_amount"`
	Errors  validate.Errors    `json:"errors"`
}

func (s *Server) apiSelfReportPreview(w http.ResponseWriter, r *http.Request) error {
	var in selfreport.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	personID := visitOf(r).principal.Account.PersonID
	if personID == 0 {
		return errNoCreditFile
	}
	pv, _, amount, es, err := selfreport.Evaluate(r.Context(), s.db, personID, in, s.today(r))
	if err != nil {
		return err
	}
	if es == nil {
		es = validate.Errors{}
	}
	if pv.Fields == nil {
		pv.Fields = []selfreport.Field{}
	}
	if pv.Levels == nil {
		pv.Levels = []string{}
	}
	return writeJSON(w, http.StatusOK, previewResponse{Preview: pv, Amount: amount, Errors: es})
}

func (s *Server) apiSelfReport(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.loadSelfReport(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}

func (s *Server) apiSelfReportWithdraw(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.withdrawSelfReport(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}

type reviewRequest struct {
	Amount string `json:"amount"` // decimal credits; empty approves the amount claimed
	Reason string `json:"reason"`
}

func (s *Server) apiSelfReportApprove(w http.ResponseWriter, r *http.Request) error {
	var req reviewRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	rep, err := s.approveSelfReport(r, req.Amount, req.Reason)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}

func (s *Server) apiSelfReportReject(w http.ResponseWriter, r *http.Request) error {
	var req reviewRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	rep, err := s.rejectSelfReport(r, req.Reason)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}
