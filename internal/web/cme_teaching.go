package web

import (
	"net/http"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/session"
)

type teachingPage struct {
	Sessions   []session.Session
	Activities map[int64]activity.Activity
}

// mySessions lists the sessions the signed-in person lectures at, so a
// lecturer finds their own teaching (and, later, its check-in code).
func (s *Server) mySessions(w http.ResponseWriter, r *http.Request) error {
	page := teachingPage{Activities: map[int64]activity.Activity{}}
	if pid := visitOf(r).principal.Account.PersonID; pid != 0 {
		var err error
		if page.Sessions, err = session.Taught(r.Context(), s.db, pid, 100); err != nil {
			return err
		}
		for _, ss := range page.Sessions {
			if _, ok := page.Activities[ss.ActivityID]; ok {
				continue
			}
			a, err := activity.Get(r.Context(), s.db, ss.ActivityID)
			if err != nil {
				return err
			}
			page.Activities[a.ID] = a
		}
	}
	return s.render(w, r, "my_sessions", page)
}
