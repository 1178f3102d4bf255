package web

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
)

// scopeOf is the institutions the principal may see through roles: nil
// means all of them, an empty slice none.
func scopeOf(p *account.Principal, roles ...account.Role) []int64 {
	if p == nil {
		return []int64{}
	}
	ids, all := p.Institutions(roles...)
	if all {
		return nil
	}
	if ids == nil {
		return []int64{}
	}
	return ids
}

func inScope(scope []int64, id int64) bool { return scope == nil || slices.Contains(scope, id) }

// outsideKinds are institutions outside the university that any partnership
// office keeps, since they belong to no office's own tree.
var outsideKinds = []institution.Kind{"outside_university", "outside_hospital", "society", "government_body", "other"}

// canEditInstitution: the admin anywhere; an office inside its own tree; a
// partnership office also for outside institutions.
func canEditInstitution(p *account.Principal, inst institution.Institution) bool {
	if p.Has(account.Admin) {
		return true
	}
	if p.InInstitution(inst.ID, account.EducationOffice, account.PartnershipOffice) {
		return true
	}
	return p.Has(account.PartnershipOffice) && slices.Contains(outsideKinds, inst.Kind)
}

// canCreateInstitution checks where a new institution would sit.
func canCreateInstitution(p *account.Principal, in institution.Input) bool {
	if p.Has(account.Admin) {
		return true
	}
	if in.ParentID != 0 && p.InInstitution(in.ParentID, account.EducationOffice, account.PartnershipOffice) {
		return true
	}
	return p.Has(account.PartnershipOffice) && slices.Contains(outsideKinds, in.Kind)
}

// institutionWideReaders read every person of the institutions in their
// scope; a department reviewer reads only the people of their departments.
var institutionWideReaders = []account.Role{account.Admin, account.EducationOffice, account.ProjectDirector,
	account.PartnershipOffice, account.Auditor}

// peopleScope narrows a people list to what p may read.
func peopleScope(p *account.Principal, f *person.ListFilter) {
	if p.Has(institutionWideReaders...) {
		f.InstitutionIDs = scopeOf(p, institutionWideReaders...)
		return
	}
	f.InstitutionIDs = scopeOf(p, account.DepartmentReviewer)
	f.DepartmentIDs = p.Departments(account.DepartmentReviewer)
	if f.DepartmentIDs == nil {
		f.DepartmentIDs = []int64{}
	}
}

// canSeePerson: staff who read people in the person's institution (or, for a
// department reviewer, department), and the person themself.
func canSeePerson(p *account.Principal, per person.Person) bool {
	if p.Account.PersonID != 0 && p.Account.PersonID == per.ID {
		return true
	}
	if p.Has(institutionWideReaders...) && inScope(scopeOf(p, institutionWideReaders...), per.InstitutionID) {
		return true
	}
	return p.Has(account.DepartmentReviewer) && per.DepartmentID != 0 &&
		slices.Contains(p.Departments(account.DepartmentReviewer), per.DepartmentID)
}

func canEditPeopleIn(p *account.Principal, institutionID int64) bool {
	return p.Has(peopleEditors...) && inScope(scopeOf(p, peopleEditors...), institutionID)
}

// canSeeNationalID: only offices that keep personnel records see ID numbers in full.
func canSeeNationalID(p *account.Principal, per person.Person) bool {
	return canEditPeopleIn(p, per.InstitutionID)
}

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

func queryID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
	return max(id, 0)
}

func formID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PostForm.Get(name), 10, 64)
	return max(id, 0)
}

const maxJSONBody = 1 << 20

// decodeJSON reads a JSON body strictly: unknown fields are a mistake the
// client should hear about.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxJSONBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &httpError{http.StatusBadRequest, "bad_request", "error.bad_json"}
	}
	if dec.More() {
		return errBadJSON
	}
	return nil
}
