package web

import (
	"net/http"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/enrolment"
	"github.com/meded/meded/internal/training"
)

// inScopeOf: p holds one of roles over the institution.
func inScopeOf(p *account.Principal, institutionID int64, roles ...account.Role) bool {
	return p.Has(roles...) && inScope(scopeOf(p, roles...), institutionID)
}

// canManageClass: the admin, or an education office over the class's institution.
func canManageClass(p *account.Principal, a activity.Activity) bool {
	return inScopeOf(p, a.InstitutionID, classEditors...)
}

// canManageConference: the admin, or an education or partnership office
// over the sending institution.
func canManageConference(p *account.Principal, a activity.Activity) bool {
	return inScopeOf(p, a.InstitutionID, conferenceEditors...)
}

// canReadFaculty: a reader of the record's kind (classReaders for classes,
// facultyReaders for conferences) over the institution.
func canReadFaculty(p *account.Principal, a activity.Activity) bool {
	if a.Kind == training.Kind {
		return inScopeOf(p, a.InstitutionID, classReaders...)
	}
	return inScopeOf(p, a.InstitutionID, facultyReaders...)
}

// canSeeFacultyRecord: readers in scope and the people on the record
// (participants of a class, members of a delegation, not withdrawn).
func (s *Server) canSeeFacultyRecord(r *http.Request, a activity.Activity) bool {
	p := visitOf(r).principal
	if canReadFaculty(p, a) {
		return true
	}
	if pid := ownPerson(p); pid != 0 {
		e, err := enrolment.Find(r.Context(), s.db, a.ID, pid)
		return err == nil && e.Status != "withdrawn"
	}
	return false
}
