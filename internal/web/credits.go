package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/credit"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/rules"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// canSeeCredits: the person themself, the admin, and the offices, auditors
// and department reviewers whose scope holds the person.
func canSeeCredits(p *account.Principal, per person.Person) bool {
	if p.Account.PersonID == per.ID || p.Has(account.Admin) {
		return true
	}
	if p.InInstitution(per.InstitutionID, account.EducationOffice, account.Auditor) {
		return true
	}
	return per.DepartmentID != 0 && slices.Contains(p.Departments(account.DepartmentReviewer), per.DepartmentID)
}

func canPostCredits(p *account.Principal, per person.Person) bool {
	return p.Has(account.Admin) || p.InInstitution(per.InstitutionID, account.EducationOffice)
}

func (s *Server) creditPerson(r *http.Request) (person.Person, error) {
	return s.pathPerson(r, canSeeCredits)
}

// creditYears reads ?year= (the standing) and ?from=&to= (the transcript),
// defaulting to this year and the four before it.
func creditYears(r *http.Request) (year, from, to int) {
	year = time.Now().In(visitOf(r).zone).Year()
	q := r.URL.Query()
	if y, err := strconv.Atoi(q.Get("year")); err == nil && y > 1950 && y < 2200 {
		year = y
	}
	from, to = year-4, year
	if f, err := strconv.Atoi(q.Get("from")); err == nil && f > 1950 && f <= to {
		from = f
	}
	if t, err := strconv.Atoi(q.Get("to")); err == nil && t >= from && t < 2200 {
		to = t
	}
	return year, from, to
}

type creditFile struct {
	Person     person.Person     `json:"person"`
	Standing   credit.Standing   `json:"standing"`
	Transcript credit.Transcript `json:"transcript"`
	// Suggestions are open projects that would close this year's gap.
	Suggestions []credit.Suggestion `json:"suggestions"`
	CanPost     bool                `json:"-"`
	Classes     []string            `json:"-"`
	Kinds       []string            `json:"-"`
}

func (s *Server) loadCreditFile(r *http.Request) (creditFile, error) {
	per, err := s.creditPerson(r)
	if err != nil {
		return creditFile{}, err
	}
	year, from, to := creditYears(r)
	f := creditFile{Person: presentPerson(visitOf(r).principal, per), CanPost: canPostCredits(visitOf(r).principal, per), Classes: ledger.Classes, Kinds: credit.ExemptionKinds}
	if f.Standing, err = credit.StandingOf(r.Context(), s.db, per.ID, year, time.Now()); err != nil {
		return f, err
	}
	if f.Transcript, err = credit.TranscriptOf(r.Context(), s.db, per.ID, from, to); err != nil {
		return f, err
	}
	today := time.Now().In(visitOf(r).zone)
	if year == today.Year() {
		if f.Suggestions, err = credit.Suggest(r.Context(), s.db, f.Standing, today.Format(time.DateOnly), 5); err != nil {
			return f, err
		}
	}
	if f.Suggestions == nil {
		f.Suggestions = []credit.Suggestion{}
	}
	return f, nil
}

func (s *Server) myCredits(w http.ResponseWriter, r *http.Request) error {
	if id := visitOf(r).principal.Account.PersonID; id != 0 {
		http.Redirect(w, r, "/people/"+strconv.FormatInt(id, 10)+"/credits", http.StatusSeeOther)
		return nil
	}
	return redirectFlash(w, r, "/people", "flash.no_credit_file")
}

func (s *Server) creditFile(w http.ResponseWriter, r *http.Request) error {
	if per, err := s.creditPerson(r); err == nil && mergedRedirect(w, r, per, "/credits") {
		return nil
	}
	f, err := s.loadCreditFile(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "credits", f)
}

func (s *Server) apiCreditFile(w http.ResponseWriter, r *http.Request) error {
	f, err := s.loadCreditFile(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, f)
}

// creditRequest is a manual credit the office posts, with its reason.
type creditRequest struct {
	CreditYear int    `json:"credit_year"`
	Class      string `json:"class"`
	Category   string `json:"category"`
	Amount     string `json:"amount"` // decimal credits, e.g. "2.5"
	Hours      string `json:"hours"`  // decimal study hours
	Reason     string `json:"reason"`
}

// changeCreditFile runs change, in one transaction, on the person named in
// the path, for the offices that may post to that person's file.
func (s *Server) changeCreditFile(r *http.Request, change func(tx *store.Tx, per person.Person) error) error {
	per, err := s.creditPerson(r)
	if err != nil {
		return err
	}
	if !canPostCredits(visitOf(r).principal, per) {
		return errForbidden
	}
	return s.db.InTx(r.Context(), func(tx *store.Tx) error { return change(tx, per) })
}

// afterCreditForm follows a form on the credit file: back to the file with
// a flash, or the file again with the form's errors.
func (s *Server) afterCreditForm(w http.ResponseWriter, r *http.Request, err error, next, flash string) error {
	if err == nil {
		return redirectFlash(w, r, next, flash)
	}
	if _, ok := validate.As(err); !ok {
		return err
	}
	page, ferr := s.loadCreditFile(r)
	if ferr != nil {
		return ferr
	}
	return s.renderForm(w, r, "credits", page, err)
}

