package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/meded/meded/internal/document"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/selfreport"
	"github.com/meded/meded/internal/validate"
)

type selfReportListPage struct {
	Reports    []selfreport.Report
	Pager      pager
	Filter     selfreport.Filter
	Queue      bool
	Categories []string
	Statuses   []string
}

func (s *Server) mySelfReports(w http.ResponseWriter, r *http.Request) error {
	p := visitOf(r).principal
	if p.Account.PersonID == 0 {
		if p.Has(selfReportReviewers...) {
			http.Redirect(w, r, "/self-report-queue", http.StatusSeeOther)
			return nil
		}
		return redirectFlash(w, r, "/", "flash.no_credit_file")
	}
	page, limit, offset := pageOf(r)
	f := selfreport.Filter{PersonID: p.Account.PersonID, Limit: limit, Offset: offset}
	list, total, err := selfreport.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	return s.render(w, r, "selfreports", selfReportListPage{Reports: list, Pager: newPager(r, page, total), Filter: f,
		Categories: selfreport.Categories, Statuses: selfreport.Statuses})
}

// queueFilter reads the queue's filters; the queue opens on what waits for review.
func queueFilter(r *http.Request, defaultStatus string) selfreport.Filter {
	q := r.URL.Query()
	f := selfreport.Filter{Status: defaultStatus, Category: q.Get("category"), PersonID: queryID(r, "person_id")}
	if q.Has("status") {
		f.Status = q.Get("status")
	}
	if f.Status != "" && !contains(selfreport.Statuses, f.Status) {
		f.Status = defaultStatus
	}
	if !contains(selfreport.Categories, f.Category) {
		f.Category = ""
	}
	f.Year, _ = strconv.Atoi(q.Get("year"))
	return f
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

func (s *Server) selfReportQueue(w http.ResponseWriter, r *http.Request) error {
	page, limit, offset := pageOf(r)
	f := queueFilter(r, selfreport.Submitted)
	f.InstitutionIDs = scopeOf(visitOf(r).principal, selfReportReviewers...)
	f.Limit, f.Offset = limit, offset
	list, total, err := selfreport.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	return s.render(w, r, "selfreports", selfReportListPage{Reports: list, Pager: newPager(r, page, total), Filter: f, Queue: true,
		Categories: selfreport.Categories, Statuses: selfreport.Statuses})
}

// selfReportFormPage is the submission form: first a category and year,
// then that category's details under the person's rule set.
type selfReportFormPage struct {
	Categories  []string
	Category    string
	Year        int
	Years       []int
	Preview     *selfreport.Preview
	Amount      int64 // what would be claimed if the amount were left empty
	NotCredited bool
	MaxFiles    int
	MaxMB       int64
}

func (s *Server) selfReportForm(r *http.Request, in selfreport.Input) (selfReportFormPage, validate.Errors, error) {
	personID := visitOf(r).principal.Account.PersonID
	if personID == 0 {
		return selfReportFormPage{}, nil, errNoCreditFile
	}
	today := s.today(r)
	page := selfReportFormPage{Categories: selfreport.Categories, Category: in.Category, Year: in.CreditYear,
		MaxFiles: selfreport.MaxFiles, MaxMB: selfreport.Evidence.MaxSize >> 20}
	for y := today.Year(); y > today.Year()-5; y-- {
		page.Years = append(page.Years, y)
	}
	if page.Year == 0 {
		page.Year = today.Year()
	}
	if in.Category == "" {
		return page, nil, nil
	}
	if in.CreditYear == 0 {
		in.CreditYear = page.Year
	}
	pv, _, amount, es, err := selfreport.Evaluate(r.Context(), s.db, personID, in, today)
	if err != nil {
		return page, nil, err
	}
	if pv.ProfileID != "" {
		page.Preview, page.Amount = &pv, amount
		page.NotCredited = pv.Method == ""
	}
	return page, es, nil
}

func (s *Server) selfReportNew(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	year, _ := strconv.Atoi(q.Get("credit_year"))
	in := selfreport.Input{Category: q.Get("category"), CreditYear: year}
	if in.Category != "" && !contains(selfreport.Categories, in.Category) {
		in.Category = ""
	}
	page, _, err := s.selfReportForm(r, in)
	if err != nil {
		return err
	}
	return s.render(w, r, "selfreport_form", page)
}

// formInput reads a submitted form: details come as "details.<name>".
func formInput(r *http.Request) selfreport.Input {
	f := r.PostForm
	year, _ := strconv.Atoi(f.Get("credit_year"))
	in := selfreport.Input{Category: f.Get("category"), CreditYear: year, Title: f.Get("title"), Amount: f.Get("amount"), Details: map[string]string{}}
	for k, v := range f {
		if name, ok := strings.CutPrefix(k, "details."); ok && len(v) > 0 && strings.TrimSpace(v[0]) != "" {
			in.Details[name] = v[0]
		}
	}
	return in
}

// parseSelfReportForm reads a submission form: multipart with its evidence
// files, or (without files) a plain form. tooBig says the body went over
// maxSelfReportBody, which the form then reports on "files".
func parseSelfReportForm(w http.ResponseWriter, r *http.Request) (in selfreport.Input, files []document.Upload, tooBig bool, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxSelfReportBody)
	switch err := r.ParseMultipartForm(1 << 20); {
	case err == nil:
		if files, err = readUploads(r.MultipartForm.File["files"]); err != nil {
			return in, nil, false, err
		}
	case errors.Is(err, http.ErrNotMultipart):
		if err := r.ParseForm(); err != nil {
			return in, nil, false, errBadForm
		}
	default:
		var mbe *http.MaxBytesError
		if !errors.As(err, &mbe) {
			return in, nil, false, errBadForm
		}
		tooBig = true
	}
	if r.PostForm == nil {
		r.PostForm = url.Values{}
	}
	return formInput(r), files, tooBig, nil
}

