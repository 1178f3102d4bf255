package web

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/document"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/rules"
	"github.com/meded/meded/internal/selfreport"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// canSeeSelfReport: its author, the admin, and the offices and auditors
// whose scope holds the author. Evidence files follow the same rule.
func canSeeSelfReport(p *account.Principal, r selfreport.Report) bool {
	if p.Account.PersonID != 0 && p.Account.PersonID == r.PersonID {
		return true
	}
	return p.Has(account.Admin) || p.InInstitution(r.InstitutionID, account.EducationOffice, account.Auditor)
}

// canReviewSelfReport: the admin and the education office over the author.
func canReviewSelfReport(p *account.Principal, r selfreport.Report) bool {
	return p.Has(account.Admin) || p.InInstitution(r.InstitutionID, account.EducationOffice)
}

// loadSelfReport reads the report in the path; one the visitor may not see
// is not found, so its existence does not leak.
func (s *Server) loadSelfReport(r *http.Request) (selfreport.Report, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return selfreport.Report{}, err
	}
	rep, err := selfreport.Get(r.Context(), s.db, id)
	if errors.Is(err, selfreport.ErrNotFound) || (err == nil && !canSeeSelfReport(visitOf(r).principal, rep)) {
		return selfreport.Report{}, errNotFound
	}
	return rep, err
}

func (s *Server) today(r *http.Request) time.Time { return time.Now().In(visitOf(r).zone) }

// submitSelfReport stores a report of the signed-in person.
func (s *Server) submitSelfReport(r *http.Request, in selfreport.Input, files []document.Upload) (selfreport.Report, error) {
	personID := visitOf(r).principal.Account.PersonID
	if personID == 0 {
		return selfreport.Report{}, errNoCreditFile
	}
	var rep selfreport.Report
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		rep, err = selfreport.Submit(r.Context(), tx, s.actor(r), personID, in, files, s.today(r))
		return err
	})
	return rep, err
}

var errNoCreditFile = &httpError{http.StatusForbidden, "no_credit_file", "selfreport.no_person"}

func (s *Server) withdrawSelfReport(r *http.Request) (selfreport.Report, error) {
	rep, err := s.loadSelfReport(r)
	if err != nil {
		return rep, err
	}
	if visitOf(r).principal.Account.PersonID != rep.PersonID {
		return rep, errForbidden
	}
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		rep, err = selfreport.Withdraw(r.Context(), tx, s.actor(r), rep.ID)
		return err
	})
	return rep, err
}

// reviewSelfReport runs decide on a report the visitor may review. An
// approval whose ledger append lost a race with another writer to the same
// chain (an award, say) is retried: the report's own status check keeps a
// retry from posting twice.
func (s *Server) reviewSelfReport(r *http.Request, decide func(tx *store.Tx, id int64) error) (selfreport.Report, error) {
	rep, err := s.loadSelfReport(r)
	if err != nil {
		return rep, err
	}
	if !canReviewSelfReport(visitOf(r).principal, rep) {
		return rep, errForbidden
	}
	for attempt := 0; ; attempt++ {
		err = s.db.InTx(r.Context(), func(tx *store.Tx) error { return decide(tx, rep.ID) })
		if !errors.Is(err, ledger.ErrConflict) || attempt == 2 {
			break
		}
	}
	if err != nil {
		return rep, err
	}
	return selfreport.Get(r.Context(), s.db, rep.ID)
}

// reviewInput reads the office's amount ("" approves the claim) and reason.
func reviewInput(amount, reason string) (selfreport.Review, error) {
	rv := selfreport.Review{Reason: reason}
	if strings.TrimSpace(amount) != "" {
		v, ok := rules.ParseHundredths(amount)
		if !ok {
			return rv, validate.Field("amount", "error.invalid_decimal")
		}
		if v <= 0 {
			return rv, validate.Field("amount", "selfreport.amount_positive")
		}
		rv.Amount = v
	}
	return rv, nil
}

func (s *Server) approveSelfReport(r *http.Request, amount, reason string) (selfreport.Report, error) {
	rv, err := reviewInput(amount, reason)
	return s.reviewSelfReport(r, func(tx *store.Tx, id int64) error {
		if err != nil {
			return err
		}
		_, _, err := selfreport.Approve(r.Context(), tx, s.actor(r), id, rv)
		return err
	})
}

func (s *Server) rejectSelfReport(r *http.Request, reason string) (selfreport.Report, error) {
	return s.reviewSelfReport(r, func(tx *store.Tx, id int64) error {
		_, err := selfreport.Reject(r.Context(), tx, s.actor(r), id, reason)
		return err
	})
}

// selfReportDocument sends one evidence file as an attachment with the
// type it was stored under, to those who may see the report.
func (s *Server) selfReportDocument(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.loadSelfReport(r)
	if err != nil {
		return err
	}
	docID, err := pathID(r, "doc")
	if err != nil {
		return err
	}
	d, err := selfreport.DocumentOf(r.Context(), s.db, rep.ID, docID)
	if errors.Is(err, document.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	return writeAttachment(w, "evidence-"+strconv.FormatInt(d.ID, 10)+extension(d.ContentType), d.Name, d.ContentType, d.SHA256, d.Content)
}

// writeAttachment sends a stored file for download: its sniffed type, a
// plain fallback name and the uploaded name encoded per RFC 8187, its
// SHA-256, and no sniffing or caching by the browser.
func writeAttachment(w http.ResponseWriter, fallback, name, contentType, sha256Hex string, content []byte) error {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(content)))
	w.Header().Set("Content-Disposition", `attachment; filename="`+fallback+`"; filename*=UTF-8''`+attrChars(name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Digest", "sha-256="+sha256Hex)
	w.Header().Set("Cache-Control", "private, no-store")
	_, err := w.Write(content)
	return err
}

// attrChars percent-encodes a file name for filename* (RFC 8187): every
// byte but letters, digits and !#$&+-.^_`|~ is escaped, so a name holding
// ";" or quotes cannot end the header parameter early.
func attrChars(name string) string {
	const keep = "!#$&+-.^_`|~"
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(keep, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

func extension(contentType string) string {
	switch contentType {
	case document.PDF:
		return ".pdf"
	case document.PNG:
		return ".png"
	case document.JPEG:
		return ".jpg"
	}
	return ""
}

// maxSelfReportBody bounds a submission: every file at its limit, plus the form.
const maxSelfReportBody = selfreport.MaxFiles*(10<<20) + 1<<20

// readUploads reads the evidence files of a multipart form, each up to one
// byte over the limit so the domain check names the file that is too big.
func readUploads(headers []*multipart.FileHeader) ([]document.Upload, error) {
	var out []document.Upload
	for _, h := range headers {
		f, err := h.Open()
		if err != nil {
			return nil, errBadForm
		}
		content, err := io.ReadAll(io.LimitReader(f, selfreport.Evidence.MaxSize+1))
		f.Close()
		if err != nil {
			return nil, errBadForm
		}
		out = append(out, document.Upload{Name: h.Filename, DeclaredType: h.Header.Get("Content-Type"), Content: content})
	}
	return out, nil
}
