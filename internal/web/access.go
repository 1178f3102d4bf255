package web

import (
	"net/http"

	"github.com/meded/meded/internal/account"
)

// route is one entry of the route table: who may call it, and what it does.
type route struct {
	method, pattern string
	access          access
	handle          func(w http.ResponseWriter, r *http.Request) error
}

// access is a route-level rule. Object-level rules (is this person in the
// office's institution?) are checked by handlers through scope helpers.
type access struct {
	public bool
	roles  []account.Role // empty with public false: any signed-in account
}

var (
	public   = access{public: true}
	signedIn = access{}
)

func rolesOnly(roles ...account.Role) access { return access{roles: roles} }

func (a access) check(p *account.Principal) error {
	if a.public {
		return nil
	}
	if p == nil {
		return errSignInRequired
	}
	if len(a.roles) > 0 && !p.Has(a.roles...) {
		return errForbidden
	}
	return nil
}

// Role groups used by the route table.
var (
	staffRoles = []account.Role{account.Admin, account.EducationOffice, account.DepartmentReviewer,
		account.ProjectDirector, account.Lecturer, account.PartnershipOffice, account.Auditor}
	peopleReaders = []account.Role{account.Admin, account.EducationOffice, account.DepartmentReviewer,
		account.ProjectDirector, account.PartnershipOffice, account.Auditor}
	peopleEditors      = []account.Role{account.Admin, account.EducationOffice}
	institutionEditors = []account.Role{account.Admin, account.EducationOffice, account.PartnershipOffice}
	accountManagers    = []account.Role{account.Admin, account.EducationOffice}
	auditReaders       = []account.Role{account.Admin, account.EducationOffice, account.Auditor}
)