func (s *Server) selfReportSubmit(w http.ResponseWriter, r *http.Request) error {
	in, files, tooBig, err := parseSelfReportForm(w, r)
	if err != nil {
		return err
	}
	if tooBig {
		page, _, err := s.selfReportForm(r, in)
		if err != nil {
			return err
		}
		return s.renderForm(w, r, "selfreport_form", page, validate.Field("files", "selfreport.upload_too_large", maxSelfReportBody>>20))
	}
	if r.PostForm.Get("action") == "preview" {
		page, es, err := s.selfReportForm(r, in)
		if err != nil {
			return err
		}
		if len(es) > 0 {
			return s.renderForm(w, r, "selfreport_form", page, es)
		}
		p := s.newPage(r, "selfreport_form", page)
		p.Form = r.PostForm
		return s.renderPage(w, http.StatusOK, p)
	}
	rep, err := s.submitSelfReport(r, in, files)
	if _, ok := validate.As(err); ok {
		page, _, ferr := s.selfReportForm(r, in)
		if ferr != nil {
			return ferr
		}
		return s.renderForm(w, r, "selfreport_form", page, err)
	}
	if err != nil {
		return err
	}
	return redirectFlash(w, r, "/self-reports/"+strconv.FormatInt(rep.ID, 10), "flash.selfreport_submitted")
}

type selfReportPage struct {
	Report    selfreport.Report
	CanReview bool
	IsAuthor  bool
	// Net is what the ledger holds for the report after corrections; a
	// reversed approval shows 0.
	Net      int64
	Reversed bool
}

func (s *Server) selfReportPageData(r *http.Request, rep selfreport.Report) (selfReportPage, error) {
	p := visitOf(r).principal
	page := selfReportPage{Report: rep, CanReview: canReviewSelfReport(p, rep), IsAuthor: p.Account.PersonID == rep.PersonID}
	if rep.Status == selfreport.Approved {
		net, err := ledger.NetOf(r.Context(), s.db, rep.SourceRef())
		if err != nil {
			return page, err
		}
		for _, n := range net {
			page.Net += n.Amount
		}
		page.Reversed = page.Net == 0
	}
	return page, nil
}

func (s *Server) selfReportShow(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.loadSelfReport(r)
	if err != nil {
		return err
	}
	page, err := s.selfReportPageData(r, rep)
	if err != nil {
		return err
	}
	return s.render(w, r, "selfreport", page)
}

// afterSelfReportForm: back to the report with a flash, or the report again
// with the form's errors.
func (s *Server) afterSelfReportForm(w http.ResponseWriter, r *http.Request, err error, flash string) error {
	if err == nil {
		return redirectFlash(w, r, "/self-reports/"+r.PathValue("id"), flash)
	}
	if _, ok := validate.As(err); !ok {
		if errors.Is(err, selfreport.ErrConflict) {
			return redirectFlash(w, r, "/self-reports/"+r.PathValue("id"), "flash.selfreport_already_reviewed")
		}
		return err
	}
	rep, lerr := s.loadSelfReport(r)
	if lerr != nil {
		return lerr
	}
	page, perr := s.selfReportPageData(r, rep)
	if perr != nil {
		return perr
	}
	return s.renderForm(w, r, "selfreport", page, err)
}

func (s *Server) selfReportWithdraw(w http.ResponseWriter, r *http.Request) error {
	_, err := s.withdrawSelfReport(r)
	return s.afterSelfReportForm(w, r, err, "flash.selfreport_withdrawn")
}

func (s *Server) selfReportApprove(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	_, err := s.approveSelfReport(r, r.PostForm.Get("amount"), r.PostForm.Get("reason"))
	return s.afterSelfReportForm(w, r, err, "flash.selfreport_approved")
}

func (s *Server) selfReportReject(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	_, err := s.rejectSelfReport(r, r.PostForm.Get("reason"))
	return s.afterSelfReportForm(w, r, err, "flash.selfreport_rejected")
}
