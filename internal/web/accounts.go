package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
)

// officeGrantable are the roles an education office may hand out inside its
// own institution; everything else needs the system admin.
var officeGrantable = []account.Role{account.Learner, account.Lecturer, account.ProjectDirector, account.DepartmentReviewer}

// loadManagedAccount finds an account the principal manages: the admin any,
// an office those whose person or grants sit in its institutions.
func (s *Server) loadManagedAccount(r *http.Request) (account.Account, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return account.Account{}, err
	}
	a, err := account.Get(r.Context(), s.db, id)
	if err != nil {
		return a, err
	}
	p := visitOf(r).principal
	if p.Has(account.Admin) {
		return a, nil
	}
	scope := scopeOf(p, account.EducationOffice)
	if a.PersonID != 0 {
		if per, err := person.Get(r.Context(), s.db, a.PersonID); err == nil && inScope(scope, per.InstitutionID) {
			return a, nil
		}
	}
	return a, errNotFound
}

// grantInScope checks that the principal may hand out (or take back) g on
// an account it already manages: the admin any role, an education office the
// roles of officeGrantable inside its own institutions. A learner role has no
// scope of its own; managing the account is enough.
func (s *Server) grantInScope(r *http.Request, g account.Grant) error {
	p := visitOf(r).principal
	if !g.Role.Valid() {
		return fieldErr("role", "error.invalid_choice", rolesText())
	}
	if p.Has(account.Admin) {
		return nil
	}
	if !slices.Contains(officeGrantable, g.Role) {
		return errForbidden
	}
	if g.DepartmentID != 0 && g.InstitutionID == 0 {
		d, err := institution.GetDepartment(r.Context(), s.db, g.DepartmentID)
		if err != nil {
			return fieldErr("department_id", "error.no_such_record")
		}
		g.InstitutionID = d.InstitutionID
	}
	if g.Role == account.Learner && g.InstitutionID == 0 {
		return nil
	}
	if g.InstitutionID == 0 || !p.InInstitution(g.InstitutionID, account.EducationOffice) {
		return errForbidden
	}
	return nil
}

type accountListPage struct {
	Accounts []account.Account
	Query    string
	Role     string
	Roles    []account.Role
	Pager    pager
}

func accountFilter(r *http.Request) account.ListFilter {
	p := visitOf(r).principal
	_, limit, offset := pageOf(r)
	return account.ListFilter{Query: strings.TrimSpace(r.URL.Query().Get("q")), Role: account.Role(r.URL.Query().Get("role")),
		InstitutionIDs: scopeOf(p, accountManagers...), Limit: limit, Offset: offset}
}

func (s *Server) accountList(w http.ResponseWriter, r *http.Request) error {
	f := accountFilter(r)
	list, total, err := account.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	page, _, _ := pageOf(r)
	return s.render(w, r, "accounts", accountListPage{Accounts: list, Query: f.Query, Role: string(f.Role), Roles: account.Roles, Pager: newPager(r, page, total)})
}

type accountFormPage struct {
	Person *person.Person
	Roles  []account.Role
}

func (s *Server) grantableRoles(p *account.Principal) []account.Role {
	if p.Has(account.Admin) {
		return account.Roles
	}
	return officeGrantable
}

func (s *Server) accountNew(w http.ResponseWriter, r *http.Request) error {
	page := accountFormPage{Roles: s.grantableRoles(visitOf(r).principal)}
	if id := queryID(r, "person_id"); id != 0 {
		per, err := person.Get(r.Context(), s.db, id)
		if err != nil {
			return err
		}
		page.Person = &per
	}
	return s.render(w, r, "account_form", page)
}

// accountRequest is the body of POST /api/v1/accounts and the account form.
type accountRequest struct {
	PersonID           int64           `json:"person_id"`
	Username           string          `json:"username"`
	Email              string          `json:"email"`
	Phone              string          `json:"phone"`
	DisplayName        string          `json:"display_name"`
	Locale             string          `json:"locale"`
	Password           string          `json:"password"`
	MustChangePassword bool            `json:"must_change_password"`
	Grants             []account.Grant `json:"grants"`
}

