package web

import (
	"net/http"
	"slices"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/enrolment"
)

// ownPerson is the person of the signed-in account (0 when none).
func ownPerson(p *account.Principal) int64 {
	if p == nil {
		return 0
	}
	return p.Account.PersonID
}

// isDirectorOf: a project director manages the activities they direct.
func isDirectorOf(p *account.Principal, a activity.Activity) bool {
	return p.Has(account.ProjectDirector) && ownPerson(p) != 0 && ownPerson(p) == a.DirectorID
}

// isOfficeOf: the admin, or an education office over the organiser.
func isOfficeOf(p *account.Principal, a activity.Activity) bool {
	return p.Has(account.Admin) || (p.Has(account.EducationOffice) && p.InInstitution(a.InstitutionID, account.EducationOffice))
}

// canManageActivity: the office over the organiser and the director.
func canManageActivity(p *account.Principal, a activity.Activity) bool {
	return isOfficeOf(p, a) || isDirectorOf(p, a)
}

// canSeeActivity: managers; auditors and reviewers in scope; anyone while
// the activity is open for enrolment; and whoever is enrolled.
func (s *Server) canSeeActivity(r *http.Request, a activity.Activity) bool {
	p := visitOf(r).principal
	switch {
	case canManageActivity(p, a):
		return true
	case p.Has(account.Auditor) && p.InInstitution(a.InstitutionID, account.Auditor):
		return true
	case p.Has(account.DepartmentReviewer) && a.DepartmentID != 0 && slices.Contains(p.Departments(account.DepartmentReviewer), a.DepartmentID):
		return true
	case a.Enrollable(activity.Today()):
		return true
	}
	if pid := ownPerson(p); pid != 0 {
		_, err := enrolment.Find(r.Context(), s.db, a.ID, pid)
		return err == nil
	}
	return false
}

// stepAllowed says who takes each lifecycle step: the director submits,
// reopens a rejected application, starts and closes; the office approves,
// rejects, starts, closes and archives.
func stepAllowed(p *account.Principal, a activity.Activity, step string) bool {
	switch step {
	case "submit", "reopen":
		return isDirectorOf(p, a) || p.Has(account.Admin)
	case "approve", "reject", "archive":
		return isOfficeOf(p, a)
	case "start", "close":
		return canManageActivity(p, a)
	}
	return false
}

// loadActivity loads the activity of the path for a reader.
func (s *Server) loadActivity(r *http.Request) (activity.Activity, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return activity.Activity{}, err
	}
	a, err := activity.Get(r.Context(), s.db, id)
	if err != nil {
		return a, err
	}
	if !s.canSeeActivity(r, a) {
		return a, errNotFound
	}
	return a, nil
}

// loadManaged loads the activity of the path for a manager.
func (s *Server) loadManaged(r *http.Request) (activity.Activity, error) {
	a, err := s.loadActivity(r)
	if err != nil {
		return a, err
	}
	if !canManageActivity(visitOf(r).principal, a) {
		return a, errForbidden
	}
	return a, nil
}

// activityScope narrows the list to what p may see: managers and readers
// their institutions (directors their own), everyone else the open
// activities and their own enrolments.
func activityScope(p *account.Principal, f *activity.Filter) {
	switch {
	case p.Has(account.Admin):
		f.InstitutionIDs = nil
	case p.Has(account.EducationOffice, account.Auditor):
		f.InstitutionIDs = scopeOf(p, account.EducationOffice, account.Auditor)
	default:
		f.InstitutionIDs = nil
		f.OrOpen = true
		f.PersonID = ownPerson(p)
		if p.Has(account.ProjectDirector) {
			f.DirectorID = ownPerson(p)
		}
		if f.PersonID == 0 {
			f.PersonID = -1
		}
		if f.DirectorID == 0 && p.Has(account.ProjectDirector) {
			f.DirectorID = -1
		}
	}
}
