package web

import (
	"net/http"
	"time"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/series"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
)

type ratesPage struct {
	Activity  activity.Activity
	Year      int
	Expected  int
	Rates     []series.Rate
	Below     []series.Rate
	Shown     []series.Rate // all, or only those below with ?below=1
	Sessions  []session.Session
	CanExcuse bool
	OnlyBelow bool
}

// canExcuse: excused absences are the education office's to enter.
func canExcuse(p *account.Principal, a activity.Activity) bool { return isOfficeOf(p, a) }

func (s *Server) loadRatesSeries(r *http.Request) (activity.Activity, error) {
	a, err := s.loadSeries(r)
	if err != nil {
		return a, err
	}
	if !canReadRates(visitOf(r).principal, a) {
		return a, errForbidden
	}
	return a, nil
}

func (s *Server) ratesView(r *http.Request, a activity.Activity) (ratesPage, error) {
	v := ratesPage{Activity: a, Year: seriesYear(r, a), CanExcuse: canExcuse(visitOf(r).principal, a), OnlyBelow: r.URL.Query().Get("below") == "1"}
	if sch, err := series.Get(r.Context(), s.db, a.ID); err == nil {
		v.Expected = sch.ExpectedPct
	}
	var err error
	if v.Rates, err = series.Rates(r.Context(), s.db, a.ID, v.Year, time.Now()); err != nil {
		return v, seriesErr(err)
	}
	v.Below = series.Below(v.Rates)
	v.Shown = v.Rates
	if v.OnlyBelow {
		v.Shown = v.Below
	}
	if v.CanExcuse {
		all, err := session.List(r.Context(), s.db, a.ID)
		if err != nil {
			return v, err
		}
		for _, x := range all {
			if !x.Cancelled && x.StartsAt.In(activity.Zone).Year() == v.Year {
				v.Sessions = append(v.Sessions, x)
			}
		}
	}
	return v, nil
}

func (s *Server) seriesRates(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadRatesSeries(r)
	if err != nil {
		return err
	}
	v, err := s.ratesView(r, a)
	if err != nil {
		return err
	}
	return s.render(w, r, "series_rates", v)
}

// excuseInput excuses (or, with Withdraw, un-excuses) one absence.
type excuseInput struct {
	SessionID int64  `json:"session_id"`
	PersonID  int64  `json:"person_id"`
	Reason    string `json:"reason"`
	Withdraw  bool   `json:"withdraw"`
}

func (s *Server) recordExcuse(r *http.Request, in excuseInput) (activity.Activity, error) {
	a, err := s.loadSeries(r)
	if err != nil {
		return a, err
	}
	if !canExcuse(visitOf(r).principal, a) {
		return a, errForbidden
	}
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		sess, err := session.Get(r.Context(), tx, in.SessionID)
		if err != nil || sess.ActivityID != a.ID {
			return fieldErr("session_id", "error.not_found")
		}
		if in.Withdraw {
			return series.Unexcuse(r.Context(), tx, s.actor(r), in.SessionID, in.PersonID)
		}
		return series.Excuse(r.Context(), tx, s.actor(r), in.SessionID, in.PersonID, in.Reason)
	})
	return a, seriesErr(err)
}

func (s *Server) seriesExcusePage(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	in := excuseInput{SessionID: formID(r, "session_id"), PersonID: formID(r, "person_id"), Reason: r.PostForm.Get("reason"),
		Withdraw: r.PostForm.Get("withdraw") == "true"}
	a, err := s.recordExcuse(r, in)
	if err != nil {
		if _, ok := asFields(err); ok {
			v, verr := s.ratesView(r, a)
			if verr != nil {
				return verr
			}
			return s.renderForm(w, r, "series_rates", v, err)
		}
		return err
	}
	return redirectFlash(w, r, seriesPath(a.ID)+"/rates", "flash.saved")
}

// runSweep posts the credits of every series session whose window closed.
func (s *Server) runSweep(r *http.Request) (series.SweepResult, error) {
	return series.Sweep(r.Context(), s.db, s.actor(r), time.Now())
}

func (s *Server) seriesSweepPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.runSweep(r); err != nil {
		return err
	}
	return redirectFlash(w, r, "/series", "flash.saved")
}