func (s *Server) createAccount(r *http.Request, req accountRequest) (account.Account, error) {
	p := visitOf(r).principal
	for _, g := range req.Grants {
		if err := s.grantInScope(r, g); err != nil {
			return account.Account{}, err
		}
	}
	var out account.Account
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		if req.PersonID != 0 {
			per, err := person.Get(r.Context(), tx, req.PersonID)
			if err != nil {
				return err
			}
			if !p.Has(account.Admin) && !inScope(scopeOf(p, account.EducationOffice), per.InstitutionID) {
				return errForbidden
			}
			if req.DisplayName == "" {
				req.DisplayName = per.Name(visitOf(r).lang)
			}
		} else if !p.Has(account.Admin) {
			return errForbidden
		}
		var err error
		out, err = account.Create(r.Context(), tx, s.actor(r), account.NewAccount{
			PersonID: req.PersonID, Username: req.Username, Email: req.Email, Phone: req.Phone, DisplayName: req.DisplayName,
			Locale: req.Locale, Password: req.Password, MustChangePassword: req.MustChangePassword, Grants: req.Grants,
		})
		return err
	})
	return out, err
}

func (s *Server) accountCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	f := r.PostForm
	req := accountRequest{PersonID: formID(r, "person_id"), Username: f.Get("username"), Email: f.Get("email"), Phone: f.Get("phone"),
		DisplayName: f.Get("display_name"), Password: f.Get("password"), MustChangePassword: f.Get("must_change_password") != ""}
	if role := f.Get("role"); role != "" {
		req.Grants = []account.Grant{{Role: account.Role(role), InstitutionID: formID(r, "scope_institution_id"), DepartmentID: formID(r, "scope_department_id")}}
	}
	a, err := s.createAccount(r, req)
	if err != nil {
		page := accountFormPage{Roles: s.grantableRoles(visitOf(r).principal)}
		if req.PersonID != 0 {
			if per, perr := person.Get(r.Context(), s.db, req.PersonID); perr == nil {
				page.Person = &per
			}
		}
		return s.renderForm(w, r, "account_form", page, err)
	}
	return redirectFlash(w, r, "/accounts/"+strconv.FormatInt(a.ID, 10), "flash.saved")
}

type accountPage struct {
	Account   account.Account
	Person    *person.Person
	Roles     []account.Role
	ResetLink string
}

func (s *Server) accountShow(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadManagedAccount(r)
	if err != nil {
		return err
	}
	return s.renderAccount(w, r, a, "")
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, a account.Account, resetLink string) error {
	page := accountPage{Account: a, Roles: s.grantableRoles(visitOf(r).principal), ResetLink: resetLink}
	if a.PersonID != 0 {
		per, err := person.Get(r.Context(), s.db, a.PersonID)
		if err != nil {
			return err
		}
		page.Person = &per
	}
	return s.render(w, r, "account", page)
}

func (s *Server) addGrant(r *http.Request, a account.Account, g account.Grant) (account.Grant, error) {
	if err := s.grantInScope(r, g); err != nil {
		return g, err
	}
	var out account.Grant
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		out, err = account.AddGrant(r.Context(), tx, s.actor(r), a.ID, g)
		return err
	})
	return out, err
}

func (s *Server) removeGrant(r *http.Request, a account.Account) error {
	grantID, err := pathID(r, "grant")
	if err != nil {
		return err
	}
	idx := slices.IndexFunc(a.Grants, func(g account.Grant) bool { return g.ID == grantID })
	if idx < 0 {
		return errNotFound
	}
	if err := s.grantInScope(r, a.Grants[idx]); err != nil {
		return err
	}
	return s.db.InTx(r.Context(), func(tx *store.Tx) error {
		return account.RemoveGrant(r.Context(), tx, s.actor(r), a.ID, grantID)
	})
}

