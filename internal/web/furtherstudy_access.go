package web

import (
	"net/http"
	"slices"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/furtherstudy"
)

// isFurtherStudyOffice: the admin, or the education office over the host.
func isFurtherStudyOffice(p *account.Principal, a furtherstudy.Application) bool {
	return p.Has(account.Admin) || (p.Has(account.EducationOffice) && p.InInstitution(a.HostInstitutionID, account.EducationOffice))
}

// isHostReviewer: a department reviewer of the host department.
func isHostReviewer(p *account.Principal, a furtherstudy.Application) bool {
	return p.Has(account.DepartmentReviewer) && slices.Contains(p.Departments(account.DepartmentReviewer), a.HostDepartmentID)
}

func isTrainee(p *account.Principal, a furtherstudy.Application) bool {
	return ownPerson(p) != 0 && ownPerson(p) == a.PersonID
}

func isSupervisor(p *account.Principal, a furtherstudy.Application) bool {
	return ownPerson(p) != 0 && ownPerson(p) == a.SupervisorID
}

// canSeeFurtherStudy: the office and auditors over the host, the host
// department's reviewer, the trainee and the supervisor.
func canSeeFurtherStudy(p *account.Principal, a furtherstudy.Application) bool {
	return isFurtherStudyOffice(p, a) || isHostReviewer(p, a) || isTrainee(p, a) || isSupervisor(p, a) ||
		(p.Has(account.Auditor) && p.InInstitution(a.HostInstitutionID, account.Auditor))
}

// furtherStudyStepAllowed says who takes each step: the host department's
// reviewer reviews first; the office rejects, accepts, records arrival and
// completion; the supervisor, the reviewer and the office evaluate months;
// the trainee withdraws before arriving, the office at any open stage.
func furtherStudyStepAllowed(p *account.Principal, a furtherstudy.Application, step string) bool {
	switch step {
	case "department-review":
		return p.Has(account.Admin) || isHostReviewer(p, a)
	case "reject", "accept", "arrive", "complete":
		return isFurtherStudyOffice(p, a)
	case "evaluate":
		return isFurtherStudyOffice(p, a) || isHostReviewer(p, a) || isSupervisor(p, a)
	case "withdraw":
		return isFurtherStudyOffice(p, a) || (isTrainee(p, a) && a.Status != furtherstudy.Arrived)
	}
	return false
}

// furtherStudyListScope is what the principal may list: everything for the
// admin and unscoped auditors; the hosts of an office or auditor; a
// reviewer's departments; one's own applications and one's trainees.
func furtherStudyListScope(p *account.Principal) furtherstudy.ListFilter {
	f := furtherstudy.ListFilter{OwnPersonID: ownPerson(p), SupervisorID: ownPerson(p)}
	if p.Has(account.Admin, account.EducationOffice, account.Auditor) {
		hosts := scopeOf(p, account.Admin, account.EducationOffice, account.Auditor)
		if hosts == nil {
			f.AllScope = true
			return f
		}
		f.HostInstitutionIDs = hosts
	}
	if p.Has(account.DepartmentReviewer) {
		f.DepartmentIDs = p.Departments(account.DepartmentReviewer)
	}
	return f
}

// furtherStudyReportScope: the hosts of an office or auditor, else a reviewer's departments.
func furtherStudyReportScope(p *account.Principal) furtherstudy.Scope {
	if p.Has(account.Admin, account.EducationOffice, account.Auditor) {
		return furtherstudy.Scope{HostInstitutionIDs: scopeOf(p, account.Admin, account.EducationOffice, account.Auditor)}
	}
	deps := p.Departments(account.DepartmentReviewer)
	if deps == nil {
		deps = []int64{}
	}
	return furtherstudy.Scope{DepartmentIDs: deps}
}

// loadFurtherStudy loads the application of the path for a reader; one the
// reader may not see does not exist for them.
func (s *Server) loadFurtherStudy(r *http.Request) (furtherstudy.Application, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return furtherstudy.Application{}, err
	}
	a, err := furtherstudy.Get(r.Context(), s.db, id)
	if err != nil {
		return a, err
	}
	if !canSeeFurtherStudy(visitOf(r).principal, a) {
		return furtherstudy.Application{}, errNotFound
	}
	return a, nil
}
