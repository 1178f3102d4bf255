package web

import (
	"net/http"
	"strconv"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/series"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
)

type seriesSessionPage struct {
	Activity  activity.Activity
	Session   session.Session
	Attendees []series.Attendee
	People    map[int64]person.Person
	CanManage bool
	Formats   []string
	// Local start and end as the form's datetime-local fields want them.
	StartsLocal, EndsLocal string
}

func (s *Server) seriesSessionView(r *http.Request, sess session.Session, a activity.Activity) (seriesSessionPage, error) {
	p := visitOf(r).principal
	v := seriesSessionPage{Activity: a, Session: sess, CanManage: canManageActivity(p, a), Formats: session.Formats,
		People: map[int64]person.Person{}, StartsLocal: sess.StartsAt.In(activity.Zone).Format("2006-01-02T15:04"),
		EndsLocal: sess.EndsAt.In(activity.Zone).Format("2006-01-02T15:04")}
	for _, l := range sess.Lecturers {
		if l.PersonID == 0 {
			continue
		}
		per, err := person.Get(r.Context(), s.db, l.PersonID)
		if err != nil {
			return v, err
		}
		v.People[l.PersonID] = per
	}
	// The list of names is personal data: managers and auditors see it;
	// everyone else sees the count on the series page.
	if canReadRates(p, a) {
		var err error
		if v.Attendees, err = series.Attendees(r.Context(), s.db, sess.ID); err != nil {
			return v, err
		}
	}
	return v, nil
}

func (s *Server) seriesSessionShow(w http.ResponseWriter, r *http.Request) error {
	sess, a, err := s.loadSeriesSession(r)
	if err != nil {
		return err
	}
	v, err := s.seriesSessionView(r, sess, a)
	if err != nil {
		return err
	}
	return s.render(w, r, "series_session", v)
}

func (s *Server) seriesSessionFormError(w http.ResponseWriter, r *http.Request, err error) error {
	sess, a, lerr := s.loadSeriesSession(r)
	if lerr != nil {
		return lerr
	}
	v, verr := s.seriesSessionView(r, sess, a)
	if verr != nil {
		return verr
	}
	return s.renderForm(w, r, "series_session", v, err)
}

func seriesSessionPath(id int64) string { return "/series-sessions/" + strconv.FormatInt(id, 10) }

// managedSeriesSession loads the session of the path for its series' office
// or director.
func (s *Server) managedSeriesSession(r *http.Request) (session.Session, activity.Activity, error) {
	sess, a, err := s.loadSeriesSession(r)
	if err != nil {
		return sess, a, err
	}
	if !canManageActivity(visitOf(r).principal, a) {
		return sess, a, errForbidden
	}
	return sess, a, nil
}

func (s *Server) updateSeriesSession(r *http.Request, in session.Input) (session.Session, error) {
	sess, _, err := s.managedSeriesSession(r)
	if err != nil {
		return sess, err
	}
	var out session.Session
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		out, err = session.Update(r.Context(), tx, s.actor(r), sess.ID, in)
		return err
	})
	return out, err
}

func (s *Server) seriesSessionUpdate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	out, err := s.updateSeriesSession(r, sessionInputForm(r.PostForm))
	if err != nil {
		return s.seriesSessionFormError(w, r, err)
	}
	return redirectFlash(w, r, seriesSessionPath(out.ID), "flash.saved")
}

func (s *Server) cancelSeriesSession(r *http.Request) (session.Session, error) {
	sess, _, err := s.managedSeriesSession(r)
	if err != nil {
		return sess, err
	}
	var out session.Session
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		out, err = session.Cancel(r.Context(), tx, s.actor(r), sess.ID)
		return err
	})
	return out, err
}

func (s *Server) seriesSessionCancel(w http.ResponseWriter, r *http.Request) error {
	out, err := s.cancelSeriesSession(r)
	if err != nil {
		return err
	}
	return redirectFlash(w, r, seriesSessionPath(out.ID), "flash.saved")
}

// attendanceChange is a hand-made change to a series session's attendance.
type attendanceChange struct {
	PersonID int64  `json:"person_id"`
	Present  bool   `json:"present"`
	Reason   string `json:"reason"`
}

func (s *Server) setSeriesAttendance(r *http.Request, c attendanceChange) (session.Session, error) {
	sess, _, err := s.managedSeriesSession(r)
	if err != nil {
		return sess, err
	}
	return sess, s.db.InTx(r.Context(), func(tx *store.Tx) error {
		return series.SetAttendance(r.Context(), tx, s.actor(r), sess.ID, c.PersonID, c.Present, c.Reason)
	})
}

func (s *Server) seriesAttendancePage(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	c := attendanceChange{PersonID: formID(r, "person_id"), Present: r.PostForm.Get("present") == "true", Reason: r.PostForm.Get("reason")}
	sess, err := s.setSeriesAttendance(r, c)
	if err != nil {
		return s.seriesSessionFormError(w, r, err)
	}
	return redirectFlash(w, r, seriesSessionPath(sess.ID), "flash.saved")
}
