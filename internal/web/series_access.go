package web

import (
	"errors"
	"net/http"
	"slices"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/calendar"
	"github.com/meded/meded/internal/series"
	"github.com/meded/meded/internal/session"
)

// announcedStatuses are the statuses in which a series is announced to the
// staff: anyone signed in sees it, its figures and its calendar.
var announcedStatuses = []string{"approved", "running", "closed", "archived"}

// canSeeSeries: its managers and auditors in scope always; everyone once it
// is announced (a weekly lecture is open to the whole hospital).
func canSeeSeries(p *account.Principal, a activity.Activity) bool {
	return canManageActivity(p, a) || canAuditSeries(p, a) || slices.Contains(announcedStatuses, a.Status)
}

// canAuditSeries: the admin and auditors over the organiser.
func canAuditSeries(p *account.Principal, a activity.Activity) bool {
	return p.Has(account.Admin) || p.Has(account.Auditor) && p.InInstitution(a.InstitutionID, account.Auditor)
}

// canReadRates: who sees each learner's attendance rate (personal data):
// the series' managers and auditors in scope.
func canReadRates(p *account.Principal, a activity.Activity) bool {
	return canManageActivity(p, a) || canAuditSeries(p, a)
}

// seriesErr maps the series and calendar packages' sentinels to statuses.
func seriesErr(err error) error {
	if errors.Is(err, series.ErrNotFound) || errors.Is(err, calendar.ErrNotFound) {
		return errNotFound
	}
	return err
}

// loadSeries loads the series of the path for a reader.
func (s *Server) loadSeries(r *http.Request) (activity.Activity, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return activity.Activity{}, err
	}
	a, err := series.Series(r.Context(), s.db, id)
	if err != nil {
		return a, seriesErr(err)
	}
	if !canSeeSeries(visitOf(r).principal, a) {
		return a, errNotFound
	}
	return a, nil
}

// loadManagedSeries loads the series of the path for its office or director.
func (s *Server) loadManagedSeries(r *http.Request) (activity.Activity, error) {
	a, err := s.loadSeries(r)
	if err != nil {
		return a, err
	}
	if !canManageActivity(visitOf(r).principal, a) {
		return a, errForbidden
	}
	return a, nil
}

// loadSeriesSession loads the series session of the path and its series.
func (s *Server) loadSeriesSession(r *http.Request) (session.Session, activity.Activity, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return session.Session{}, activity.Activity{}, err
	}
	sess, err := session.Get(r.Context(), s.db, id)
	if err != nil {
		return sess, activity.Activity{}, err
	}
	a, err := series.Series(r.Context(), s.db, sess.ActivityID)
	if err != nil {
		return sess, a, seriesErr(err)
	}
	if !canSeeSeries(visitOf(r).principal, a) {
		return sess, a, errNotFound
	}
	return sess, a, nil
}
