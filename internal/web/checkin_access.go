package web

import (
	"net/http"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/checkin"
)

// Who does what with a session's check-in:
//   - show the projector code: the activity's managers and the session's
//     own lecturers (staff lecturers signed in with the lecturer role);
//   - change settings and run the kiosk: the activity's managers;
//   - read the attendance list: the above, and auditors in scope.
const (
	checkinShow = iota
	checkinManage
	checkinRead
)

func isLecturerOf(p *account.Principal, pl checkin.Place) bool {
	pid := ownPerson(p)
	if pid == 0 || !p.Has(account.Lecturer) {
		return false
	}
	for _, l := range pl.Session.Lecturers {
		if l.PersonID == pid {
			return true
		}
	}
	return false
}

// loadPlace loads the session of the path for what the sender wants to do
// with it: 404 when they may not see it at all, 403 when they see it but
// may not do this.
func (s *Server) loadPlace(r *http.Request, want int) (checkin.Place, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return checkin.Place{}, err
	}
	pl, err := checkin.PlaceOf(r.Context(), s.db, id)
	if err != nil {
		return pl, err
	}
	p := visitOf(r).principal
	manager := canManageActivity(p, pl.Activity)
	lecturer := isLecturerOf(p, pl)
	auditor := p.Has(account.Auditor) && p.InInstitution(pl.Activity.InstitutionID, account.Auditor)
	if !manager && !lecturer && !auditor {
		return pl, errNotFound
	}
	switch {
	case want == checkinManage && !manager:
		return pl, errForbidden
	case want == checkinShow && !manager && !lecturer:
		return pl, errForbidden
	}
	return pl, nil
}