func (s *Server) grantAdd(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadManagedAccount(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	g := account.Grant{Role: account.Role(r.PostForm.Get("role")), InstitutionID: formID(r, "scope_institution_id"), DepartmentID: formID(r, "scope_department_id")}
	if _, err := s.addGrant(r, a, g); err != nil {
		return err
	}
	return redirectFlash(w, r, "/accounts/"+strconv.FormatInt(a.ID, 10), "flash.saved")
}

func (s *Server) grantRemove(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadManagedAccount(r)
	if err != nil {
		return err
	}
	if err := s.removeGrant(r, a); err != nil {
		return err
	}
	return redirectFlash(w, r, "/accounts/"+strconv.FormatInt(a.ID, 10), "flash.saved")
}

// resetLink makes a single-use password link the office hands to the person.
func (s *Server) resetLink(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadManagedAccount(r)
	if err != nil {
		return err
	}
	var token string
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		token, err = account.CreateReset(r.Context(), tx, s.actor(r), a.ID, 72*time.Hour)
		return err
	})
	if err != nil {
		return err
	}
	return s.renderAccount(w, r, a, strings.TrimRight(s.cfg.BaseURL, "/")+"/reset/"+token)
}

func (s *Server) accountDisable(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadManagedAccount(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	disabled := r.PostForm.Get("disabled") == "true"
	if a.ID == visitOf(r).principal.Account.ID {
		return errForbidden
	}
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		return account.SetDisabled(r.Context(), tx, s.actor(r), a.ID, disabled)
	})
	if err != nil {
		return err
	}
	return redirectFlash(w, r, "/accounts/"+strconv.FormatInt(a.ID, 10), "flash.saved")
}

type bulkPage struct {
	Results []account.BulkResult
	People  map[int64]person.Person
}

// accountBulk creates learner accounts for the selected people and shows
// their one-time passwords once, for printing.
func (s *Server) accountBulk(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	p := visitOf(r).principal
	scope := scopeOf(p, accountManagers...)
	people := map[int64]person.Person{}
	var ids []int64
	for _, raw := range r.PostForm["person_id"] {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			continue
		}
		per, err := person.Get(r.Context(), s.db, id)
		if err != nil || !inScope(scope, per.InstitutionID) {
			return errNotFound
		}
		people[id] = per
		ids = append(ids, id)
	}
	// Hash the one-time passwords before the transaction: it is the slow
	// part, and on SQLite the transaction holds the only writer.
	plan, err := account.PlanForPeople(r.Context(), s.db, account.DefaultHasher, ids, r.PostForm.Get("login_by"), account.Grant{Role: account.Learner})
	if err != nil {
		return err
	}
	var results []account.BulkResult
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		results, err = plan.Apply(r.Context(), tx, s.actor(r))
		return err
	})
	if err != nil {
		return err
	}
	return s.render(w, r, "accounts_bulk", bulkPage{Results: results, People: people})
}

func (s *Server) apiAccountList(w http.ResponseWriter, r *http.Request) error {
	f := accountFilter(r)
	f.Limit, f.Offset = apiPage(r)
	list, total, err := account.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listBody(list, total, f.Limit, f.Offset))
}

func (s *Server) apiAccountGet(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadManagedAccount(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a)
}

func (s *Server) apiAccountCreate(w http.ResponseWriter, r *http.Request) error {
	var req accountRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	a, err := s.createAccount(r, req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, a)
}

func (s *Server) apiGrantAdd(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadManagedAccount(r)
	if err != nil {
		return err
	}
	var g account.Grant
	if err := decodeJSON(r, &g); err != nil {
		return err
	}
	g.ID = 0
	out, err := s.addGrant(r, a, g)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, out)
}

func (s *Server) apiGrantRemove(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadManagedAccount(r)
	if err != nil {
		return err
	}
	if err := s.removeGrant(r, a); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func rolesText() string {
	names := make([]string, len(account.Roles))
	for i, r := range account.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}