func (s *Server) postManualCredit(r *http.Request, req creditRequest) (ledger.Entry, error) {
	var es validate.Errors
	amount, ok := rules.ParseHundredths(orZero(req.Amount))
	if !ok {
		es.Add("amount", "error.invalid_decimal")
	}
	hours, ok := rules.ParseHundredths(orZero(req.Hours))
	if !ok {
		es.Add("hours", "error.invalid_decimal")
	}
	es.Required("reason", req.Reason)
	var e ledger.Entry
	err := s.changeCreditFile(r, func(tx *store.Tx, per person.Person) error {
		if len(es) > 0 {
			return es
		}
		var err error
		e, err = ledger.Post(r.Context(), tx, s.actor(r), ledger.Posting{PersonID: per.ID, CreditYear: req.CreditYear, Class: req.Class,
			Category: strings.TrimSpace(req.Category), Amount: amount, Hours: hours, Source: "manual", Evidence: strings.TrimSpace(req.Reason)})
		return err
	})
	return e, err
}

func orZero(s string) string {
	if strings.TrimSpace(s) == "" {
		return "0"
	}
	return s
}

func (s *Server) reverse(r *http.Request, reason string) (ledger.Entry, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return ledger.Entry{}, err
	}
	e, err := ledger.Get(r.Context(), s.db, id)
	if err != nil {
		return e, errNotFound
	}
	per, err := person.Get(r.Context(), s.db, e.PersonID)
	if err != nil {
		return e, err
	}
	if !canPostCredits(visitOf(r).principal, per) {
		return e, errNotFound
	}
	var out ledger.Entry
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		out, err = ledger.Reverse(r.Context(), tx, s.actor(r), id, strings.TrimSpace(reason))
		return err
	})
	return out, err
}

func (s *Server) manualCredit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	f := r.PostForm
	year, _ := strconv.Atoi(f.Get("credit_year"))
	req := creditRequest{CreditYear: year, Class: f.Get("class"), Category: f.Get("category"), Amount: f.Get("amount"), Hours: f.Get("hours"), Reason: f.Get("reason")}
	_, err := s.postManualCredit(r, req)
	return s.afterCreditForm(w, r, err, "/people/"+r.PathValue("id")+"/credits", "flash.credit_posted")
}

func (s *Server) reverseCredit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	e, err := s.reverse(r, r.PostForm.Get("reason"))
	if err != nil {
		return err
	}
	return redirectFlash(w, r, "/people/"+strconv.FormatInt(e.PersonID, 10)+"/credits", "flash.credit_reversed")
}

func (s *Server) apiManualCredit(w http.ResponseWriter, r *http.Request) error {
	var req creditRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	e, err := s.postManualCredit(r, req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, e)
}

type reverseRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) apiReverseCredit(w http.ResponseWriter, r *http.Request) error {
	var req reverseRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	e, err := s.reverse(r, req.Reason)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, e)
}

func (s *Server) exempt(r *http.Request, in credit.ExemptionInput) (credit.Exemption, error) {
	var e credit.Exemption
	err := s.changeCreditFile(r, func(tx *store.Tx, per person.Person) error {
		var err error
		e, err = credit.Exempt(r.Context(), tx, s.actor(r), per.ID, in)
		return err
	})
	return e, err
}

func (s *Server) exemptPage(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	f := r.PostForm
	year, _ := strconv.Atoi(f.Get("credit_year"))
	reduction, _ := strconv.Atoi(f.Get("reduction"))
	_, err := s.exempt(r, credit.ExemptionInput{CreditYear: year, Kind: f.Get("kind"), Reduction: reduction, Evidence: f.Get("evidence")})
	return s.afterCreditForm(w, r, err, "/people/"+r.PathValue("id")+"/credits?year="+strconv.Itoa(year), "flash.saved")
}

func (s *Server) apiExempt(w http.ResponseWriter, r *http.Request) error {
	var in credit.ExemptionInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	e, err := s.exempt(r, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, e)
}

type importRequest struct {
	Entries []credit.ImportRow `json:"entries"`
}

type importResponse struct {
	Posted int `json:"posted"`
}

// apiImportCredits posts historic credits from an older system, all or
// nothing, each problem named by row and field.
func (s *Server) apiImportCredits(w http.ResponseWriter, r *http.Request) error {
	var req importRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	p := visitOf(r).principal
	var n int
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		n, err = credit.Import(r.Context(), tx, s.actor(r), req.Entries, func(per person.Person) bool { return canPostCredits(p, per) })
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, importResponse{Posted: n})
}

func (s *Server) addCycle(r *http.Request, in credit.CycleInput) (credit.Cycle, error) {
	var c credit.Cycle
	err := s.changeCreditFile(r, func(tx *store.Tx, per person.Person) error {
		var err error
		c, err = credit.AddCycle(r.Context(), tx, s.actor(r), per.ID, in)
		return err
	})
	return c, err
}

func (s *Server) addCyclePage(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	f := r.PostForm
	from, _ := strconv.Atoi(f.Get("from_year"))
	until, _ := strconv.Atoi(f.Get("until_year"))
	_, err := s.addCycle(r, credit.CycleInput{ProfileID: f.Get("profile_id"), FromYear: from, UntilYear: until, Reason: f.Get("reason")})
	return s.afterCreditForm(w, r, err, "/people/"+r.PathValue("id")+"/credits", "flash.saved")
}

func (s *Server) apiAddCycle(w http.ResponseWriter, r *http.Request) error {
	var in credit.CycleInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := s.addCycle(r, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, c)
}
